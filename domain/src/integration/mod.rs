//! Working with other systems: personal access tokens and what the REST API does with each
//! object.

pub mod api;
pub mod tokens;
pub mod webhooks;

pub use domain_types::integration::{ContactEdit, ContactInput, LeadEdit, OpportunityInput, ReceivableEdit, ReceiptBody, TicketStatusInput};
