//! The filters of the sales and service lists (contracts, receivables, tickets, opportunities):
//! one shape for all four, each list reading the fields that concern it. The list pages, their
//! saved views and their CSV exports all take it, so a saved view or an export shows exactly what
//! the list showed.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListFilter {
    /// Part of a number, title, name or customer name.
    pub search: String,
    /// Contracts: draft, pending, approved or signed; tickets: a status. Empty: any.
    pub state: String,
    /// Only the reader's own records.
    pub mine_only: bool,
    /// Receivables: only those still outstanding; tickets: only open or in progress.
    pub open_only: bool,
    /// Receivables: only those past due and not fully paid.
    pub overdue_only: bool,
    /// Tickets: complaint, request or fault. Empty: any.
    pub category: String,
    /// Tickets: a priority. Empty: any.
    pub priority: String,
}

impl ListFilter {
    /// What a list shows before the reader changes anything.
    pub fn open() -> Self {
        ListFilter { open_only: true, ..Default::default() }
    }
}
