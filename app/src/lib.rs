//! The Leptos UI: pages, layout, translations and the server functions they call.
//! Built twice: with `ssr` for the server and with `hydrate` for the browser.
#![recursion_limit = "256"]

pub mod activity;
pub mod admin;
pub mod approvals;
pub mod auth;
pub mod contacts;
pub mod contracts;
pub mod customers;
pub mod discussion;
pub mod error;
pub mod exports;
pub mod i18n;
pub mod imports;
pub mod layout;
pub mod leads;
pub mod lists;
pub mod live;
pub mod marketing;
pub mod notifications;
pub mod opportunities;
pub mod pages;
pub mod pools;
pub mod profile;
pub mod reports;
pub mod root;
#[cfg(feature = "ssr")]
pub mod server;
pub mod tasks;
pub mod tickets;
pub mod ui;

pub use root::{shell, App};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // The release bundle aborts on a panic without running hooks (scripts/build.sh); the hook's
    // message helps in development builds only.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(root::start_app());
}
