//! Customer service: tickets (工单) with SLA due times from a per-priority policy ([`tickets`]).

pub mod tickets;

pub use domain_types::service::*;
