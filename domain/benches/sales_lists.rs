//! Sales to cash at scale: for a sales rep, a branch manager and a finance person, the first page
//! (50) of the overdue receivables and of the contracts, each within the user's permissions; and
//! the rolled-up receivable totals of a unit and everything below it (`receivables::totals`) for
//! the branch manager on their branch and for finance on that branch and on the whole group;
//! and the opportunity board (every stage's count and sum with its first 20 cards) and a
//! six-month forecast, for the same three people; and the dashboard (`reports::dashboard`) of
//! each one's home unit (the whole group for finance) for this month, and the group's this year.
//! Prints the data set, a few consistency checks on it, and p50/p95 per case.
//!
//! The data, one of two ways:
//!   CRM_BENCH_CUSTOMERS  when set, generates that many customers with `bench_data::generate`
//!                        (one contract per five customers, their receivables and receipts; units
//!                        and users scaled down below a million customers) into fresh test
//!                        databases, dropped afterwards: a SQLite file, and PostgreSQL at
//!                        TEST_POSTGRES_URL; CRM_BENCH_ENGINES picks them (default sqlite,postgres).
//!                        20000 makes a quick run, 1000000 the default data set.
//!   otherwise            the databases `crm bench-data` made, as the customer_list bench:
//!                        CRM_BENCH_URLS (default sqlite://data/bench.db and
//!                        postgres://postgres@127.0.0.1:5432/crm_bench; a database that is missing
//!                        or has no contracts is skipped with a note).
//!   CRM_BENCH_RUNS         timed runs per case (default 50), after 5 warm-up runs
//!   CRM_BENCH_MAX_SECONDS  a case stops early once its timed runs took this long (default 30),
//!                          with at least 10 runs
//!   CRM_BENCH_ONLY         runs only the cases whose name contains this text (e.g. "dashboard")
//!
//! cargo bench -p domain --bench sales_lists
//! CRM_BENCH_CUSTOMERS=20000 cargo bench -p domain --bench sales_lists

use std::path::Path;
use std::time::{Duration, Instant};

use domain::bench_data::{generate, start_of_today_ms, BenchConfig};
use domain::clock::now_ms;
use domain::opportunities::{forecast, pipeline};
use domain::policy::Actor;
use domain::reports;
use domain::sales::contracts::{self, ContractQuery};
use domain::sales::receivables::{self, ReceivableQuery};
use domain::testing::{Engine, TestDb};
use domain::{Db, DomainResult};
use sqlx::Row;

const PAGE: i64 = 50;
const WARM_UP: usize = 5;
const MIN_RUNS: usize = 10;

struct Settings {
    runs: usize,
    budget: Duration,
}

#[derive(Clone, Copy)]
enum Case {
    OverduePage,
    ContractsPage,
    /// `totals(None, Some(unit))`.
    UnitTotals(i64),
    /// The pipeline board, 20 cards per stage.
    Board,
    /// Six months of forecast from the current month.
    Forecast,
    /// The dashboard of the reader's home unit (the group for finance), this month or this year.
    Dashboard(&'static str),
}

/// Runs the case once; answers what it returned, for the table.
async fn run(db: &Db, actor: &Actor, case: Case) -> DomainResult<String> {
    match case {
        Case::OverduePage => {
            let q = ReceivableQuery { overdue_only: true, limit: PAGE, ..Default::default() };
            Ok(format!("{} rows", receivables::list(db, actor, &q).await?.len()))
        }
        Case::ContractsPage => {
            let q = ContractQuery { limit: PAGE, ..Default::default() };
            Ok(format!("{} rows", contracts::list(db, actor, &q).await?.len()))
        }
        Case::UnitTotals(unit) => {
            let t = receivables::totals(db, actor, None, Some(unit)).await?;
            Ok(format!("outstanding {} of {}", yuan(t.outstanding_minor), yuan(t.receivable_minor)))
        }
        Case::Board => {
            let columns = pipeline::board(db, actor, &pipeline::BoardQuery { per_stage: 20, ..Default::default() }).await?;
            let cards: usize = columns.iter().map(|c| c.cards.len()).sum();
            Ok(format!("{} opportunities, {cards} cards", columns.iter().map(|c| c.count).sum::<i64>()))
        }
        Case::Forecast => {
            let month = domain::clock::format_date(now_ms());
            let rows = forecast::forecast(db, actor, &month[..7], 6).await?;
            Ok(format!("{} rows, weighted {}", rows.len(), yuan(rows.iter().map(|r| r.weighted_minor).sum())))
        }
        Case::Dashboard(kind) => {
            let today = domain::clock::format_date(now_ms());
            let value = if kind == "year" { today[..4].to_string() } else { today[..7].to_string() };
            let q = reports::DashboardQuery { period: reports::period::PeriodChoice { kind: kind.into(), value, ..Default::default() }, ..Default::default() };
            let d = reports::dashboard(db, actor, &q).await?;
            Ok(format!("{} rows, {} new customers, signed {}", d.rows.len(), d.total.customers_new.unwrap_or(0), yuan(d.total.signed_minor.unwrap_or(0))))
        }
    }
}

fn yuan(minor: i64) -> String {
    let whole = (minor / 100).to_string();
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("¥{out}")
}

struct Stats {
    runs: usize,
    p50: Duration,
    p95: Duration,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort_unstable();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    Stats { runs: times.len(), p50: at(0.50), p95: at(0.95) }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

async fn measure(db: &Db, actor: &Actor, case: Case, s: &Settings) -> DomainResult<(String, Stats)> {
    let mut shown = String::new();
    for _ in 0..WARM_UP {
        shown = run(db, actor, case).await?;
    }
    let mut times = Vec::with_capacity(s.runs);
    let started = Instant::now();
    for i in 0..s.runs {
        let t = Instant::now();
        run(db, actor, case).await?;
        times.push(t.elapsed());
        if i + 1 >= MIN_RUNS && started.elapsed() > s.budget {
            break;
        }
    }
    Ok((shown, stats(times)))
}

async fn one(db: &Db, sql: &str) -> DomainResult<i64> {
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(db.pool()).await?.try_get(0)?)
}

/// The people measured: a sales rep with the median number of receivables, the manager of the
/// branch with the most receivables (with that branch), a finance person; and the group unit.
struct People {
    rep: (String, Actor),
    manager: (String, Actor),
    branch: (i64, String),
    finance: (String, Actor),
    group: i64,
}

async fn pick_people(db: &Db) -> DomainResult<People> {
    let pool = db.pool();
    let now = now_ms();
    let reps = sqlx::query(
        "SELECT r.owner_id AS id, COUNT(*) AS n, CAST(SUM(CASE WHEN r.due_at < $1 AND r.received_minor < r.amount_minor THEN 1 ELSE 0 END) AS BIGINT) AS late \
         FROM receivables r WHERE r.owner_id IN (SELECT ur.user_id FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id WHERE ro.key = 'sales_rep') \
         GROUP BY r.owner_id ORDER BY n, r.owner_id",
    )
    .bind(now)
    .fetch_all(pool)
    .await?;
    let r = &reps[reps.len() / 2];
    let (rep_id, n, late): (i64, i64, i64) = (r.try_get("id")?, r.try_get("n")?, r.try_get("late")?);
    let rep_contracts: i64 = sqlx::query("SELECT COUNT(*) AS n FROM contracts WHERE owner_id = $1").bind(rep_id).fetch_one(pool).await?.try_get("n")?;
    let rep = (format!("sales rep (median: {rep_contracts} contracts, {n} receivables, {late} overdue)"), Actor::load(db, rep_id).await?);

    let r = sqlx::query(
        "SELECT o.id AS unit, o.name, u.id AS id, (SELECT COUNT(*) FROM receivables r WHERE r.unit_id IN \
           (SELECT cl.descendant_id FROM org_unit_closure cl WHERE cl.ancestor_id = o.id)) AS n \
         FROM org_units o JOIN users u ON u.id = o.head_user_id \
         WHERE o.kind = 'branch' AND u.id IN (SELECT ur.user_id FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id WHERE ro.key = 'branch_manager') \
         ORDER BY n DESC, u.id LIMIT 1",
    )
    .fetch_one(pool)
    .await?;
    let (unit, name, manager_id, n): (i64, String, i64, i64) = (r.try_get("unit")?, r.try_get("name")?, r.try_get("id")?, r.try_get("n")?);
    let units: i64 = sqlx::query("SELECT COUNT(*) AS n FROM org_unit_closure WHERE ancestor_id = $1").bind(unit).fetch_one(pool).await?.try_get("n")?;
    let late: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM receivables r WHERE r.due_at < $2 AND r.received_minor < r.amount_minor AND r.unit_id IN \
         (SELECT cl.descendant_id FROM org_unit_closure cl WHERE cl.ancestor_id = $1)",
    )
    .bind(unit)
    .bind(now)
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    let manager = (format!("branch manager (largest branch, {units} units: {n} receivables, {late} overdue)"), Actor::load(db, manager_id).await?);

    let finance_id: i64 = sqlx::query("SELECT ur.user_id AS id FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id WHERE ro.key = 'finance' ORDER BY ur.user_id LIMIT 1")
        .fetch_one(pool)
        .await?
        .try_get("id")?;
    let finance = ("finance (reads all)".to_string(), Actor::load(db, finance_id).await?);
    let group = one(db, "SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY id LIMIT 1").await?;
    Ok(People { rep, manager, branch: (unit, name), finance, group })
}

/// What the data set holds, and whether it hangs together.
async fn describe(db: &Db, engine: &str) -> DomainResult<()> {
    let now = now_ms();
    let customers = one(db, "SELECT COUNT(*) FROM customers").await?;
    let contracts = one(db, "SELECT COUNT(*) FROM contracts").await?;
    let signed = one(db, "SELECT COUNT(*) FROM contracts WHERE state = 'signed'").await?;
    let receivables = one(db, "SELECT COUNT(*) FROM receivables").await?;
    let overdue = one(db, &format!("SELECT COUNT(*) FROM receivables WHERE due_at < {now} AND received_minor < amount_minor")).await?;
    let receipts = one(db, "SELECT COUNT(*) FROM receipts").await?;
    let opportunities = one(db, "SELECT COUNT(*) FROM opportunities").await?;
    println!(
        "{engine}: {customers} customers, {contracts} contracts ({signed} signed), {receivables} receivables ({overdue} overdue, {:.1}%), {receipts} receipts, {opportunities} opportunities",
        overdue as f64 * 100.0 / receivables.max(1) as f64
    );
    let checks = [
        ("received = receipts not reversed", "SELECT COUNT(*) FROM receivables r WHERE r.received_minor <> \
            COALESCE((SELECT SUM(p.amount_minor) FROM receipts p WHERE p.receivable_id = r.id AND p.reversed_at IS NULL), 0)"),
        ("plan adds up to the amount", "SELECT COUNT(*) FROM contracts k WHERE k.amount_minor <> \
            COALESCE((SELECT SUM(i.amount_minor) FROM contract_instalments i WHERE i.contract_id = k.id), 0)"),
        ("contract held as its customer", "SELECT COUNT(*) FROM contracts k JOIN customers c ON c.id = k.customer_id \
            WHERE k.owner_id <> c.owner_id OR k.unit_id <> c.unit_id"),
        ("receivable of a signed contract, as its contract", "SELECT COUNT(*) FROM receivables r JOIN contracts k ON k.id = r.contract_id \
            WHERE k.state <> 'signed' OR r.owner_id <> k.owner_id OR r.unit_id <> k.unit_id"),
    ];
    let mut line = Vec::new();
    for (what, sql) in checks {
        let bad = one(db, sql).await?;
        line.push(format!("{what}: {}", if bad == 0 { "ok".to_string() } else { format!("{bad} rows FAIL") }));
    }
    println!("{engine}: checks: {}", line.join("; "));
    Ok(())
}

async fn bench(db: &Db, label: &str, s: &Settings, table: &mut Vec<[String; 7]>) -> DomainResult<()> {
    let engine = format!("{:?}", db.dialect());
    describe(db, label).await?;
    let people = pick_people(db).await?;
    let (branch, branch_name) = people.branch.clone();
    let cases: Vec<(&(String, Actor), &str, Case)> = vec![
        (&people.rep, "overdue receivables, first page", Case::OverduePage),
        (&people.manager, "overdue receivables, first page", Case::OverduePage),
        (&people.finance, "overdue receivables, first page", Case::OverduePage),
        (&people.rep, "contracts, first page", Case::ContractsPage),
        (&people.manager, "contracts, first page", Case::ContractsPage),
        (&people.finance, "contracts, first page", Case::ContractsPage),
        (&people.manager, "totals of their branch", Case::UnitTotals(branch)),
        (&people.finance, "totals of the same branch", Case::UnitTotals(branch)),
        (&people.finance, "totals of the group", Case::UnitTotals(people.group)),
        (&people.rep, "opportunity board", Case::Board),
        (&people.manager, "opportunity board", Case::Board),
        (&people.finance, "opportunity board", Case::Board),
        (&people.rep, "forecast, six months", Case::Forecast),
        (&people.manager, "forecast, six months", Case::Forecast),
        (&people.finance, "forecast, six months", Case::Forecast),
        (&people.rep, "dashboard, this month", Case::Dashboard("month")),
        (&people.manager, "dashboard of their branch, this month", Case::Dashboard("month")),
        (&people.finance, "dashboard of the group, this month", Case::Dashboard("month")),
        (&people.finance, "dashboard of the group, this year", Case::Dashboard("year")),
    ];
    println!("{label}: branch measured: {branch_name}; {} timed runs per case (at most {} s) after {WARM_UP} warm-up runs; page size {PAGE}", s.runs, s.budget.as_secs());
    let only = std::env::var("CRM_BENCH_ONLY").unwrap_or_default();
    for ((who, actor), name, case) in cases {
        if !name.contains(only.as_str()) {
            continue;
        }
        let (shown, st) = measure(db, actor, case, s).await?;
        println!("  {who}: {name}: {shown}, p50 {} / p95 {} ms ({} runs)", ms(st.p50), ms(st.p95), st.runs);
        table.push([engine.clone(), who.clone(), name.to_string(), shown, st.runs.to_string(), ms(st.p50), ms(st.p95)]);
    }
    Ok(())
}

/// Opens a database that `crm bench-data` filled, or says why it is skipped.
async fn open(url: &str) -> Result<Db, String> {
    let url = match url.strip_prefix("sqlite://") {
        Some(path) => {
            let path = if Path::new(path).is_absolute() { path.to_string() } else { format!("{}/../{path}", env!("CARGO_MANIFEST_DIR")) };
            if !Path::new(&path).exists() {
                return Err(format!("{path} does not exist"));
            }
            format!("sqlite://{path}")
        }
        None => url.to_string(),
    };
    let db = Db::connect(&url).await.map_err(|e| e.to_string())?;
    let any = sqlx::query("SELECT id FROM contracts LIMIT 1").fetch_optional(db.pool()).await.map_err(|e| e.to_string())?;
    if any.is_none() {
        return Err("no contracts (run crm bench-data into an empty database first)".into());
    }
    Ok(db)
}

/// A data set of `customers` customers, the org scaled down below a million.
fn config(customers: usize) -> BenchConfig {
    let units = (customers / 2_000).clamp(30, 500);
    let users = (customers / 100).clamp(units * 3, 10_000);
    BenchConfig { customers, units, users, until_ms: start_of_today_ms(), ..Default::default() }
}

fn env_num(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|s| s.trim().parse().ok())
}

fn main() {
    let s = Settings {
        runs: env_num("CRM_BENCH_RUNS").unwrap_or(50).max(1),
        budget: Duration::from_secs(env_num("CRM_BENCH_MAX_SECONDS").unwrap_or(30) as u64),
    };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime");
    let mut table = Vec::new();
    rt.block_on(async {
        if let Some(customers) = env_num("CRM_BENCH_CUSTOMERS") {
            let engines = std::env::var("CRM_BENCH_ENGINES").unwrap_or_else(|_| "sqlite,postgres".into());
            for engine in engines.split(',').map(str::trim).filter(|e| !e.is_empty()) {
                let engine = if engine == "postgres" { Engine::Postgres } else { Engine::Sqlite };
                let cfg = config(customers);
                println!("\n{engine:?}: generating {} customers ({} units, {} users, about {} contracts)…", cfg.customers, cfg.units, cfg.users, cfg.contracts());
                let t = TestDb::new(engine).await;
                let started = Instant::now();
                match generate(&t.db, &cfg).await {
                    Ok(summary) => {
                        let phases: Vec<String> = summary.timings.iter().map(|(phase, secs)| format!("{phase} {secs:.1} s")).collect();
                        println!("{engine:?}: generated in {:.1} s ({})", started.elapsed().as_secs_f64(), phases.join(", "));
                    }
                    Err(e) => {
                        println!("{engine:?}: generating failed: {e}");
                        continue;
                    }
                }
                if let Err(e) = bench(&t.db, &format!("{engine:?}"), &s, &mut table).await {
                    println!("{engine:?}: failed: {e}");
                }
            }
        } else {
            let urls = std::env::var("CRM_BENCH_URLS").unwrap_or_else(|_| "sqlite://data/bench.db,postgres://postgres@127.0.0.1:5432/crm_bench".into());
            for url in urls.split(',').map(str::trim).filter(|u| !u.is_empty()) {
                let db = match open(url).await {
                    Ok(db) => db,
                    Err(why) => {
                        println!("skipping {url}: {why}");
                        continue;
                    }
                };
                println!();
                if let Err(e) = bench(&db, &format!("{:?} ({url})", db.dialect()), &s, &mut table).await {
                    println!("{url}: failed: {e}");
                }
                db.close().await;
            }
        }
    });
    println!("\n| engine | user | case | result | runs | p50 ms | p95 ms |");
    println!("|---|---|---|---|---:|---:|---:|");
    for r in &table {
        println!("| {} |", r.join(" | "));
    }
}
