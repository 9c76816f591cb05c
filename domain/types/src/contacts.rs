//! The contact list across customers.

use serde::{Deserialize, Serialize};

/// A contact with its customer, as a row of the contact list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ContactRow {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    pub customer_id: i64,
    pub customer_name: String,
}
