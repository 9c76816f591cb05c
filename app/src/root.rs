use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::admin::{audit::AuditPage, explain::ExplainPage, org::OrgPage, pools::PoolsAdminPage, roles::RolesPage, users::UsersPage, AdminLayout};
use crate::auth::Area;
use crate::i18n::{initial_lang, t, I18n};
use crate::pages::{lead_detail::LeadDetailPage, lead_rules::LeadRulesPage, leads::LeadsPage};
use crate::layout::AppLayout;
use crate::pages::{area::{AreaPage, Guarded}, contacts::ContactsPage, customers::CustomersPage, customer_detail::CustomerDetailPage, pools::PoolsPage, dashboard::Dashboard, notifications::NotificationsPage, tasks::{TaskDetailPage, TasksPage}, login::LoginPage, not_found::NotFound};

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
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = RwSignal::new(initial_lang());
    provide_context(I18n(lang));
    // Marks the page as interactive once the browser has taken over (browser tests wait for it).
    Effect::new(move |_| {
        #[cfg(not(feature = "ssr"))]
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/crm.css"/>
        <Title text=move || t(lang.get(), "app.name")/>
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view=LoginPage/>
                <ParentRoute path=path!("") view=AppLayout>
                    <Route path=path!("") view=Dashboard/>
                    <Route path=path!("customers") view=|| view! { <Guarded area=Area::Customers><CustomersPage/></Guarded> }/>
                    <Route path=path!("contacts") view=|| view! { <Guarded area=Area::Customers><ContactsPage/></Guarded> }/>
                    <Route path=path!("pools") view=|| view! { <Guarded area=Area::Customers><PoolsPage/></Guarded> }/>
                    <Route path=path!("customers/:id") view=|| view! { <Guarded area=Area::Customers><CustomerDetailPage/></Guarded> }/>
                    <Route path=path!("leads") view=|| view! { <Guarded area=Area::Leads><LeadsPage/></Guarded> }/>
                    <Route path=path!("leads/rules") view=|| view! { <Guarded area=Area::Leads><LeadRulesPage/></Guarded> }/>
                    <Route path=path!("leads/:id") view=|| view! { <Guarded area=Area::Leads><LeadDetailPage/></Guarded> }/>
                    <Route path=path!("opportunities") view=|| view! { <AreaPage area=Area::Opportunities/> }/>
                    <Route path=path!("contracts") view=|| view! { <AreaPage area=Area::Contracts/> }/>
                    <Route path=path!("approvals") view=|| view! { <AreaPage area=Area::Approvals/> }/>
                    <Route path=path!("tasks") view=|| view! { <Guarded area=Area::Tasks><TasksPage/></Guarded> }/>
                    <Route path=path!("tasks/:id") view=|| view! { <Guarded area=Area::Tasks><TaskDetailPage/></Guarded> }/>
                    <Route path=path!("notifications") view=NotificationsPage/>
                    <Route path=path!("reports") view=|| view! { <AreaPage area=Area::Reports/> }/>
                    <ParentRoute path=path!("admin") view=|| view! { <Guarded area=Area::Admin><AdminLayout/></Guarded> }>
                        <Route path=path!("") view=OrgPage/>
                        <Route path=path!("users") view=UsersPage/>
                        <Route path=path!("roles") view=RolesPage/>
                        <Route path=path!("pools") view=PoolsAdminPage/>
                        <Route path=path!("explain") view=ExplainPage/>
                        <Route path=path!("audit") view=AuditPage/>
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
