//! What the HTTP test files share: the real server on a free port over a test database, and
//! session cookies for demo users. Each test file uses the part it needs.
#![allow(dead_code)]

use std::net::SocketAddr;

use app::server::AppState;
use domain::accounts::SessionConfig;
use domain::testing::{user_id, TestDb};
use reqwest::{redirect, Client};

pub struct TestServer {
    pub base: String,
    pub client: Client,
    handle: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

/// The server over the demo data, with a client that does not follow redirects.
pub async fn start(t: &TestDb) -> TestServer {
    domain::demo::seed(&t.db).await.expect("demo seed");
    let (addr, handle) = serve(t).await;
    let client = Client::builder().redirect(redirect::Policy::none()).build().unwrap();
    TestServer { base: format!("http://{addr}"), client, handle }
}

/// The server over the database as it is: its address and task.
pub async fn serve(t: &TestDb) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(t.db.clone(), SessionConfig::default(), false);
    let router = server::build_router(state, server::leptos_options("target/site", addr), false);
    let handle = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
    });
    (addr.to_string(), handle)
}

/// A session cookie for a demo user, made directly: hashing passwords would only slow the tests
/// (sign-in itself is covered in http.rs).
pub async fn cookie(t: &TestDb, login: &str) -> String {
    let token = domain::accounts::sessions::create(&t.db, user_id(&t.db, login).await, SessionConfig::default(), "127.0.0.1", "test").await.unwrap();
    format!("crm_session={token}")
}

/// A server function's arguments: form-encoded (as the pages send most) or a JSON body.
pub enum Args<'a> {
    Form(&'a [(&'a str, String)]),
    Json(serde_json::Value),
}

/// Calls a server function as a same-origin page does, with the session cookie if any; answers
/// the status and the body as JSON (or as a JSON string when it is not JSON).
pub async fn call(s: &TestServer, cookie: Option<&str>, path: &str, args: Args<'_>) -> (reqwest::StatusCode, serde_json::Value) {
    let req = s.client.post(format!("{}/api/{path}", s.base)).header("sec-fetch-site", "same-origin").header("origin", &s.base);
    let mut req = match args {
        Args::Form(pairs) => req.form(pairs),
        Args::Json(body) => req.json(&body),
    };
    if let Some(c) = cookie {
        req = req.header(reqwest::header::COOKIE, c);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}
