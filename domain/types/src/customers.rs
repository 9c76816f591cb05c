//! The customer page: field history and each unit's grades.

use serde::{Deserialize, Serialize};

/// One changed field of a customer: who, when, from what to what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub at: i64,
    pub who: Option<String>,
    pub field: String,
    pub old: String,
    pub new: String,
}

/// A grade a unit gave a customer, signed and dated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: i64,
    pub grade: String,
    pub comment: String,
    pub author: String,
    pub at: i64,
}

/// One unit's current grade and the grades it gave before, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitAssessments {
    pub unit_id: i64,
    pub unit_name: String,
    pub current: Assessment,
    pub earlier: Vec<Assessment>,
}
