//! Administration pages: the org tree, users, roles, the access explainer and the audit log.
//! Every server function here goes through the domain, which requires the admin right.

pub mod audit;
pub mod explain;
pub mod org;
pub mod pools;
pub mod roles;
pub mod users;

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::tr;

/// A unit or user as a choice in a picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub label: String,
}

/// Units and users for pickers, and the roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    pub units: Vec<Choice>,
    pub users: Vec<Choice>,
    pub roles: Vec<Choice>,
}

#[server(endpoint = "admin/choices")]
pub async fn admin_choices() -> Result<Choices, AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    if !actor.is_admin() {
        return Err(fail(AppError::Forbidden));
    }
    let tree = domain::org::list_tree(&st.db).await.map_err(domain_err)?;
    let users = domain::accounts::admin::list_users(&st.db, &actor).await.map_err(domain_err)?;
    let roles = domain::roles::list_roles(&st.db, &actor).await.map_err(domain_err)?;
    Ok(Choices {
        units: tree
            .into_iter()
            .filter(|u| u.active)
            .map(|u| Choice { id: u.id, label: format!("{}{}", "　".repeat(u.depth as usize), u.name) })
            .collect(),
        users: users.into_iter().filter(|u| u.active).map(|u| Choice { id: u.id, label: format!("{} ({})", u.display_name, u.login) }).collect(),
        roles: roles.into_iter().map(|r| Choice { id: r.id, label: r.name }).collect(),
    })
}

/// An impact preview, ready to show: object types as text codes, examples as (user, record, gains).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpactDto {
    pub users_considered: usize,
    pub lines: Vec<ImpactLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpactLine {
    pub object: String,
    pub users_gaining: usize,
    pub users_losing: usize,
    pub records_gained: usize,
    pub records_lost: usize,
    pub examples: Vec<(String, String, bool)>,
}

#[cfg(feature = "ssr")]
pub fn impact_dto(i: domain::impact::Impact) -> ImpactDto {
    ImpactDto {
        users_considered: i.users_considered,
        lines: i
            .objects
            .into_iter()
            .map(|o| ImpactLine {
                object: o.object.as_str().to_string(),
                users_gaining: o.users_gaining,
                users_losing: o.users_losing,
                records_gained: o.records_gained,
                records_lost: o.records_lost,
                examples: o.examples.into_iter().map(|e| (e.user_name, e.record_name, e.gains)).collect(),
            })
            .collect(),
    }
}

#[component]
pub fn ImpactView(impact: ImpactDto) -> impl IntoView {
    let lang = crate::i18n::use_lang();
    use crate::i18n::t;
    let n = impact.users_considered;
    view! {
        <div class="impact" data-testid="impact">
            <h3>{tr("admin.impact")}</h3>
            <p class="muted">{move || t(lang.get(), "admin.impact_users").replace("{n}", &n.to_string())}</p>
            {impact
                .lines
                .into_iter()
                .map(|l| {
                    let examples = l.examples.clone();
                    let obj_key: &'static str = object_key(&l.object);
                    view! {
                        <p class="impact-line">
                            {move || {
                                t(lang.get(), "admin.impact_line")
                                    .replace("{obj}", t(lang.get(), obj_key))
                                    .replace("{gain}", &l.users_gaining.to_string())
                                    .replace("{gained}", &l.records_gained.to_string())
                                    .replace("{lose}", &l.users_losing.to_string())
                                    .replace("{lost}", &l.records_lost.to_string())
                            }}
                        </p>
                        <ul class="examples">
                            {examples
                                .into_iter()
                                .map(|(user, record, gains)| {
                                    view! {
                                        <li class:gain=gains class:loss=!gains>
                                            {user}" "
                                            {move || if gains { t(lang.get(), "admin.gains") } else { t(lang.get(), "admin.loses") }}
                                            " "{record}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })
                .collect_view()}
        </div>
    }
}

pub use roles::{action_key as roles_action_key, scope_key as roles_scope_key};

/// The text key of an object type name.
pub fn object_key(object: &str) -> &'static str {
    match object {
        "customer" => "object.customer",
        "contact" => "object.contact",
        "lead" => "object.lead",
        "opportunity" => "object.opportunity",
        "quote" => "object.quote",
        "contract" => "object.contract",
        "receivable" => "object.receivable",
        "ticket" => "object.ticket",
        "approval" => "object.approval",
        "task" => "object.task",
        "report" => "object.report",
        _ => "object.admin",
    }
}

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
            </nav>
            <Outlet/>
        </section>
    }
}
