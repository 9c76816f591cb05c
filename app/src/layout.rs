//! The signed-in layout: a sidebar on the desktop; on a phone a compact header and a bottom bar.
//! Entries the user may not use are not shown.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_location;

use crate::auth::{get_me, Area, AreaNav, Me};
use crate::error::AppError;
use crate::i18n::{switch_lang, t, tr, use_lang};
use crate::ui::loading::{resource, Resource};

/// The signed-in user, loaded once by the layout and shared with its pages.
pub type MeResource = Resource<Result<Me, AppError>>;

pub fn use_me() -> MeResource {
    expect_context::<MeResource>()
}

/// Leaves the app for the sign-in page with a full load, so no state of the old session stays.
fn go_to_sign_in() {
    #[cfg(not(feature = "ssr"))]
    {
        let _ = window().location().set_href("/login");
    }
}

#[component]
pub fn AppLayout() -> impl IntoView {
    let me: MeResource = resource(|| (), |_| get_me());
    provide_context(me);
    crate::live::provide_live();
    crate::approvals::badge::provide_waiting_count();
    let lang = use_lang();
    let menu_open = RwSignal::new(false);
    // A plain action, as on the sign-in page (see there).
    let sign_out_action = Action::new(|input: &crate::auth::SignOut| input.clone().run_on_client());
    Effect::new(move |_| {
        if sign_out_action.value().get().is_some() {
            go_to_sign_in();
        }
    });

    view! {
        <div class="app">
            <Suspense fallback=move || view! { <div class="loading-page">{tr("shell.loading")}</div> }>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(me) => {
                            let areas = me.areas.clone();
                            view! {
                                <Sidebar areas=areas.clone()/>
                                <div class="main-col">
                                    <header class="topbar">
                                        <span class="brand-compact">{tr("app.name")}</span>
                                        <div class="who" data-testid="who">
                                            <a class="who-name" href="/profile" data-testid="to-profile" title=tr("shell.profile")>{me.display_name.clone()}</a>
                                            <span class="who-unit">{
                                                let unit = me.unit.clone();
                                                move || unit.get(lang.get())
                                            }</span>
                                        </div>
                                        <crate::notifications::bell::Bell/>
                                        <button
                                            class="lang-switch"
                                            data-testid="lang-switch"
                                            title=tr("shell.language")
                                            on:click=move |_| switch_lang(lang, lang.get_untracked().other())
                                        >
                                            {move || match lang.get() {
                                                crate::i18n::Lang::Zh => "EN",
                                                crate::i18n::Lang::En => "中文",
                                            }}
                                        </button>
                                        <button
                                            class="sign-out"
                                            data-testid="sign-out"
                                            on:click=move |_| { sign_out_action.dispatch(crate::auth::SignOut {}); }
                                        >
                                            {tr("shell.sign_out")}
                                        </button>
                                    </header>
                                    <main class="content">
                                        <Outlet/>
                                    </main>
                                    <crate::notifications::toasts::LiveOverlay/>
                                </div>
                                <BottomBar areas=areas menu_open/>
                            }
                                .into_any()
                        }
                        Err(AppError::Unauthenticated) => {
                            go_to_sign_in();
                            view! { <div class="loading-page">{tr("err.unauthenticated")}</div> }.into_any()
                        }
                        Err(e) => {
                            view! {
                                <div class="error-page">
                                    <h1>{tr("error.title")}</h1>
                                    <p>{move || e.message(lang.get())}</p>
                                </div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}

fn is_current(path: &str, area: Area) -> bool {
    match area {
        Area::Dashboard => path == "/",
        other => path == other.path() || path.starts_with(&format!("{}/", other.path())),
    }
}

#[component]
fn NavLink(area: Area, #[prop(optional)] on_pick: Option<Callback<()>>) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let current = move || is_current(&location.pathname.get(), area);
    view! {
        <A href=area.path() attr:class="nav-link" attr:data-area=area.code()>
            <span
                class="nav-item"
                class:active=current
                on:click=move |_| {
                    if let Some(cb) = on_pick {
                        cb.run(());
                    }
                }
            >
                <span class="nav-icon" aria-hidden="true">{area.icon()}</span>
                <span class="nav-text">{move || t(lang.get(), area.text_key())}</span>
                {(area == Area::Approvals).then(|| view! { <crate::approvals::badge::WaitingBadge/> })}
            </span>
        </A>
    }
}

#[component]
fn Sidebar(areas: Vec<Area>) -> impl IntoView {
    view! {
        <nav class="sidebar" data-testid="sidebar">
            <div class="brand">
                <span class="brand-mark">"◈"</span>
                <span class="brand-name">{tr("app.name")}</span>
            </div>
            {areas.into_iter().map(|area| view! { <NavLink area/> }).collect_view()}
        </nav>
    }
}

#[component]
fn BottomBar(areas: Vec<Area>, menu_open: RwSignal<bool>) -> impl IntoView {
    let primary: Vec<Area> = areas.iter().copied().filter(|a| a.in_bottom_bar()).collect();
    let rest: Vec<Area> = areas.iter().copied().filter(|a| !a.in_bottom_bar()).collect();
    let has_more = !rest.is_empty();
    let close = Callback::new(move |_| menu_open.set(false));
    view! {
        <nav class="bottombar" data-testid="bottom-nav">
            {primary.into_iter().map(|area| view! { <NavLink area on_pick=close/> }).collect_view()}
            {has_more.then(|| view! {
                <button class="nav-item more" data-testid="more" on:click=move |_| menu_open.update(|o| *o = !*o)>
                    <span class="nav-icon" aria-hidden="true">"⋯"</span>
                    <span class="nav-text">{tr("nav.more")}</span>
                </button>
            })}
        </nav>
        <Show when=move || menu_open.get()>
            <div class="more-sheet" data-testid="more-sheet">
                {rest.iter().copied().map(|area| view! { <NavLink area on_pick=close/> }).collect_view()}
                <button class="close-sheet" on:click=move |_| menu_open.set(false)>{tr("nav.close")}</button>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_area_follows_the_path() {
        assert!(is_current("/", Area::Dashboard));
        assert!(!is_current("/customers", Area::Dashboard));
        assert!(is_current("/customers", Area::Customers));
        assert!(is_current("/customers/12", Area::Customers));
        assert!(!is_current("/customersx", Area::Customers));
    }

    #[test]
    fn every_area_has_its_own_lowercase_code() {
        let codes: std::collections::HashSet<_> = Area::ALL.iter().map(|a| a.code()).collect();
        assert_eq!(codes.len(), Area::ALL.len());
        assert_eq!(Area::Admin.code(), "admin");
        assert_eq!(Area::Opportunities.code(), "opportunities");
        assert!(codes.iter().all(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_lowercase())));
    }
}
