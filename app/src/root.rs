use leptos::prelude::*;
use leptos_meta::HashedStylesheet;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy};

use crate::auth::Area;
use crate::i18n::{initial_lang, t, I18n};
use crate::layout::AppLayout;
use crate::customers::list::CustomersPage;
use crate::pages::{area::Guarded, dashboard::Dashboard, login::LoginPage, not_found::NotFound};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
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
                    <Route path=path!("contacts") view={Lazy::<lazy_pages::ContactsRoute>::new()}/>
                    <Route path=path!("pools") view={Lazy::<lazy_pages::PoolsRoute>::new()}/>
                    <Route path=path!("customers/import") view={Lazy::<lazy_pages::ImportRoute>::new()}/>
                    <Route path=path!("customers/:id") view={Lazy::<lazy_pages::CustomerDetailRoute>::new()}/>
                    <Route path=path!("segments") view={Lazy::<lazy_pages::SegmentsRoute>::new()}/>
                    <Route path=path!("leads") view={Lazy::<lazy_pages::LeadsRoute>::new()}/>
                    <Route path=path!("leads/rules") view={Lazy::<lazy_pages::LeadRulesRoute>::new()}/>
                    <Route path=path!("leads/campaigns") view={Lazy::<lazy_pages::CampaignsRoute>::new()}/>
                    <Route path=path!("leads/:id") view={Lazy::<lazy_pages::LeadDetailRoute>::new()}/>
                    <Route path=path!("opportunities") view={Lazy::<lazy_pages::OpportunitiesRoute>::new()}/>
                    <Route path=path!("contracts") view={Lazy::<lazy_pages::ContractsRoute>::new()}/>
                    <Route path=path!("contracts/:id") view={Lazy::<lazy_pages::ContractDetailRoute>::new()}/>
                    <Route path=path!("quotes") view={Lazy::<lazy_pages::QuotesRoute>::new()}/>
                    <Route path=path!("quotes/:id") view={Lazy::<lazy_pages::QuoteDetailRoute>::new()}/>
                    <Route path=path!("tickets") view={Lazy::<lazy_pages::TicketsRoute>::new()}/>
                    <Route path=path!("tickets/:id") view={Lazy::<lazy_pages::TicketDetailRoute>::new()}/>
                    <Route path=path!("approvals") view={Lazy::<lazy_pages::ApprovalsRoute>::new()}/>
                    <Route path=path!("approvals/:id") view={Lazy::<lazy_pages::ApprovalDetailRoute>::new()}/>
                    <Route path=path!("tasks") view={Lazy::<lazy_pages::TasksRoute>::new()}/>
                    <Route path=path!("tasks/:id") view={Lazy::<lazy_pages::TaskDetailRoute>::new()}/>
                    <Route path=path!("notifications") view={Lazy::<lazy_pages::NotificationsRoute>::new()}/>
                    <Route path=path!("reports") view={Lazy::<lazy_pages::ReportsRoute>::new()}/>
                    <Route path=path!("profile") view={Lazy::<lazy_pages::ProfileRoute>::new()}/>
                    <ParentRoute path=path!("admin") view={Lazy::<lazy_pages::AdminRoute>::new()}>
                        <Route path=path!("") view={Lazy::<lazy_pages::OrgRoute>::new()}/>
                        <Route path=path!("users") view={Lazy::<lazy_pages::UsersRoute>::new()}/>
                        <Route path=path!("roles") view={Lazy::<lazy_pages::RolesRoute>::new()}/>
                        <Route path=path!("pools") view={Lazy::<lazy_pages::PoolsAdminRoute>::new()}/>
                        <Route path=path!("explain") view={Lazy::<lazy_pages::ExplainRoute>::new()}/>
                        <Route path=path!("webhooks") view={Lazy::<lazy_pages::WebhooksRoute>::new()}/>
                        <Route path=path!("audit") view={Lazy::<lazy_pages::AuditRoute>::new()}/>
                        <Route path=path!("approval-flows") view={Lazy::<lazy_pages::FlowDesignerRoute>::new()}/>
                        <Route path=path!("prices") view={Lazy::<lazy_pages::PriceListRoute>::new()}/>
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The lazily loaded pages: each route's view is split into its own WASM chunk by
/// `cargo leptos build --split` and fetched on the first visit (the server renders it in full).
mod lazy_pages {
    use leptos::prelude::*;
    use leptos_router::{lazy_route, LazyRoute};

    use crate::auth::Area;
    use crate::pages::area::Guarded;

    /// A route whose lazily loaded view is the page `$page`, shown only to those whose roles
    /// open `$area` when one is named.
    macro_rules! lazy_page {
        (@view $route:ident, $view:expr) => {
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                fn view(_this: Self) -> AnyView {
                    $view.into_any()
                }
            }
        };
        ($route:ident, $area:expr, $page:path) => {
            lazy_page!(@view $route, view! { <Guarded area=$area><$page/></Guarded> });
        };
        ($route:ident, $page:path) => {
            lazy_page!(@view $route, view! { <$page/> });
        };
    }

    lazy_page!(ContactsRoute, Area::Customers, crate::contacts::list::ContactsPage);
    lazy_page!(PoolsRoute, Area::Customers, crate::pools::page::PoolsPage);
    lazy_page!(CustomerDetailRoute, Area::Customers, crate::customers::detail::page::CustomerDetailPage);
    lazy_page!(LeadsRoute, Area::Leads, crate::leads::list::LeadsPage);
    lazy_page!(LeadRulesRoute, Area::Leads, crate::leads::rules::LeadRulesPage);
    lazy_page!(CampaignsRoute, Area::Leads, crate::marketing::campaigns::CampaignsPage);
    lazy_page!(SegmentsRoute, Area::Customers, crate::marketing::segments::SegmentsPage);
    lazy_page!(ImportRoute, Area::Customers, crate::imports::ImportPage);
    lazy_page!(LeadDetailRoute, Area::Leads, crate::leads::detail::LeadDetailPage);
    lazy_page!(TasksRoute, Area::Tasks, crate::tasks::list::TasksPage);
    lazy_page!(TaskDetailRoute, Area::Tasks, crate::tasks::detail::TaskDetailPage);
    lazy_page!(NotificationsRoute, crate::notifications::page::NotificationsPage);
    lazy_page!(ApprovalsRoute, Area::Approvals, crate::approvals::inbox::ApprovalsPage);
    lazy_page!(ApprovalDetailRoute, Area::Approvals, crate::approvals::detail::ApprovalDetailPage);
    lazy_page!(OpportunitiesRoute, Area::Opportunities, crate::opportunities::board::OpportunitiesPage);
    lazy_page!(ContractsRoute, Area::Contracts, crate::contracts::list::ContractsPage);
    lazy_page!(ContractDetailRoute, Area::Contracts, crate::contracts::detail::ContractDetailPage);
    lazy_page!(QuotesRoute, Area::Contracts, crate::contracts::quotes::QuotesPage);
    lazy_page!(QuoteDetailRoute, Area::Contracts, crate::contracts::quotes::QuoteDetailPage);
    lazy_page!(TicketsRoute, Area::Tickets, crate::tickets::list::TicketsPage);
    lazy_page!(TicketDetailRoute, Area::Tickets, crate::tickets::detail::TicketDetailPage);
    lazy_page!(ReportsRoute, Area::Reports, crate::reports::ReportsPage);
    lazy_page!(ProfileRoute, crate::profile::ProfilePage);
    // The admin layout (its tabs) guards its pages.
    lazy_page!(AdminRoute, Area::Admin, crate::admin::AdminLayout);
    lazy_page!(OrgRoute, crate::admin::org::OrgPage);
    lazy_page!(UsersRoute, crate::admin::users::UsersPage);
    lazy_page!(RolesRoute, crate::admin::roles::RolesPage);
    lazy_page!(PoolsAdminRoute, crate::admin::pools::PoolsAdminPage);
    lazy_page!(WebhooksRoute, crate::admin::webhooks::WebhooksPage);
    lazy_page!(ExplainRoute, crate::admin::explain::ExplainPage);
    lazy_page!(AuditRoute, crate::admin::audit::AuditPage);
    lazy_page!(FlowDesignerRoute, crate::approvals::designer::FlowDesignerPage);
    lazy_page!(PriceListRoute, crate::admin::prices::PriceListPage);
}
