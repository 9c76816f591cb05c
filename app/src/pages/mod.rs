pub mod activity;
pub mod area;
pub mod customer_detail;
pub mod customers;
pub mod dashboard;
pub mod login;
pub mod not_found;
pub mod pools;
