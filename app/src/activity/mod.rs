//! Work on a customer: creating one (with the group-wide duplicate check), its contacts,
//! follow-ups (quick to log on a phone) and the timeline of everything that happened. The parts
//! are shown by the customer list (the new-customer form) and the customer page (the rest).

pub mod contacts;
pub mod follow_ups;
pub mod new_customer;
pub mod panel;
pub mod timeline;
pub mod words;
