//! Leads (线索): the lead list with capture, CSV import and per-salesperson numbers; one lead's
//! page (follow-ups, assignment, conversion, disqualification); the assignment rules page
//! (administrators). A lead's status words are shared by the list and the lead's page.

pub mod capture;
pub mod detail;
pub mod import;
pub mod list;
pub mod rules;
pub mod stats;
pub mod status;
pub mod words;
