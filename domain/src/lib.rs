//! The business core of the CRM: org tree, accounts, sessions, customers and the store.
//! No Leptos here; everything that decides something lives in this crate.

pub mod accounts;
pub mod acting;
pub mod activity;
pub mod approvals;
pub mod audit;
pub mod bench_data;
pub mod areas;
pub mod clock;
pub mod comments;
pub mod contacts;
pub mod customers;
pub mod db;
pub mod demo;
pub mod error;
pub mod events;
pub mod exports;
pub mod impact;
pub mod imports;
pub mod integration;
pub mod leads;
pub mod live;
pub mod marketing;
pub mod notifications;
pub mod objects;
pub mod opportunities;
pub mod org;
pub mod policy;
pub mod pools;
pub mod records;
pub mod reports;
pub mod rights;
pub mod roles;
pub mod sales;
pub mod service;
pub mod sharing;
pub mod tasks;
#[cfg(feature = "testing")]
pub mod testing;
pub mod views;

pub use db::{Db, Dialect};
pub use error::{DomainError, DomainResult};
