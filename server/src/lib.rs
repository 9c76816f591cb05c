//! The CRM server: configuration, command line, HTTP routes and middleware, background jobs.
#![recursion_limit = "256"]

pub mod api;
pub mod assets;
pub mod cli;
pub mod guard;
pub mod imports;
pub mod jobs;
pub mod live;
pub mod routes;
pub mod webhooks;

pub use routes::{build_router, leptos_options};
