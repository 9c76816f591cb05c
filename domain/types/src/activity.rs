//! Creating a customer and working on it: its contacts and the timeline of what happened.

use serde::{Deserialize, Serialize};

/// A new customer as typed in the form (checked and normalized by the domain).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
// Fields left out of a REST API body take their empty value.
#[serde(default)]
pub struct CustomerInput {
    pub name: String,
    pub kind: String,
    pub industry: String,
    pub province: String,
    pub city: String,
    pub phone: String,
    pub level: String,
    pub source: String,
    /// Put the new customer straight into its pool instead of keeping it.
    pub to_pool: bool,
}

/// A contact person of a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
}

/// One entry of a customer's timeline: a follow-up or a move (created, claimed, released, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: i64,
    pub who: Option<String>,
    /// "follow_up:call", "claim", "release", "recycle", "create", ...
    pub kind: String,
    pub text: String,
    pub next_at: Option<i64>,
}
