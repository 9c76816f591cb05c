use leptos::prelude::*;

use crate::auth::AreaNav;
use crate::i18n::{t, tr, use_lang};
use crate::layout::use_me;

#[component]
pub fn Dashboard() -> impl IntoView {
    let lang = use_lang();
    let me = use_me();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
            {move || Suspend::new(async move {
                me.await.ok().map(|me| {
                    let name = me.display_name.clone();
                    let path = me.unit_path.clone();
                    let roles = me.roles.clone();
                    let areas: Vec<_> = me.areas.iter().copied().filter(|a| *a != crate::auth::Area::Dashboard).collect();
                    view! {
                        <section class="dashboard" data-testid="dashboard">
                            <h1>{move || t(lang.get(), "dash.welcome").replace("{name}", &name)}</h1>
                            <div class="cards">
                                <div class="card">
                                    <h2>{tr("dash.your_unit")}</h2>
                                    <p class="unit-path" data-testid="unit-path">
                                        {move || path.iter().map(|l| l.get(lang.get())).collect::<Vec<_>>().join(" › ")}
                                    </p>
                                </div>
                                <div class="card">
                                    <h2>{tr("dash.your_roles")}</h2>
                                    <p data-testid="roles">
                                        {move || {
                                            if roles.is_empty() {
                                                t(lang.get(), "dash.no_roles").to_string()
                                            } else {
                                                roles.iter().map(|r| r.get(lang.get())).collect::<Vec<_>>().join("、")
                                            }
                                        }}
                                    </p>
                                </div>
                            </div>
                            <h2>{tr("dash.your_areas")}</h2>
                            <div class="area-tiles">
                                {areas
                                    .into_iter()
                                    .map(|a| {
                                        view! {
                                            <a href=a.path() class="tile">
                                                <span class="tile-icon">{a.icon()}</span>
                                                <span>{move || t(lang.get(), a.text_key())}</span>
                                            </a>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}
