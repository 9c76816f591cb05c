//! A module's page. The modules arrive issue by issue; until then the page says so. A user whose
//! roles do not open the area gets "no access" instead, also when typing the address directly.

use leptos::prelude::*;

use crate::auth::Area;
use crate::i18n::{t, tr, use_lang};
use crate::layout::use_me;

#[component]
pub fn AreaPage(area: Area) -> impl IntoView {
    let lang = use_lang();
    let me = use_me();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
            {move || Suspend::new(async move {
                let allowed = me.await.map(|m| m.may_open(area)).unwrap_or(false);
                if allowed {
                    view! {
                        <section class="area" data-testid="area-page">
                            <h1>{move || t(lang.get(), area.text_key())}</h1>
                            <p class="muted">{tr("area.coming")}</p>
                        </section>
                    }
                        .into_any()
                } else {
                    view! {
                        <section class="forbidden" data-testid="forbidden">
                            <h1>{tr("forbidden.title")}</h1>
                            <p>{tr("err.forbidden")}</p>
                        </section>
                    }
                        .into_any()
                }
            })}
        </Suspense>
    }
}

/// Shows its children only to users whose roles open the area; others see "no access". The
/// server functions behind the children check again.
#[component]
pub fn Guarded(area: Area, children: ChildrenFn) -> impl IntoView {
    let me = use_me();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    if me.await.map(|m| m.may_open(area)).unwrap_or(false) {
                        children().into_any()
                    } else {
                        view! {
                            <section class="forbidden" data-testid="forbidden">
                                <h1>{tr("forbidden.title")}</h1>
                                <p>{tr("err.forbidden")}</p>
                            </section>
                        }
                            .into_any()
                    }
                })
            }}
        </Suspense>
    }
}
