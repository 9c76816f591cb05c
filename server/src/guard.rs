//! The request guard in front of every route: refuses cross-site state changes, resolves the
//! session once, and keeps everything but sign-in and static files behind it.

use std::net::SocketAddr;

use app::server::{session_cookie, AppState, ClientAddr, CurrentSession, SESSION_COOKIE};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};

#[derive(Clone)]
pub struct GuardState {
    pub app: AppState,
    pub trust_proxy: bool,
}

/// What a path needs from the guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Static files, health check, sign-in: open to all.
    Public,
    /// The sign-in page: open to all; a signed-in user is sent on to the dashboard.
    SignInPage,
    /// Server functions and other API calls: 401 without a session.
    Api,
    /// Pages: a redirect to the sign-in page without a session.
    Page,
    /// The REST API: personal access tokens, checked by the API itself; cookies play no part
    /// (so neither does cross-site forgery).
    Token,
}

pub fn classify(path: &str) -> Access {
    const PUBLIC_PREFIXES: &[&str] = &["/pkg/", "/assets/"];
    const PUBLIC_PATHS: &[&str] = &["/favicon.ico", "/favicon.svg", "/robots.txt", "/healthz", "/api/sign_in"];
    if path.starts_with("/api/v1/") {
        Access::Token
    } else if PUBLIC_PATHS.contains(&path) || PUBLIC_PREFIXES.iter().any(|p| path.starts_with(p)) {
        Access::Public
    } else if path == "/login" {
        Access::SignInPage
    } else if path.starts_with("/api/") {
        Access::Api
    } else {
        Access::Page
    }
}

fn is_safe_method(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A state-changing request must come from our own pages. Browsers say where a request comes
/// from with Sec-Fetch-Site (and Origin); a request that carries neither is not from a browser
/// and cannot ride on a victim's cookies.
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
            let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
            !host.is_empty() && origin_host == host
        }
    }
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v.to_string())
}

fn client_addr(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(first) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
        {
            return first.trim().to_string();
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn unauthenticated_api() -> Response {
    // The body is the server functions' error encoding, so the browser reads a proper error.
    let mut res = (StatusCode::UNAUTHORIZED, "\"Unauthenticated\"").into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}

fn redirect(to: &'static str) -> Response {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, to)
        .body(Body::empty())
        .expect("static redirect")
}

pub async fn guard(State(st): State<GuardState>, mut req: Request, next: Next) -> Response {
    if classify(req.uri().path()) == Access::Token {
        return next.run(req).await;
    }
    if !is_safe_method(req.method()) && !is_same_origin(req.headers()) {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    let addr = client_addr(&req, st.trust_proxy);
    let token = cookie_value(req.headers(), SESSION_COOKIE);
    let mut stale_cookie = false;
    if let Some(token) = token {
        match domain::accounts::sessions::resolve(&st.app.db, &token, st.app.sessions).await {
            Ok(Some(user)) => {
                req.extensions_mut().insert(CurrentSession { user, token });
            }
            Ok(None) => stale_cookie = true,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return (StatusCode::SERVICE_UNAVAILABLE, "session store unavailable").into_response();
            }
        }
    }
    req.extensions_mut().insert(ClientAddr(addr));
    let signed_in = req.extensions().get::<CurrentSession>().is_some();

    let mut res = match classify(req.uri().path()) {
        Access::Public => next.run(req).await,
        Access::SignInPage if signed_in => redirect("/"),
        Access::SignInPage => next.run(req).await,
        Access::Api if !signed_in => unauthenticated_api(),
        Access::Page if !signed_in => redirect("/login"),
        Access::Api | Access::Page | Access::Token => next.run(req).await,
    };
    if stale_cookie && !res.headers().contains_key(header::SET_COOKIE) {
        if let Ok(v) = HeaderValue::from_str(&session_cookie("", st.app.secure_cookies, 0)) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn paths_are_classified() {
        assert_eq!(classify("/pkg/crm.wasm"), Access::Public);
        assert_eq!(classify("/api/sign_in"), Access::Public);
        assert_eq!(classify("/api/me"), Access::Api);
        assert_eq!(classify("/api/sign_in_other"), Access::Api);
        assert_eq!(classify("/login"), Access::SignInPage);
        assert_eq!(classify("/"), Access::Page);
        assert_eq!(classify("/customers"), Access::Page);
        assert_eq!(classify("/pkgx"), Access::Page);
        assert_eq!(classify("/api/v1/customers"), Access::Token);
        assert_eq!(classify("/api/v1/openapi.json"), Access::Token);
    }

    #[test]
    fn cross_site_requests_are_recognised() {
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(is_same_origin(&headers(&[("origin", "http://crm.example:3000"), ("host", "crm.example:3000")])));
        assert!(!is_same_origin(&headers(&[("origin", "http://evil.example"), ("host", "crm.example:3000")])));
        assert!(!is_same_origin(&headers(&[("origin", "null"), ("host", "crm.example")])));
        assert!(is_same_origin(&headers(&[])));
    }

    #[test]
    fn cookies_are_found_by_name() {
        let h = headers(&[("cookie", "lang=en; crm_session=abc123; x=y")]);
        assert_eq!(cookie_value(&h, "crm_session").as_deref(), Some("abc123"));
        assert_eq!(cookie_value(&h, "missing"), None);
        let empty = headers(&[("cookie", "crm_session=")]);
        assert_eq!(cookie_value(&empty, "crm_session"), None);
    }
}
