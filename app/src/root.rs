use leptos::prelude::*;
use leptos_meta::HashedStylesheet;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::auth::Area;
use crate::i18n::{initial_lang, t, I18n};
use crate::layout::AppLayout;
use crate::customers::list::CustomersPage;
use crate::pages::{area::Guarded, dashboard::Dashboard, login::LoginPage, not_found::NotFound};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    #[cfg(feature = "ssr")]
    preload_start_app();
    view! {
        <!DOCTYPE html>
        <html lang=lang.html_lang()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#1f4e8c"/>
                <title>{t(lang, "app.name")}</title>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app itself is a split module (a `#[lazy]` function, awaited by `hydrate()` in lib.rs), so
/// that the main WASM holds only that start and the code of the first page comes in few files of
/// bounded size: the build tells the splitter this module is loaded at start (`WASM_SPLIT_PRELOAD`
/// in scripts/build.sh). What `leptos::mount::hydrate_lazy` does, plus a mark once everything has
/// hydrated: a lazily loaded page hydrates only after its chunk arrives, and until then its
/// buttons do nothing.
#[lazy]
pub(crate) async fn start_app() {
    #[cfg(feature = "hydrate")]
    {
        let body = document().body().expect("a <body>");
        let mounted = leptos::mount::hydrate_from_async(body.clone(), App).await;
        mounted.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// Called while the server renders a page: on the server, calling a `#[lazy]` function only marks
/// its files for `<link rel="preload">` in the page's head, so the browser fetches the app's
/// start-up files alongside the main WASM rather than after it.
#[cfg(feature = "ssr")]
fn preload_start_app() {
    use std::future::Future;
    let mut start = std::pin::pin!(start_app());
    let _ = start
        .as_mut()
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));
}

#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(initial_lang());
    provide_context(I18n(lang));
    // `<body data-hydrated>` is set by `hydrate()` in lib.rs once the page is interactive.
    // The shell writes the title; a language switch renews it (without leptos_meta, whose title
    // machinery cost the first download some 9 kB for this one line).
    #[cfg(not(feature = "ssr"))]
    Effect::new(move |_| document().set_title(t(lang.get(), "app.name")));

    // Sign-in, the shell, the landing page and the customer list are in the first download; every
    // other page is its own chunk, fetched when its route is first visited (see `lazy_pages`).
    // The landing page and the list are not split because a newcomer always needs them: split,
    // they and the code they share with other pages came as some 250 small chunks, and on a
    // phone each round trip cost more than the bytes.
    view! {
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view=LoginPage/>
                <ParentRoute path=path!("") view=AppLayout>
                    <Route path=path!("") view=Dashboard/>
                    <Route path=path!("customers") view=|| view! { <Guarded area=Area::Customers><CustomersPage/></Guarded> }/>
                    <Route path=path!("contacts") view=lazy_pages::contacts_route::PAGE/>
                    <Route path=path!("pools") view=lazy_pages::pools_route::PAGE/>
                    <Route path=path!("customers/import") view=lazy_pages::import_route::PAGE/>
                    <Route path=path!("customers/:id") view=lazy_pages::customer_detail_route::PAGE/>
                    <Route path=path!("segments") view=lazy_pages::segments_route::PAGE/>
                    <Route path=path!("leads") view=lazy_pages::leads_route::PAGE/>
                    <Route path=path!("leads/rules") view=lazy_pages::lead_rules_route::PAGE/>
                    <Route path=path!("leads/campaigns") view=lazy_pages::campaigns_route::PAGE/>
                    <Route path=path!("leads/:id") view=lazy_pages::lead_detail_route::PAGE/>
                    <Route path=path!("opportunities") view=lazy_pages::opportunities_route::PAGE/>
                    <Route path=path!("contracts") view=lazy_pages::contracts_route::PAGE/>
                    <Route path=path!("contracts/:id") view=lazy_pages::contract_detail_route::PAGE/>
                    <Route path=path!("quotes") view=lazy_pages::quotes_route::PAGE/>
                    <Route path=path!("quotes/:id") view=lazy_pages::quote_detail_route::PAGE/>
                    <Route path=path!("tickets") view=lazy_pages::tickets_route::PAGE/>
                    <Route path=path!("tickets/:id") view=lazy_pages::ticket_detail_route::PAGE/>
                    <Route path=path!("approvals") view=lazy_pages::approvals_route::PAGE/>
                    <Route path=path!("approvals/:id") view=lazy_pages::approval_detail_route::PAGE/>
                    <Route path=path!("tasks") view=lazy_pages::tasks_route::PAGE/>
                    <Route path=path!("tasks/:id") view=lazy_pages::task_detail_route::PAGE/>
                    <Route path=path!("notifications") view=lazy_pages::notifications_route::PAGE/>
                    <Route path=path!("reports") view=lazy_pages::reports_route::PAGE/>
                    <Route path=path!("profile") view=lazy_pages::profile_route::PAGE/>
                    <ParentRoute path=path!("admin") view=lazy_pages::admin_route::PAGE>
                        <Route path=path!("") view=lazy_pages::org_route::PAGE/>
                        <Route path=path!("users") view=lazy_pages::users_route::PAGE/>
                        <Route path=path!("roles") view=lazy_pages::roles_route::PAGE/>
                        <Route path=path!("pools") view=lazy_pages::pools_admin_route::PAGE/>
                        <Route path=path!("explain") view=lazy_pages::explain_route::PAGE/>
                        <Route path=path!("webhooks") view=lazy_pages::webhooks_route::PAGE/>
                        <Route path=path!("audit") view=lazy_pages::audit_route::PAGE/>
                        <Route path=path!("approval-flows") view=lazy_pages::flow_designer_route::PAGE/>
                        <Route path=path!("prices") view=lazy_pages::price_list_route::PAGE/>
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The lazily loaded pages: each page's view is split into its own WASM chunk by
/// `cargo leptos build --split` and fetched on the first visit (the server renders it in full).
mod lazy_pages {
    use std::future::Future;
    use std::pin::Pin;

    use leptos::prelude::*;
    use leptos_router::ChooseView;

    use crate::auth::Area;
    use crate::pages::area::Guarded;

    /// A route's view fetched on the first visit. Leptos's `Lazy<T>` is a type per page, and the
    /// router's view machinery was built for each of them in the first download (some 30 kB
    /// before optimization for 33 pages); this one type serves every page.
    #[derive(Clone, Copy)]
    pub struct LazyPage {
        view: fn() -> Pin<Box<dyn Future<Output = AnyView>>>,
        preload: fn() -> Pin<Box<dyn Future<Output = ()>>>,
    }

    impl ChooseView for LazyPage {
        fn choose(self) -> impl Future<Output = AnyView> {
            (self.view)()
        }

        /// Fetches the page's chunk while the router loads the route (the browser only).
        fn preload(&self) -> impl Future<Output = ()> {
            (self.preload)()
        }
    }

    /// A module `$page` holding the lazily loaded view (a `#[lazy]` function named after the
    /// module, which names its chunk) and `PAGE` for the route table; the page is shown only to
    /// those whose roles open `$area` when one is named.
    macro_rules! lazy_page {
        (@view $page:ident, $view:expr) => {
            pub mod $page {
                use super::*;

                #[lazy($page)]
                pub fn view() -> AnyView {
                    $view.into_any()
                }

                pub const PAGE: LazyPage = LazyPage {
                    view: || Box::pin(view()),
                    #[cfg(feature = "hydrate")]
                    preload: || Box::pin(__preload_view()),
                    #[cfg(not(feature = "hydrate"))]
                    preload: || Box::pin(async {}),
                };
            }
        };
        ($page:ident, $area:expr, $component:path) => {
            lazy_page!(@view $page, view! { <Guarded area=$area><$component/></Guarded> });
        };
        ($page:ident, $component:path) => {
            lazy_page!(@view $page, view! { <$component/> });
        };
    }

    lazy_page!(contacts_route, Area::Customers, crate::contacts::list::ContactsPage);
    lazy_page!(pools_route, Area::Customers, crate::pools::page::PoolsPage);
    lazy_page!(customer_detail_route, Area::Customers, crate::customers::detail::page::CustomerDetailPage);
    lazy_page!(leads_route, Area::Leads, crate::leads::list::LeadsPage);
    lazy_page!(lead_rules_route, Area::Leads, crate::leads::rules::LeadRulesPage);
    lazy_page!(campaigns_route, Area::Leads, crate::marketing::campaigns::CampaignsPage);
    lazy_page!(segments_route, Area::Customers, crate::marketing::segments::SegmentsPage);
    lazy_page!(import_route, Area::Customers, crate::imports::ImportPage);
    lazy_page!(lead_detail_route, Area::Leads, crate::leads::detail::LeadDetailPage);
    lazy_page!(tasks_route, Area::Tasks, crate::tasks::list::TasksPage);
    lazy_page!(task_detail_route, Area::Tasks, crate::tasks::detail::TaskDetailPage);
    lazy_page!(notifications_route, crate::notifications::page::NotificationsPage);
    lazy_page!(approvals_route, Area::Approvals, crate::approvals::inbox::ApprovalsPage);
    lazy_page!(approval_detail_route, Area::Approvals, crate::approvals::detail::ApprovalDetailPage);
    lazy_page!(opportunities_route, Area::Opportunities, crate::opportunities::board::OpportunitiesPage);
    lazy_page!(contracts_route, Area::Contracts, crate::contracts::list::ContractsPage);
    lazy_page!(contract_detail_route, Area::Contracts, crate::contracts::detail::ContractDetailPage);
    lazy_page!(quotes_route, Area::Contracts, crate::contracts::quotes::QuotesPage);
    lazy_page!(quote_detail_route, Area::Contracts, crate::contracts::quotes::QuoteDetailPage);
    lazy_page!(tickets_route, Area::Tickets, crate::tickets::list::TicketsPage);
    lazy_page!(ticket_detail_route, Area::Tickets, crate::tickets::detail::TicketDetailPage);
    lazy_page!(reports_route, Area::Reports, crate::reports::ReportsPage);
    lazy_page!(profile_route, crate::profile::ProfilePage);
    // The admin layout (its tabs) guards its pages.
    lazy_page!(admin_route, Area::Admin, crate::admin::AdminLayout);
    lazy_page!(org_route, crate::admin::org::OrgPage);
    lazy_page!(users_route, crate::admin::users::UsersPage);
    lazy_page!(roles_route, crate::admin::roles::RolesPage);
    lazy_page!(pools_admin_route, crate::admin::pools::PoolsAdminPage);
    lazy_page!(webhooks_route, crate::admin::webhooks::WebhooksPage);
    lazy_page!(explain_route, crate::admin::explain::ExplainPage);
    lazy_page!(audit_route, crate::admin::audit::AuditPage);
    lazy_page!(flow_designer_route, crate::approvals::designer::FlowDesignerPage);
    lazy_page!(price_list_route, crate::admin::prices::PriceListPage);
}
