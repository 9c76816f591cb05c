//! A large, realistic data set for measuring the product at scale: a group with subsidiaries,
//! branches, departments and teams (closure table included), thousands of users in the built-in
//! roles, a million customers with contacts, follow-ups, tags, shares and per-branch pools, and
//! sales to cash on them: products, contracts with their plans, receivables and receipts.
//!
//! Everything is generated in Rust from one seed (same seed and end date, same data) and written
//! with multi-row `INSERT ... VALUES (...), (...)` statements in large transactions, on one
//! connection with explicit ids. The secondary indexes of the big tables are dropped during the
//! load and recreated afterwards from their stored definitions (same names, same SQL), then the
//! statistics are refreshed. Only into an empty, migrated database.
//!
//! - `config`: what to generate, and the summary of what was;
//! - `vocabulary` and `sampling`: the words and the seeded draws the data is made of;
//! - `org`: the org tree and the people, planned in memory, then written;
//! - `pools`: one pool per branch with its entry rules;
//! - `customers`: customers with their tags, and per customer `activity` (contacts and
//!   follow-ups) and `shares`;
//! - `sales`: product lines and products, contracts on held customers (one per five customers),
//!   their lines and payment plans, the receivables of the signed ones and the receipts;
//! - `bulk`: multi-row inserts and the index handling around the load.

mod activity;
mod bulk;
mod config;
mod customers;
mod opportunities;
mod org;
mod pools;
mod sales;
mod sampling;
mod shares;
mod vocabulary;

pub use config::{start_of_today_ms, BenchConfig, Summary, BENCH_PASSWORD, CONTRACTS_PER_CUSTOMER};

use std::time::Instant;

use rand::rngs::StdRng;
use rand::SeedableRng;
use sqlx::{Connection, Row};

use bulk::{exec, info, secondary_indexes, BULK_TABLES, ID_TABLES};
use crate::accounts::passwords;
use crate::clock::DAY_MS;
use crate::db::{Db, Dialect};
use crate::error::{DomainError, DomainResult};
use crate::roles::ensure_builtin_roles;

/// Generates the data set into an empty, migrated database.
pub async fn generate(db: &Db, cfg: &BenchConfig) -> DomainResult<Summary> {
    cfg.validate()?;
    let mut conn = db.pool().acquire().await?.detach();
    for table in ["users", "org_units", "customers", "product_lines", "contracts"] {
        let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM {table}"))).fetch_one(&mut conn).await?.try_get("n")?;
        if n > 0 {
            return Err(DomainError::Conflict("database_not_empty".into()));
        }
    }
    let dialect = db.dialect();
    // This connection is closed at the end, so its settings never reach the pool.
    match dialect {
        Dialect::Sqlite => {
            for pragma in ["PRAGMA foreign_keys = OFF", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -262144"] {
                exec(&mut conn, pragma).await?;
            }
        }
        Dialect::Postgres => {
            exec(&mut conn, "SET maintenance_work_mem = '256MB'").await?;
            // Foreign keys are not checked row by row while loading data generated consistent
            // (needs a superuser; otherwise they are checked, which is only slower).
            if exec(&mut conn, "SET session_replication_role = replica").await.is_err() {
                info("foreign keys stay checked during the load (not a superuser)".into());
            }
        }
    }
    let mut dropped = Vec::new();
    for table in BULK_TABLES.iter().chain(sales::BULK_TABLES) {
        for (name, def) in secondary_indexes(&mut conn, dialect, table).await? {
            exec(&mut conn, &format!("DROP INDEX {name}")).await?;
            dropped.push((name, def));
        }
    }
    let result = load(db, &mut conn, cfg).await;
    // Put the indexes back even when the load failed, so the schema stays whole.
    let started = Instant::now();
    info(format!("recreating {} indexes", dropped.len()));
    for (_, def) in &dropped {
        exec(&mut conn, def).await?;
    }
    let mut summary = result?;
    summary.timings.push(("indexes", started.elapsed().as_secs_f64()));
    let started = Instant::now();
    if dialect == Dialect::Postgres {
        for table in ID_TABLES.iter().chain(sales::ID_TABLES) {
            exec(&mut conn, &format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")).await?;
        }
        exec(&mut conn, "RESET session_replication_role").await.ok();
        // The dashboard's monthly sums are kept by triggers, which were off for the load.
        info("dashboard sums".into());
        exec(&mut conn, "SELECT report_rollup_rebuild()").await?;
        info("VACUUM ANALYZE".into());
        exec(&mut conn, "VACUUM ANALYZE").await?;
    } else {
        info("ANALYZE".into());
        exec(&mut conn, "ANALYZE").await?;
        exec(&mut conn, "PRAGMA wal_checkpoint(TRUNCATE)").await?;
    }
    summary.timings.push(("analyze", started.elapsed().as_secs_f64()));
    conn.close().await.ok();
    Ok(summary)
}

async fn load(db: &Db, conn: &mut sqlx::AnyConnection, cfg: &BenchConfig) -> DomainResult<Summary> {
    let dialect = db.dialect();
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let mut summary = Summary { password: BENCH_PASSWORD, ..Default::default() };
    let started = Instant::now();
    let p = org::plan(cfg, &mut rng);
    let hash = passwords::hash(BENCH_PASSWORD.to_string()).await?;
    let until = cfg.until_ms;
    let created = until - 3 * 365 * DAY_MS;

    let mut roles_tx = db.begin_write().await?;
    let roles = ensure_builtin_roles(&mut roles_tx).await?;
    roles_tx.commit().await?;
    let mut tx = conn.begin().await?;
    org::write_units(&mut tx, dialect, &p, created, &mut summary).await?;
    org::write_people(&mut tx, dialect, &p, &hash, &roles, created, &mut summary).await?;
    pools::write_pools(&mut tx, dialect, &p, created, &mut summary).await?;
    tx.commit().await?;
    summary.timings.push(("org, users, pools", started.elapsed().as_secs_f64()));
    info(format!(
        "{} units (depth {}), {} branches, {} users, {} pools in {:.1}s",
        summary.units, summary.max_depth, summary.branches, summary.users, summary.pools, started.elapsed().as_secs_f64()
    ));

    let started = Instant::now();
    customers::write_customers(conn, dialect, cfg, &p, &mut rng, &mut summary).await?;
    summary.timings.push(("customers and related rows", started.elapsed().as_secs_f64()));

    let started = Instant::now();
    sales::write_sales(conn, dialect, cfg, &p, &mut rng, &mut summary).await?;
    summary.timings.push(("contracts, receivables and receipts", started.elapsed().as_secs_f64()));
    let opportunities_started = Instant::now();
    opportunities::write_opportunities(conn, dialect, cfg, &mut summary).await?;
    summary.timings.push(("opportunities", opportunities_started.elapsed().as_secs_f64()));
    info(format!(
        "{} products, {} contracts ({} lines, {} instalments), {} receivables ({} overdue), {} receipts in {:.1}s",
        summary.products, summary.contracts, summary.contract_lines, summary.instalments, summary.receivables, summary.overdue, summary.receipts,
        started.elapsed().as_secs_f64()
    ));
    Ok(summary)
}
