//! Live delivery benchmark (not a test): starts the real `crm` server on a fresh database with the
//! demo data, opens 1,000 websockets (spread over the demo users), measures the server's memory
//! per idle socket, then commits changes and measures commit-to-delivery latency on every socket
//! that receives them. Prints p50/p95 per engine.
//!
//! `cargo bench -p server --bench live` (CRM_BENCH_SOCKETS, CRM_BENCH_EVENTS, CRM_BENCH_ENGINES
//! = "sqlite,postgres" adjust it).

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use domain::accounts::SessionConfig;
use domain::policy::Actor;
use domain::testing::{Engine, TestDb};
use futures_util::StreamExt;
use sqlx::Row;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn run(engine: Engine, sockets: usize, events: usize) {
    let t = TestDb::new(engine).await;
    domain::demo::seed(&t.db).await.unwrap();
    let (addr, mut child) = common::spawn_server(&t).await;
    let pid = child.id().unwrap();
    // One warm-up socket so the hub and its pools are up before the baseline.
    let users: Vec<(i64, String)> = sqlx::query("SELECT id, login FROM users ORDER BY id")
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.try_get("id").unwrap(), r.try_get("login").unwrap()))
        .collect();
    let mut cookies = Vec::new();
    for i in 0..sockets + 1 {
        let (id, _) = &users[i % users.len()];
        let token = domain::accounts::sessions::create(&t.db, *id, SessionConfig::default(), "127.0.0.1", "bench").await.unwrap();
        cookies.push(format!("crm_session={token}"));
    }
    let connect = |cookie: String| {
        let addr = addr.clone();
        async move {
            let mut req = format!("ws://{addr}/api/live").into_client_request().unwrap();
            req.headers_mut().insert("cookie", cookie.parse().unwrap());
            req.headers_mut().insert("origin", format!("http://{addr}").parse().unwrap());
            let (ws, _) = tokio_tungstenite::connect_async(req).await.expect("websocket");
            ws
        }
    };
    let warm = connect(cookies[sockets].clone()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_kib(pid);

    // Every socket reports (event id, arrival) to one collector.
    let (tx, mut rx) = mpsc::unbounded_channel::<(i64, Instant)>();
    let mut readers = Vec::new();
    for cookie in cookies.iter().take(sockets) {
        let mut ws = connect(cookie.clone()).await;
        let tx = tx.clone();
        readers.push(tokio::spawn(async move {
            while let Some(Ok(msg)) = ws.next().await {
                if let Message::Text(text) = msg {
                    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                    if v["type"] == "event" {
                        let _ = tx.send((v["event"]["id"].as_i64().unwrap_or(0), Instant::now()));
                    }
                }
            }
        }));
    }
    drop(tx);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib(pid);
    let per_socket = (after.saturating_sub(before)) as f64 * 1024.0 / sockets as f64;

    // Changes committed by a rep on their customers; each reaches the sockets of everyone who may
    // read the customer (rep, manager, executives, finance, service, admin).
    let rep: i64 = sqlx::query("SELECT id FROM users WHERE login = 'bj.sales1'").fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    let rep = Actor::load(&t.db, rep).await.unwrap();
    let customer: i64 = sqlx::query("SELECT id FROM customers WHERE owner_id = $1 ORDER BY id LIMIT 1").bind(rep.user_id).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    let mut committed: BTreeMap<i64, Instant> = BTreeMap::new();
    let mut latencies = Vec::new();
    for i in 0..events {
        domain::activity::log_follow_up(&t.db, &rep, customer, "call", &format!("bench {i}"), None).await.unwrap();
        let at = Instant::now();
        committed.insert(domain::events::last_id(&t.db).await.unwrap(), at);
        // Spread the events out, as people do; collect what has arrived meanwhile.
        let until = Instant::now() + Duration::from_millis(50);
        while let Ok(Some((id, when))) = tokio::time::timeout_at(until.into(), rx.recv()).await {
            if let Some(c) = committed.get(&id) {
                latencies.push(when.duration_since(*c).as_secs_f64() * 1000.0);
            }
        }
    }
    let until = Instant::now() + Duration::from_secs(3);
    while let Ok(Some((id, when))) = tokio::time::timeout_at(until.into(), rx.recv()).await {
        if let Some(c) = committed.get(&id) {
            latencies.push(when.duration_since(*c).as_secs_f64() * 1000.0);
        }
    }
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "{engine:?}: {sockets} sockets, {events} events, {} deliveries: commit-to-delivery p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms; \
         server RSS {} KiB idle -> {} KiB with the sockets: {:.1} KiB per idle socket",
        latencies.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.95),
        latencies.last().copied().unwrap_or(f64::NAN),
        before,
        after,
        per_socket / 1024.0
    );
    for r in readers {
        r.abort();
    }
    drop(warm);
    let _ = child.kill().await;
}

fn main() {
    let sockets = common::env_num("CRM_BENCH_SOCKETS", 1000);
    let events = common::env_num("CRM_BENCH_EVENTS", 200);
    let rt = common::runtime();
    for engine in common::engines() {
        rt.block_on(run(engine, sockets, events));
    }
}
