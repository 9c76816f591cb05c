//! The notification centre.

use serde::{Deserialize, Serialize};

/// A notification of one user: an event about a record they may read, read or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub event_id: i64,
    pub kind: String,
    pub object: String,
    pub record_id: i64,
    /// The record's name (customer, lead, task title), readable by the user.
    pub title: String,
    pub actor_name: Option<String>,
    pub at: i64,
    pub read: bool,
}
