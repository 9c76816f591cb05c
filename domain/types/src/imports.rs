//! CSV imports of customers and contacts: the preview with its column mapping, and a job's
//! progress and per-line outcome.

use serde::{Deserialize, Serialize};

/// The fields a customers file may fill, in mapping order.
pub const CUSTOMER_FIELDS: &[&str] = &["name", "kind", "industry", "province", "city", "phone", "level", "source"];
/// The fields a contacts file may fill: the customer by its exact name, and the person.
pub const CONTACT_FIELDS: &[&str] = &["customer", "name", "title", "phone", "email"];

/// A file read and kept for import: its encoding, header and first rows, and a mapping of its
/// columns to fields guessed from the header ("" = column ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub job_id: i64,
    pub kind: String,
    pub encoding: String,
    pub header: Vec<String>,
    pub sample: Vec<Vec<String>>,
    pub total_rows: i64,
    pub mapping: Vec<String>,
}

/// A row that was not imported: its line in the file, what it was, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProblem {
    pub line: i64,
    pub label: String,
    /// "invalid", "duplicate" (exists already) or "duplicate_in_file".
    pub kind: String,
    /// The field at fault (invalid rows).
    pub field: String,
    /// The reason code (invalid rows).
    pub code: String,
    /// Whom to ask about the existing record (duplicates): its owner, or its unit's head.
    pub ask: String,
    /// The earlier line of the same file (duplicates within the file).
    pub earlier_line: Option<i64>,
}

/// An import job as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportJob {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    /// staged, queued, running, done, failed (nothing written: problems in an all-or-nothing import).
    pub status: String,
    pub good_rows_only: bool,
    pub total_rows: i64,
    pub processed_rows: i64,
    pub created_rows: i64,
    pub problem_rows: i64,
    pub problems: Vec<ImportProblem>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}
