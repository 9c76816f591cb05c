//! The customer list at scale: for a sales rep, a branch manager, a subsidiary head and an
//! administrator, the first page and a page about 5,000 rows deep, each with a filter and a sort,
//! timed within the user's permissions (`page`) and without any permission filter
//! (`page_unscoped`, its twin), plus the capped count. Prints p50/p95 and the ratios.
//!
//! Runs against databases made by `crm bench-data`:
//!   CRM_BENCH_URLS   comma-separated DATABASE_URLs (default: sqlite://data/bench.db and
//!                    postgres://postgres@127.0.0.1:5432/crm_bench; relative SQLite paths are
//!                    taken from the workspace root; a missing database is skipped with a note)
//!   CRM_BENCH_RUNS   timed runs per case and mode (default 50), after 5 warm-up runs
//!
//! cargo bench -p domain --bench customer_list

use std::path::Path;
use std::time::{Duration, Instant};

use domain::clock::DAY_MS;
use domain::customers::list::{count, page, page_unscoped, Cursor, ListFilter, ListQuery, Page, Sort, SortKey};
use domain::policy::reach::{reach_on, Reach};
use domain::policy::Actor;
use domain::roles::{Action, ObjectType};
use domain::{Db, DomainResult};
use sqlx::Row;

const PAGE: i64 = 50;
const DEPTH: usize = 5_000;
const WARM_UP: usize = 5;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Scoped,
    Unscoped,
}

async fn fetch(db: &Db, actor: &Actor, q: &ListQuery, mode: Mode) -> DomainResult<Page> {
    match mode {
        Mode::Scoped => page(db, actor, q).await,
        Mode::Unscoped => page_unscoped(db, actor, q).await,
    }
}

/// The cursor `depth` rows into the list (or as deep as the list goes, leaving one page), found
/// by paging outside the timing; with the depth actually reached.
async fn cursor_at(db: &Db, actor: &Actor, q: &ListQuery, mode: Mode, depth: usize) -> DomainResult<(Option<Cursor>, usize)> {
    let mut q = ListQuery { after: None, ..q.clone() };
    let mut seen = 0usize;
    let mut rows: Vec<Option<Cursor>> = vec![None];
    while seen < depth {
        q.limit = (depth - seen).min(200) as i64;
        let p = fetch(db, actor, &q, mode).await?;
        seen += p.rows.len();
        match p.next {
            Some(next) => {
                rows.push(Some(next.clone()));
                q.after = Some(next);
            }
            None => break,
        }
    }
    if seen < depth {
        // A short list: start one page before its end (cursors exist at page boundaries only).
        let (cursor, at) = Box::pin(cursor_at(db, actor, &q, mode, seen.saturating_sub(PAGE as usize))).await?;
        return Ok((cursor, at));
    }
    Ok((rows.pop().flatten(), seen))
}

struct Stats {
    p50: Duration,
    p95: Duration,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort_unstable();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    Stats { p50: at(0.50), p95: at(0.95) }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

struct Who {
    label: String,
    actor: Actor,
}

/// The users to measure: a sales rep with a typical book, the manager of the largest branch, the
/// head of the largest subsidiary, an administrator.
async fn pick_users(db: &Db) -> DomainResult<Vec<Who>> {
    let pool = db.pool();
    let mut out = Vec::new();
    let reps = sqlx::query(
        "SELECT c.owner_id AS id, COUNT(*) AS n FROM customers c \
         WHERE c.owner_id IN (SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.key = 'sales_rep') \
         GROUP BY c.owner_id ORDER BY n, c.owner_id",
    )
    .fetch_all(pool)
    .await?;
    if !reps.is_empty() {
        let r = &reps[reps.len() / 2];
        let (id, n): (i64, i64) = (r.try_get("id")?, r.try_get("n")?);
        out.push((format!("sales rep (median book: {n} customers)"), id));
    }
    for (kind, label) in [("branch", "branch manager (largest branch"), ("subsidiary", "subsidiary head (largest")] {
        let sql = "SELECT u.id, (SELECT COUNT(*) FROM customers c WHERE c.unit_id IN \
                     (SELECT cl.descendant_id FROM org_unit_closure cl WHERE cl.ancestor_id = o.id)) AS n \
                   FROM org_units o JOIN users u ON u.id = o.head_user_id \
                   WHERE o.kind = $1 AND u.id IN (SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
                     WHERE r.key = 'branch_manager') \
                   ORDER BY n DESC, u.id LIMIT 1";
        if let Some(r) = sqlx::query(sql).bind(kind).fetch_optional(pool).await? {
            let (id, n): (i64, i64) = (r.try_get("id")?, r.try_get("n")?);
            out.push((format!("{label}: {n} customers)"), id));
        }
    }
    let admin = sqlx::query(
        "SELECT ur.user_id AS id FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.key = 'administrator' ORDER BY ur.user_id LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    if let Some(r) = admin {
        out.push(("administrator".to_string(), r.try_get("id")?));
    }
    let mut who = Vec::new();
    for (label, id) in out {
        let actor = Actor::load(db, id).await?;
        let mut conn = pool.acquire().await?;
        let reach = match reach_on(&mut conn, &actor, ObjectType::Customer, Action::Read).await? {
            Reach::All => "all".to_string(),
            Reach::Owners(o) => format!("{} owner(s)", o.len()),
            Reach::Units(u) => format!("{} units", u.len()),
            Reach::Nothing => "shares only".to_string(),
        };
        who.push(Who { label: format!("{label}, reach: {reach}"), actor });
    }
    Ok(who)
}

/// Opens a database that `crm bench-data` filled, or says why it is skipped.
async fn open(url: &str) -> Result<Db, String> {
    let url = match url.strip_prefix("sqlite://") {
        Some(path) => {
            let path = if Path::new(path).is_absolute() {
                path.to_string()
            } else {
                format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))
            };
            if !Path::new(&path).exists() {
                return Err(format!("{path} does not exist"));
            }
            format!("sqlite://{path}")
        }
        None => url.to_string(),
    };
    let db = Db::connect(&url).await.map_err(|e| e.to_string())?;
    let any = sqlx::query("SELECT id FROM customers LIMIT 1").fetch_optional(db.pool()).await.map_err(|e| e.to_string())?;
    if any.is_none() {
        return Err("no customers (run crm bench-data first)".into());
    }
    Ok(db)
}

#[derive(Default)]
struct Table(Vec<[String; 11]>);

impl Table {
    fn print_header() {
        println!("| engine | user | case | depth | rows | scoped p50 ms | scoped p95 ms | unscoped p50 ms | unscoped p95 ms | ratio p50 | ratio p95 |");
        println!("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    }
}

async fn bench_engine(url: &str, runs: usize) -> DomainResult<()> {
    let db = match open(url).await {
        Ok(db) => db,
        Err(why) => {
            println!("skipping {url}: {why}");
            return Ok(());
        }
    };
    let engine = format!("{:?}", db.dialect());
    let customers: i64 = sqlx::query("SELECT COUNT(*) AS n FROM customers").fetch_one(db.pool()).await?.try_get("n")?;
    // "Not followed up for 90 days", relative to the newest activity in the data set.
    let newest: i64 = sqlx::query("SELECT MAX(updated_at) AS t FROM customers").fetch_one(db.pool()).await?.try_get("t")?;
    println!("\n{engine} ({url}): {customers} customers; {runs} timed runs per case after {WARM_UP} warm-up runs; page size {PAGE}\n");
    let cases: [(&str, ListFilter, Sort); 2] = [
        ("level A, by name", ListFilter { level: "A".into(), ..Default::default() }, Sort { key: SortKey::Name, descending: false }),
        (
            "no follow-up in 90 days, by last follow-up desc",
            ListFilter { follow_up_before: Some(newest - 90 * DAY_MS), ..Default::default() },
            Sort { key: SortKey::LastFollowUp, descending: true },
        ),
    ];
    let users = pick_users(&db).await?;
    let mut rows = Table::default();
    for who in &users {
        println!("user: {}", who.label);
        for (name, filter, sort) in &cases {
            let base = ListQuery { filter: filter.clone(), sort: *sort, after: None, limit: PAGE };
            for deep in [false, true] {
                // The scoped list decides the depth; its twin is measured at the same depth.
                let (scoped_after, depth) = if deep { cursor_at(&db, &who.actor, &base, Mode::Scoped, DEPTH).await? } else { (None, 0) };
                let (unscoped_after, _) = if deep { cursor_at(&db, &who.actor, &base, Mode::Unscoped, depth).await? } else { (None, 0) };
                let scoped_q = ListQuery { after: scoped_after, ..base.clone() };
                let unscoped_q = ListQuery { after: unscoped_after, ..base.clone() };
                let mut returned = 0;
                for _ in 0..WARM_UP {
                    returned = fetch(&db, &who.actor, &scoped_q, Mode::Scoped).await?.rows.len();
                    fetch(&db, &who.actor, &unscoped_q, Mode::Unscoped).await?;
                }
                let (mut scoped, mut unscoped) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
                for _ in 0..runs {
                    let t = Instant::now();
                    fetch(&db, &who.actor, &scoped_q, Mode::Scoped).await?;
                    scoped.push(t.elapsed());
                    let t = Instant::now();
                    fetch(&db, &who.actor, &unscoped_q, Mode::Unscoped).await?;
                    unscoped.push(t.elapsed());
                }
                let (s, u) = (stats(scoped), stats(unscoped));
                let ratio = |a: Duration, b: Duration| format!("{:.2}", a.as_secs_f64() / b.as_secs_f64().max(1e-9));
                let case = format!("{} page, {name}", if deep { "deep" } else { "first" });
                println!("  {case}: depth {depth}, {returned} rows, scoped p50 {} / p95 {} ms, unscoped p50 {} / p95 {} ms",
                    ms(s.p50), ms(s.p95), ms(u.p50), ms(u.p95));
                rows.0.push([engine.clone(), who.label.clone(), case, depth.to_string(), returned.to_string(), ms(s.p50), ms(s.p95),
                    ms(u.p50), ms(u.p95), ratio(s.p50, u.p50), ratio(s.p95, u.p95)]);
            }
        }
        for (name, filter, _) in &cases {
            let mut n = 0;
            for _ in 0..WARM_UP {
                n = count(&db, &who.actor, filter, false).await?;
            }
            let mut times = Vec::with_capacity(runs);
            for _ in 0..runs {
                let t = Instant::now();
                count(&db, &who.actor, filter, false).await?;
                times.push(t.elapsed());
            }
            let s = stats(times);
            let shown = if n > domain::customers::COUNT_CAP { format!("{}+", domain::customers::COUNT_CAP) } else { n.to_string() };
            println!("  capped count, {name}: {shown}, p50 {} / p95 {} ms", ms(s.p50), ms(s.p95));
            rows.0.push([engine.clone(), who.label.clone(), format!("capped count, {name}"), "-".into(), shown, ms(s.p50), ms(s.p95),
                "-".into(), "-".into(), "-".into(), "-".into()]);
        }
    }
    println!();
    Table::print_header();
    for r in &rows.0 {
        println!("| {} |", r.join(" | "));
    }
    db.close().await;
    Ok(())
}

fn main() {
    let urls = std::env::var("CRM_BENCH_URLS")
        .unwrap_or_else(|_| "sqlite://data/bench.db,postgres://postgres@127.0.0.1:5432/crm_bench".into());
    let runs: usize = std::env::var("CRM_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(50).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime");
    rt.block_on(async {
        for url in urls.split(',').map(str::trim).filter(|u| !u.is_empty()) {
            if let Err(e) = bench_engine(url, runs).await {
                println!("{url}: failed: {e}");
            }
        }
    });
}
