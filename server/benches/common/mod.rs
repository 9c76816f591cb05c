//! What the server benchmarks share: the real `crm` process over a benchmark's test database.

use std::time::Duration;

use domain::testing::{Engine, TestDb};
use tokio::process::Child;

/// Starts `crm serve` over the test database on a free port and answers its address and process
/// once it reports healthy (the process is killed when dropped).
pub async fn spawn_server(t: &TestDb) -> (String, Child) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_crm"))
        .arg("serve")
        .env("DATABASE_URL", &t.url)
        .env("CRM_LISTEN", &addr)
        // Benchmarks serve no browser bundle: its missing compressed copies are no news.
        .env("CRM_LOG", "warn,server::assets=error")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    while client.get(format!("http://{addr}/healthz")).send().await.is_err() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (addr, child)
}

/// A number from the environment, or the default.
pub fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The engines `CRM_BENCH_ENGINES` names ("sqlite,postgres" unless set).
pub fn engines() -> Vec<Engine> {
    let names = std::env::var("CRM_BENCH_ENGINES").unwrap_or_else(|_| "sqlite,postgres".into());
    names.split(',').map(|e| if e.trim() == "postgres" { Engine::Postgres } else { Engine::Sqlite }).collect()
}

/// The runtime the benchmarks drive the server's clients with.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}
