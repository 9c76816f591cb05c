//! Leads (线索): capture, CSV import, assignment rules, follow-ups and per-person numbers.

use serde::{Deserialize, Serialize};

/// A new lead as typed in the form or read from a CSV row (checked by the domain).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
// Fields left out of a REST API body take their empty value.
#[serde(default)]
pub struct LeadInput {
    /// The person.
    pub name: String,
    pub company: String,
    /// The person's job title.
    pub title: String,
    pub phone: String,
    pub email: String,
    pub province: String,
    pub city: String,
    pub source: String,
    pub note: String,
    /// Keep the lead ("assign to me") instead of running the assignment rules.
    pub keep: bool,
}

/// A new lead and where it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Captured {
    pub id: i64,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub unit_id: i64,
    pub unit_name: String,
    /// Whether the person who captured it may open it (a lead the rules gave to someone else in
    /// another unit is out of their sight).
    pub visible: bool,
}

/// An assignment rule as edited: what it matches, which unit it hands leads to, its priority.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInput {
    pub name: String,
    /// "", "province", "city" or "source".
    pub field: String,
    pub value: String,
    pub target_unit_id: i64,
    /// Lower goes first.
    pub priority: i64,
    pub active: bool,
}

/// A follow-up logged on a lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadFollowUp {
    pub id: i64,
    pub at: i64,
    pub who: Option<String>,
    /// call, visit, email or message.
    pub kind: String,
    pub note: String,
    pub next_at: Option<i64>,
}

/// What became of one CSV row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowOutcome {
    /// Created (in a dry run: would be created; `id` is then None) and where it went.
    Created { id: Option<i64>, owner_name: Option<String>, unit_name: String },
    Invalid { field: String, code: String },
    /// The phone is held by an existing lead (`earlier_row` None) or an earlier row of the file.
    Duplicate { earlier_row: Option<usize> },
}

/// One CSV row of an import and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowReport {
    /// The line of the file the row starts on (the header is line 1).
    pub row: usize,
    /// The row's person or company, to recognize it by.
    pub label: String,
    pub outcome: RowOutcome,
}

/// The outcome of a CSV import (or of its dry run).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub invalid: usize,
    pub duplicates: usize,
    pub rows: Vec<RowReport>,
}

/// One salesperson's numbers over the leads they hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepStats {
    pub user_id: i64,
    pub name: String,
    /// Leads they hold, whatever their status.
    pub assigned: i64,
    /// Of those, followed up at least once.
    pub followed_up: i64,
    pub converted: i64,
    pub disqualified: i64,
}
