//! Server-only plumbing for server functions: the shared state and what the HTTP layer learned
//! about the request (session, client address). The session itself is resolved once per request
//! by the server's middleware; server functions still check it themselves.

use domain::accounts::{SessionConfig, SessionUser};
use domain::Db;
use http::request::Parts;
use leptos::prelude::*;

use crate::error::{fail, AppError};

/// State shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub sessions: SessionConfig,
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(db: Db, sessions: SessionConfig, secure_cookies: bool) -> Self {
        AppState { db, sessions, secure_cookies }
    }
}

/// The session of the current request, put into the request's extensions by the middleware.
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub user: SessionUser,
    pub token: String,
}

/// The client's address as the server saw it (or as a trusted proxy reported it).
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

pub const SESSION_COOKIE: &str = "crm_session";

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or(AppError::Internal)
}

fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or(AppError::Internal)
}

/// The signed-in user, or `Unauthenticated` (answered with 401).
pub fn require_session() -> Result<CurrentSession, AppError> {
    let session = parts()?.extensions.get::<CurrentSession>().cloned();
    match session {
        Some(s) => Ok(s),
        None => Err(fail(AppError::Unauthenticated)),
    }
}

pub fn optional_session() -> Option<CurrentSession> {
    parts().ok().and_then(|p| p.extensions.get::<CurrentSession>().cloned())
}

pub fn client_addr() -> String {
    parts()
        .ok()
        .and_then(|p| p.extensions.get::<ClientAddr>().map(|a| a.0.clone()))
        .unwrap_or_else(|| "unknown".into())
}

pub fn user_agent() -> String {
    parts()
        .ok()
        .and_then(|p| p.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).map(String::from))
        .unwrap_or_default()
}

/// Maps a domain error to the wire error and its status.
pub fn domain_err(e: domain::DomainError) -> AppError {
    fail(AppError::from(e))
}

pub fn session_cookie(token: &str, secure: bool, max_age_secs: i64) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn set_cookie(value: String) {
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(v) = http::HeaderValue::from_str(&value) {
            opts.append_header(http::header::SET_COOKIE, v);
        }
    }
}

/// The signed-in user as the policy sees them, loaded afresh for this request.
pub async fn actor() -> Result<(AppState, domain::policy::Actor), AppError> {
    let session = require_session()?;
    let st = state()?;
    let actor = domain::policy::Actor::load(&st.db, session.user.user_id).await.map_err(domain_err)?;
    Ok((st, actor))
}
