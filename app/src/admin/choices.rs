//! Units, users and roles as choices in the administration pages' pickers.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

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
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let (units, users) = units_and_users(&st, &actor).await?;
    let roles = domain::roles::list_roles(&st.db, &actor).await.map_err(domain_err)?;
    Ok(Choices { units, users, roles: roles.into_iter().map(|r| Choice { id: r.id, label: r.name }).collect() })
}

/// The active units (indented by depth) and active users as choices; administrators only.
#[cfg(feature = "ssr")]
pub async fn units_and_users(st: &crate::server::AppState, actor: &domain::policy::Actor) -> Result<(Vec<Choice>, Vec<Choice>), AppError> {
    use crate::error::fail;
    use crate::server::domain_err;
    if !actor.is_admin() {
        return Err(fail(AppError::Forbidden));
    }
    let tree = domain::org::list_tree(&st.db).await.map_err(domain_err)?;
    let users = domain::accounts::admin::list_users(&st.db, actor).await.map_err(domain_err)?;
    let units = tree
        .into_iter()
        .filter(|u| u.active)
        .map(|u| Choice { id: u.id, label: format!("{}{}", "　".repeat(u.depth as usize), u.name) })
        .collect();
    let users = users.into_iter().filter(|u| u.active).map(|u| Choice { id: u.id, label: format!("{} ({})", u.display_name, u.login) }).collect();
    Ok((units, users))
}
