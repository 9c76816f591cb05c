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
    leptos::task::spawn_local(start_app());
}

/// The app itself is a split module (a `#[lazy]` function), so that the main WASM holds only the
/// start above and the code of the first page comes in a few files of bounded size: the build
/// tells the splitter this module is loaded at start (`WASM_SPLIT_PRELOAD` in scripts/build.sh).
/// What `leptos::mount::hydrate_lazy` does, plus a mark once everything has hydrated: a lazily
/// loaded page hydrates only after its chunk arrives, and until then its buttons do nothing.
#[leptos::prelude::lazy]
async fn start_app() {
    #[cfg(feature = "hydrate")]
    {
        let body = leptos::prelude::document().body().expect("a <body>");
        let mounted = leptos::mount::hydrate_from_async(body.clone(), App).await;
        mounted.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// Called while the server renders a page: on the server, calling a `#[lazy]` function only marks
/// its files for `<link rel="preload">` in the page's head, so the browser fetches the app's
/// start-up files alongside the main WASM rather than after it.
#[cfg(feature = "ssr")]
pub fn preload_start_app() {
    use std::future::Future;
    let mut start = std::pin::pin!(start_app());
    let _ = start
        .as_mut()
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));
}
