//! Marketing: rule-based customer segments.

use serde::{Deserialize, Serialize};

/// A segment's rule: conditions on customer fields and tags, combined with AND (`all`) and OR
/// (`any`), nested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SegmentRule {
    All { rules: Vec<SegmentRule> },
    Any { rules: Vec<SegmentRule> },
    /// `op`: `is` / `is_not` (one of the values), `contains` (text), `before` / `after` (a date,
    /// "YYYY-MM-DD", for `created_at` and `last_follow_up_at`), `under` (a unit id: that unit
    /// and everything below it, for `unit`).
    Field { field: String, op: String, values: Vec<String> },
    /// The customer has (or, with `present` false, has not) the tag.
    Tag { tag: String, present: bool },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentRow {
    pub id: i64,
    pub name: String,
    pub rule: SegmentRule,
    pub updated_at: i64,
}
