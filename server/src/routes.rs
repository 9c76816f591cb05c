//! The HTTP surface: the Leptos pages and server functions, static files, a health check, all
//! behind the guard.

use std::net::SocketAddr;

use app::server::AppState;
use app::{shell, App};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};

use crate::guard::{guard, GuardState};

pub const PKG_DIR: &str = "pkg";

pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("crm")
        .site_root(site_root)
        .site_pkg_dir(PKG_DIR)
        .site_addr(addr)
        .hash_files(bundle_names_are_hashed())
        .build()
}

/// cargo-leptos writes `hash.txt` beside the server binary when it gave the bundle's files
/// content-hashed names; the pages must then link those names.
fn bundle_names_are_hashed() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|file| file.exists())
}

pub fn build_router(state: AppState, options: LeptosOptions, trust_proxy: bool) -> Router {
    build_router_with(state, options, trust_proxy, crate::api::Limits::default())
}

/// The router with the REST API's per-token rate limits chosen.
pub fn build_router_with(state: AppState, options: LeptosOptions, trust_proxy: bool, api_limits: crate::api::Limits) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let hub = crate::live::Hub::start(state.clone());
    // Pages and server function answers are compressed as they are sent (a page of customer rows
    // is mostly markup and shrinks about tenfold); the bundle has its compressed copies already,
    // and the websocket is left alone.
    let pages = Router::new()
        .leptos_routes_with_context(
            &options,
            routes,
            move || provide_context(context_state.clone()),
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options.clone())
        .layer(tower_http::compression::CompressionLayer::new());
    let app = Router::new()
        .merge(crate::assets::pkg_router(&options.site_root, PKG_DIR))
        .route("/healthz", get(|| async { "ok" }))
        .nest(crate::api::BASE, crate::api::router(state.clone(), api_limits))
        .merge(
            Router::new()
                .route("/api/imports/{kind}", axum::routing::post(crate::imports::upload))
                .layer(axum::extract::DefaultBodyLimit::max(domain::imports::MAX_BYTES + 64 * 1024))
                .with_state(state.clone()),
        )
        .route("/api/live", get(move |q, ws, req| crate::live::connect(hub.clone(), q, ws, req)))
        .merge(pages);
    app.layer(axum::middleware::from_fn(crate::assets::never_cache_pages))
        .layer(axum::middleware::from_fn_with_state(GuardState { app: state, trust_proxy }, guard))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}
