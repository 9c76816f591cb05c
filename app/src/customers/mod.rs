//! Customers: the list (filters, saved views and columns, bulk actions and export, live rows)
//! and one customer all around (the 360 page in [`detail`]).

pub mod bulk;
pub mod detail;
pub mod filters;
pub mod list;
pub mod rows;
pub mod spec;
pub mod tags;
pub mod views;
