//! Administration (administrators only): the pages for the org tree ([`org`]), users ([`users`]),
//! roles ([`roles`]), pool settings ([`pools`]), the access explainer ([`explain`]) and the audit
//! log ([`audit`]), the units' price lists ([`prices`]), webhooks ([`webhooks`]), inside the tabs of [`AdminLayout`]. What several of them show sits in shared
//! parts: pickers ([`choices`]), the impact preview ([`impact`]) and the words of the access
//! vocabulary ([`vocab`]). Every server function here goes through the domain, which requires the
//! admin right.

pub mod audit;
pub mod choices;
pub mod explain;
pub mod impact;
pub mod org;
pub mod pools;
pub mod prices;
pub mod roles;
pub mod users;
pub mod vocab;
pub mod webhooks;
pub mod words;

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use crate::i18n::tr;

#[component]
pub fn AdminLayout() -> impl IntoView {
    view! {
        <section class="admin" data-testid="admin">
            <nav class="tabs">
                <A href="/admin" exact=true attr:data-testid="tab-org">{tr("admin.org")}</A>
                <A href="/admin/users" attr:data-testid="tab-users">{tr("admin.users")}</A>
                <A href="/admin/roles" attr:data-testid="tab-roles">{tr("admin.roles")}</A>
                <A href="/admin/pools" attr:data-testid="tab-pools">{tr("pool.title")}</A>
                <A href="/admin/explain" attr:data-testid="tab-explain">{tr("admin.explain")}</A>
                <A href="/admin/audit" attr:data-testid="tab-audit">{tr("admin.audit")}</A>
                <A href="/admin/approval-flows" attr:data-testid="tab-flows">{tr("admin.flows")}</A>
                <A href="/admin/prices" attr:data-testid="tab-prices">{tr("admin.prices")}</A>
                <A href="/admin/webhooks" attr:data-testid="tab-webhooks">{tr("admin.webhooks")}</A>
            </nav>
            <Outlet/>
        </section>
    }
}
