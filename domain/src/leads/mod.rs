//! Leads (线索): people and companies who may become customers. They are captured from a form or
//! a CSV file, handed out by assignment rules (round-robin to a unit's people, by region or
//! source) or by a manager, followed up, and finally converted into a customer with a contact
//! (and optionally an opportunity) or disqualified with a reason. Per salesperson we count how
//! many assigned leads were followed up and converted.
//!
//! Every read and write goes through the policy: lists and counts use its SQL filter, single
//! leads its decision. Leads wait in no pool: an unassigned lead belongs to a unit, and whoever
//! may read that unit's leads sees it.

pub mod assignment;
pub mod capture;
pub mod conversion;
pub mod csv;
pub mod follow_up;
pub mod import;
pub mod input;
pub mod list;
pub mod record;
pub mod tracking;

pub use assignment::{assign, assignable_owners, delete_rule, list_rules, save_rule, Rule, RuleInput};
pub use capture::{create_lead, Captured};
pub use conversion::{convert, disqualify, Converted};
pub use follow_up::{follow_ups, log_follow_up, LeadFollowUp};
pub use import::{import_csv, ImportReport, RowOutcome, RowReport, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS};
pub use input::{LeadInput, ValidateLead};
pub use list::{count_filtered, get, list_filtered, ListFilter, OwnerFilter};
pub use record::{LeadView, STATUSES};
pub use tracking::{rep_stats, RepStats};

