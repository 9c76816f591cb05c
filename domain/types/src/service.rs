//! Service tickets (工单): a customer's complaint, request or fault, with a priority whose policy
//! sets the SLA due time, an assignee in a service unit, and a resolution.

use serde::{Deserialize, Serialize};

pub const CATEGORIES: &[&str] = &["complaint", "request", "fault"];
pub const PRIORITIES: &[&str] = &["urgent", "high", "normal", "low"];
pub const STATUSES: &[&str] = &["open", "in_progress", "resolved", "closed"];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
// Fields left out of a REST API body take their empty value.
#[serde(default)]
pub struct NewTicket {
    pub customer_id: i64,
    pub contact_id: Option<i64>,
    pub contract_id: Option<i64>,
    pub category: String,
    pub priority: String,
    pub title: String,
    pub description: String,
    /// None: the person opening it takes it.
    pub assignee_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TicketRow {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub contract_id: Option<i64>,
    pub category: String,
    pub priority: String,
    pub title: String,
    pub description: Option<String>,
    pub status: String,
    pub resolution: Option<String>,
    pub sla_due_at: i64,
    /// Past its SLA due time while still open (or flagged as breached when it was).
    pub breached: bool,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub unit_name: String,
    pub created_at: i64,
}
