//! Users as administrators see them.

use serde::{Deserialize, Serialize};

/// A user with their unit, extra units, manager and roles, for the administration pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub login: String,
    pub email: Option<String>,
    pub display_name: String,
    pub primary_unit_id: i64,
    pub unit_name: String,
    pub extra_unit_ids: Vec<i64>,
    pub manager_id: Option<i64>,
    pub manager_name: Option<String>,
    pub role_ids: Vec<i64>,
    pub active: bool,
}
