//! Contacts: the contact list across customers (a customer's own contacts are on its page, see
//! `activity::contacts`).

pub mod list;
pub mod words;
