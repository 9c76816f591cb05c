//! What the engine asks of a document type and tells it: the facts a submission copies, and how
//! an approval ended. Kept apart from the documents themselves so that modules owning documents
//! (sales) depend on these shapes without depending on the engine.

use super::routing::Facts;
use super::DocType;
use crate::objects::ObjectType;

/// What a submission copies from a document: its type, title, subject and routing facts.
pub(crate) struct Submission {
    pub doc_type: DocType,
    pub title: String,
    pub state: String,
    pub subject: Option<(ObjectType, i64)>,
    pub facts: Facts,
}

/// How an approval ended, for the document's follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Submitted,
    Approved,
    Rejected,
    Withdrawn,
}
