//! Opportunities (商机) of a customer.

use serde::{Deserialize, Serialize};

/// An opportunity of a customer; the amount in minor units (分) with its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opportunity {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub amount_minor: i64,
    pub currency: String,
    pub stage: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub unit_id: i64,
    pub created_at: i64,
}
