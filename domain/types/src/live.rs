//! What the live connection delivers.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An event as one person receives it over the live connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    pub object: String,
    pub record_id: i64,
    /// The record's name (readable by anyone who may read the record at all).
    pub title: String,
    pub actor_name: Option<String>,
    /// Whether this is also a notification for the person (the bell counts it).
    pub notify: bool,
    /// Details, with anything naming a field the person may not read removed.
    pub data: Value,
}
