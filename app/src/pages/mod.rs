//! The pages that belong to no business concept: sign-in, the dashboard, the areas that arrive in
//! a later release (with the guard that keeps areas closed to those whose roles do not open them),
//! and "not found". Each business concept keeps its own pages in its folder (`customers/`,
//! `leads/`, ...); the shell around them is `layout.rs`.

pub mod area;
pub mod dashboard;
pub mod login;
pub mod not_found;
