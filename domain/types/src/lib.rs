//! The data shapes the business core answers with and the browser shows, written once.
//!
//! `domain` produces these values (and re-exports them under its own paths, e.g.
//! `domain::contacts::ContactRow`); `app` returns them from its server functions. This crate
//! depends on serde alone (and serde_json for free-form event details): no database, no runtime,
//! no UI, so the browser build can use it. Modules are named after the business concept.
//! Behaviour that needs the database or the policy (checks, loading) stays in `domain`.

pub mod activity;
pub mod approvals;
pub mod areas;
pub mod contacts;
pub mod customers;
pub mod imports;
pub mod integration;
pub mod leads;
pub mod lists;
pub mod marketing;
pub mod live;
pub mod notifications;
pub mod opportunities;
pub mod org;
pub mod reports;
pub mod sales;
pub mod service;
pub mod users;
pub mod wire;
