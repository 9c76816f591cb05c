//! REST API list throughput (not a test): starts the real `crm` server on a fresh database with
//! the demo data, makes a personal access token for a reader of everything (`admin`) and for a
//! sales rep, and lets concurrent clients page through `/api/v1/{object}` for a while. Prints calls
//! per second, latency p50/p95, and calls per second of server CPU time (the server's user +
//! system time from /proc), i.e. throughput per core. Every call is authenticated, rate-checked,
//! policy-filtered and audited, as in production.
//!
//! `cargo bench -p server --bench api_list` (CRM_BENCH_SECONDS, CRM_BENCH_CLIENTS,
//! CRM_BENCH_ENGINES = "sqlite,postgres" adjust it).

mod common;

use std::time::{Duration, Instant};

use domain::integration::tokens;
use domain::testing::{actor, Engine, TestDb};

fn cpu_seconds(pid: u32) -> f64 {
    // Fields 14 and 15 of /proc/pid/stat: user and system time in clock ticks (100 per second).
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn run(engine: Engine, seconds: u64, clients: usize) {
    let t = TestDb::new(engine).await;
    domain::demo::seed(&t.db).await.unwrap();
    std::env::set_var("CRM_API_BURST", "1000000000");
    std::env::set_var("CRM_API_PER_SECOND", "1000000000");
    let (addr, child) = common::spawn_server(&t).await;
    let pid = child.id().unwrap();
    for (login, object) in [("admin", "customers"), ("bj.sales1", "customers"), ("admin", "receivables"), ("admin", "leads")] {
        let who = actor(&t.db, login).await;
        let secret = tokens::create(&t.db, &who, "bench", 0).await.unwrap().secret;
        let http = reqwest::Client::new();
        let started = Instant::now();
        let cpu_before = cpu_seconds(pid);
        let mut tasks = Vec::new();
        for _ in 0..clients {
            let (http, secret, addr) = (http.clone(), secret.clone(), addr.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut cursor: Option<String> = None;
                while started.elapsed() < Duration::from_secs(seconds) {
                    let url = match &cursor {
                        Some(c) => format!("http://{addr}/api/v1/{object}?limit=50&cursor={c}"),
                        None => format!("http://{addr}/api/v1/{object}?limit=50"),
                    };
                    let t0 = Instant::now();
                    let res = http.get(url).bearer_auth(&secret).send().await.unwrap();
                    assert_eq!(res.status(), 200);
                    let page: serde_json::Value = res.json().await.unwrap();
                    lat.push(t0.elapsed().as_secs_f64() * 1000.0);
                    cursor = page["next"].as_str().map(str::to_string);
                }
                lat
            }));
        }
        let mut lat: Vec<f64> = Vec::new();
        for t in tasks {
            lat.extend(t.await.unwrap());
        }
        let wall = started.elapsed().as_secs_f64();
        let cpu = cpu_seconds(pid) - cpu_before;
        lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{engine:?} {login:>9} GET /api/v1/{object:<11} {clients} clients: {:>6.0} calls/s, p50 {:>6.1} ms, p95 {:>6.1} ms, \
             server CPU {cpu:.1} s → {:>6.0} calls per CPU-second (per core)",
            lat.len() as f64 / wall,
            percentile(&lat, 0.5),
            percentile(&lat, 0.95),
            lat.len() as f64 / cpu.max(0.001),
        );
    }
    drop(child);
}

fn main() {
    let seconds = common::env_num("CRM_BENCH_SECONDS", 10) as u64;
    let clients = common::env_num("CRM_BENCH_CLIENTS", 8);
    let rt = common::runtime();
    for engine in common::engines() {
        rt.block_on(run(engine, seconds, clients));
    }
}
