pub mod area;
pub mod dashboard;
pub mod login;
pub mod not_found;
