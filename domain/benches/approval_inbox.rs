//! The approval inbox at scale: an approver with 1,000 approvals waiting among 100,000 (and
//! 1,000 more they decided), "waiting for me" paged through in pages of 50 by keyset, without and
//! with a document-type filter, plus the badge count. Prints p50/p95 per page on each engine.
//!
//! Builds its own data in fresh test databases (SQLite file, and PostgreSQL at
//! TEST_POSTGRES_URL), dropped afterwards:
//!   CRM_BENCH_ROUNDS   passes over the 20 pages per case (default 10)
//!
//! cargo bench -p domain --bench approval_inbox

use std::time::{Duration, Instant};

use domain::approvals::inbox::{page, waiting_count, Folder, InboxQuery};
use domain::approvals::DocType;
use domain::testing::{actor, user_id, Engine, TestDb};
use domain::{demo, DomainResult};
use sqlx::Row;

const APPROVALS: i64 = 100_000;
const PAGE: i64 = 50;

fn p(times: &mut [Duration], q: f64) -> f64 {
    times.sort_unstable();
    let i = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1;
    times[i].as_secs_f64() * 1000.0
}

/// Approvals up to 100,000 (the demo's few included), one task each: every hundredth waits for
/// the measured approver (every other one of those a contract), every hundredth-and-fiftieth was
/// decided by them, the rest belong to others.
async fn fill(t: &TestDb, target: i64) -> DomainResult<()> {
    let db = &t.db;
    let flow: i64 = sqlx::query("SELECT id FROM approval_flows WHERE doc_type = 'expense_request' AND status = 'published'").fetch_one(db.pool()).await?.try_get("id")?;
    let rep = user_id(db, "bj.sales1").await;
    let unit: i64 = sqlx::query("SELECT primary_unit_id FROM users WHERE id = $1").bind(rep).fetch_one(db.pool()).await?.try_get("primary_unit_id")?;
    let others: Vec<i64> = sqlx::query("SELECT id FROM users WHERE id <> $1 ORDER BY id").bind(target).fetch_all(db.pool()).await?.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?;
    let base: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS n FROM approvals").fetch_one(db.pool()).await?.try_get("n")?;
    let now = domain::clock::now_ms();
    let mut tx = db.begin_write().await?;
    // Generated in the database: one statement, portable recursive series.
    sqlx::query(
        "INSERT INTO approvals (id, flow_id, doc_type, object, record_id, title, submitter_id, submitter_unit_id, facts, state, step_index, \
         decisions, version, submitted_at, updated_at) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         SELECT $2 + i, $3, CASE WHEN ($2 + i) % 200 = 0 OR i % 4 = 1 THEN 'contract' ELSE 'expense_request' END, 'approval', i, 'bench', $4, $5, '{}', 'pending', 0, 0, 0, \
                $6 - i * 1000, $6 FROM n",
    )
    .bind(APPROVALS - base)
    .bind(base)
    .bind(flow)
    .bind(rep)
    .bind(unit)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let mut case = String::from("CASE a.id % ");
    case.push_str(&others.len().to_string());
    for (i, _) in others.iter().enumerate() {
        case.push_str(&format!(" WHEN {i} THEN ${}", i + 4));
    }
    case.push_str(" END");
    let sql = format!(
        "INSERT INTO approval_tasks (approval_id, step_index, approver_id, state, via, doc_type, submitted_at, created_at) \
         SELECT a.id, 0, CASE WHEN a.id % 100 IN (0, 50) THEN $1 ELSE {case} END, \
                CASE WHEN a.id % 100 = 0 THEN 'pending' WHEN a.id % 100 = 50 OR a.id % 3 = 0 THEN 'approved' ELSE 'pending' END, 'rule', a.doc_type, a.submitted_at, a.submitted_at \
         FROM approvals a WHERE a.id > $2 AND a.id <= $2 + $3"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(target).bind(base).bind(APPROVALS - base);
    for o in &others {
        q = q.bind(*o);
    }
    q.execute(&mut *tx).await?;
    if t.engine == Engine::Postgres {
        // Explicit ids above: move the identity past them.
        sqlx::query("SELECT setval(pg_get_serial_sequence('approvals', 'id'), (SELECT MAX(id) FROM approvals))").execute(&mut *tx).await?;
    }
    tx.commit().await?;
    // Fresh statistics, as a running database would have.
    sqlx::query("ANALYZE").execute(db.pool()).await?;
    Ok(())
}

async fn bench(engine: Engine, rounds: usize) -> DomainResult<()> {
    let t = TestDb::new(engine).await;
    demo::seed(&t.db).await?;
    let target = user_id(&t.db, "bj.manager").await;
    let started = Instant::now();
    fill(&t, target).await?;
    let who = actor(&t.db, "bj.manager").await;
    let waiting = waiting_count(&t.db, &who).await?;
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM approvals").fetch_one(t.db.pool()).await?.try_get("n")?;
    println!("{engine:?}: {total} approvals, {waiting} waiting for the approver (data built in {:.1} s)", started.elapsed().as_secs_f64());
    for (label, doc_type) in [("waiting for me", None), ("waiting for me, contracts only", Some(DocType::Contract))] {
        let mut times = Vec::new();
        let mut rows_seen = 0;
        for round in 0..rounds + 1 {
            let mut q = InboxQuery::new(Folder::Waiting);
            q.limit = PAGE;
            q.doc_type = doc_type;
            loop {
                let start = Instant::now();
                let (rows, next) = page(&t.db, &who, &q).await?;
                let took = start.elapsed();
                // The first pass warms the caches and is not counted.
                if round > 0 {
                    times.push(took);
                    rows_seen += rows.len();
                }
                match next {
                    Some(k) => q.before_key = Some(k),
                    None => break,
                }
            }
        }
        let pages = times.len();
        println!(
            "{engine:?}: {label}: {pages} pages ({rows_seen} rows) p50 {:.2} ms, p95 {:.2} ms per page",
            p(&mut times, 0.50),
            p(&mut times, 0.95)
        );
    }
    let mut times = Vec::new();
    for _ in 0..rounds * 5 {
        let start = Instant::now();
        waiting_count(&t.db, &who).await?;
        times.push(start.elapsed());
    }
    println!("{engine:?}: badge count p50 {:.2} ms, p95 {:.2} ms", p(&mut times, 0.50), p(&mut times, 0.95));
    Ok(())
}

fn main() {
    let rounds: usize = std::env::var("CRM_BENCH_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime");
    rt.block_on(async {
        for engine in [Engine::Sqlite, Engine::Postgres] {
            if let Err(e) = bench(engine, rounds).await {
                println!("{engine:?}: failed: {e}");
            }
        }
    });
}
