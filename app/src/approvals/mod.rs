//! Approvals (审批): the inbox ("waiting for me", "submitted by me", "decided by me") with its
//! badge count, an approval with its history on the document, the decisions, and the flow
//! administration. The server functions the pages call live in [`api`]; every rule (who is asked,
//! who may see or decide what, which fields show) is the domain's (`domain::approvals`).

pub mod api;
pub mod badge;
pub mod card;
pub mod designer;
pub mod detail;
pub mod inbox;
pub mod request;
pub mod words;
