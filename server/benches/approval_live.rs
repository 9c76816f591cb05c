//! Approval delivery benchmark (not a test), for the approvals requirement "submit → next
//! approver's inbox update over the websocket, p95". On each engine it starts the real `crm`
//! server as its own process over a fresh demo database and keeps the Beijing manager's live
//! websocket open. The Beijing rep then submits small expense requests (whose only step asks
//! that manager) one at a time, and each is timed from the submit call until the manager's socket
//! receives the `approval.waiting` event for it, and until the waiting count the approvals badge
//! re-fetches on that event includes it.
//!
//! Submitting calls `engine::submit` directly, the transaction the `approvals/submit` server
//! function runs, so the timed path is the submit transaction, the event it commits, the hub
//! noticing it (PostgreSQL NOTIFY; a 20 ms poll on SQLite) and the websocket delivery. Drafts are
//! created beforehand, untimed. Pauses of 0–40 ms between submits spread them over the poll
//! interval as people would.
//!
//! `cargo bench -p server --bench approval_live` (CRM_BENCH_SAMPLES, default 200, and
//! CRM_BENCH_ENGINES = "sqlite,postgres" adjust it).

mod common;

use std::time::{Duration, Instant};

use domain::accounts::SessionConfig;
use domain::approvals::documents::{self, DocumentInput};
use domain::approvals::engine::submit;
use domain::approvals::DocType;
use domain::policy::Actor;
use domain::testing::{actor, user_id, Engine, TestDb};
use futures_util::StreamExt;
use tokio::process::Child;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// Untimed submits first, so that pools, prepared statements and the hub are warm.
const WARM_UP: usize = 5;
/// A delivery later than this counts as lost.
const GIVE_UP: Duration = Duration::from_secs(5);

/// The `crm` server process over the test database, and where it listens.
struct Server {
    addr: String,
    _process: Child,
}

async fn start_server(t: &TestDb) -> Server {
    let (addr, process) = common::spawn_server(t).await;
    Server { addr, _process: process }
}

async fn session_cookie(t: &TestDb, login: &str) -> String {
    let token = domain::accounts::sessions::create(&t.db, user_id(&t.db, login).await, SessionConfig::default(), "127.0.0.1", "bench").await.unwrap();
    format!("crm_session={token}")
}

/// An approval event as it reached the socket: its kind, its document, when.
struct Arrival {
    kind: String,
    record_id: i64,
    at: Instant,
}

/// Opens the live socket as a browser tab does, waits until the hub has registered it (the
/// "hello"), then reports every approval event it receives.
async fn watch_live(addr: &str, cookie: &str) -> (mpsc::UnboundedReceiver<Arrival>, tokio::task::JoinHandle<()>) {
    let mut req = format!("ws://{addr}/api/live").into_client_request().unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    req.headers_mut().insert("origin", format!("http://{addr}").parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("websocket");
    let (tx, rx) = mpsc::unbounded_channel();
    let (hello_tx, hello_rx) = tokio::sync::oneshot::channel();
    let reader = tokio::spawn(async move {
        let mut hello = Some(hello_tx);
        while let Some(Ok(msg)) = ws.next().await {
            let Message::Text(text) = msg else { continue };
            let at = Instant::now();
            let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            if v["type"] == "hello" {
                if let Some(h) = hello.take() {
                    let _ = h.send(());
                }
            } else if v["type"] == "event" && v["event"]["kind"].as_str().is_some_and(|k| k.starts_with("approval.")) {
                let kind = v["event"]["kind"].as_str().unwrap_or_default().to_string();
                let _ = tx.send(Arrival { kind, record_id: v["event"]["record_id"].as_i64().unwrap_or(0), at });
            }
        }
    });
    tokio::time::timeout(GIVE_UP, hello_rx).await.expect("hello in time").expect("socket open");
    (rx, reader)
}

/// The approvals badge's query: how many approvals wait for the signed-in user.
async fn waiting_count(client: &reqwest::Client, addr: &str, cookie: &str) -> i64 {
    let res = client
        .post(format!("http://{addr}/api/approvals/waiting_count"))
        .header("cookie", cookie)
        .header("origin", format!("http://{addr}"))
        .header("sec-fetch-site", "same-origin")
        .form(&[] as &[(&str, &str)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "waiting_count: {}", res.status());
    res.json().await.unwrap()
}

async fn draft(t: &TestDb, rep: &Actor, i: usize) -> i64 {
    let input = DocumentInput { title: format!("交通费 {i}"), amount_minor: Some(30_000), currency: Some("CNY".into()), ..Default::default() };
    documents::create(&t.db, rep, DocType::ExpenseRequest, &input).await.unwrap()
}

/// Waits for the `approval.waiting` of document `doc`, skipping other approval events.
async fn arrival_of(events: &mut mpsc::UnboundedReceiver<Arrival>, doc: i64) -> Option<Instant> {
    let deadline = tokio::time::Instant::now() + GIVE_UP;
    loop {
        let a = tokio::time::timeout_at(deadline, events.recv()).await.ok()??;
        if a.kind == "approval.waiting" && a.record_id == doc {
            return Some(a.at);
        }
    }
}

/// A pseudo-random pause of 0–40 ms (xorshift; the same sequence on each engine).
fn pause(seed: &mut u64) -> Duration {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    Duration::from_millis(*seed % 41)
}

/// Milliseconds of one timed submit: the submit call, until the socket has the event, until the
/// waiting count fetched then includes the request.
struct Sample {
    submit: f64,
    socket: f64,
    inbox: f64,
}

fn ms(from: Instant, to: Instant) -> f64 {
    to.saturating_duration_since(from).as_secs_f64() * 1000.0
}

/// Latencies in milliseconds summarised as "p50 … p95 … max …".
fn summary(mut ms: Vec<f64>) -> String {
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| ms.get(((ms.len().max(1) - 1) as f64 * p).round() as usize).copied().unwrap_or(f64::NAN);
    format!("p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms", at(0.50), at(0.95), at(1.0))
}

/// The manager's side, watched while the rep submits.
struct Approver {
    addr: String,
    cookie: String,
    events: mpsc::UnboundedReceiver<Arrival>,
    client: reqwest::Client,
    waiting: i64,
}

impl Approver {
    /// Submits draft `doc` and times it; None when the event never reached the socket.
    async fn time_submit(&mut self, t: &TestDb, rep: &Actor, doc: i64) -> Option<Sample> {
        let start = Instant::now();
        submit(&t.db, rep, documents::OBJECT, doc).await.unwrap();
        let submitted = Instant::now();
        self.waiting += 1;
        let delivered = arrival_of(&mut self.events, doc).await?;
        assert_eq!(waiting_count(&self.client, &self.addr, &self.cookie).await, self.waiting, "the manager's inbox counts the request");
        let shown = Instant::now();
        Some(Sample { submit: ms(start, submitted), socket: ms(start, delivered), inbox: ms(start, shown) })
    }
}

async fn run(engine: Engine, samples: usize) {
    let t = TestDb::new(engine).await;
    domain::demo::seed(&t.db).await.unwrap();
    let server = start_server(&t).await;
    let rep = actor(&t.db, "bj.sales1").await;
    let cookie = session_cookie(&t, "bj.manager").await;
    let (events, reader) = watch_live(&server.addr, &cookie).await;
    let client = reqwest::Client::new();
    let waiting = waiting_count(&client, &server.addr, &cookie).await;
    let mut manager = Approver { addr: server.addr.clone(), cookie, events, client, waiting };
    let mut docs = Vec::new();
    for i in 0..WARM_UP + samples {
        docs.push(draft(&t, &rep, i).await);
    }
    let (mut seed, mut lost, mut timed) = (0x2545_f491_4f6c_dd1d_u64, 0, Vec::new());
    for (i, doc) in docs.into_iter().enumerate() {
        tokio::time::sleep(pause(&mut seed)).await;
        match manager.time_submit(&t, &rep, doc).await {
            Some(sample) if i >= WARM_UP => timed.push(sample),
            Some(_) => {}
            None => lost += 1,
        }
    }
    reader.abort();
    println!("{engine:?}: {} submits timed ({WARM_UP} warm-up untimed), {lost} not delivered within {GIVE_UP:?}", timed.len());
    let column = |pick: fn(&Sample) -> f64| summary(timed.iter().map(pick).collect());
    println!("  {:<40} {}", "submit transaction", column(|s| s.submit));
    println!("  {:<40} {}", "submit -> approver's websocket event", column(|s| s.socket));
    println!("  {:<40} {}", "submit -> approver's count includes it", column(|s| s.inbox));
}

fn main() {
    let samples = common::env_num("CRM_BENCH_SAMPLES", 200);
    let rt = common::runtime();
    for engine in common::engines() {
        rt.block_on(run(engine, samples));
    }
}
