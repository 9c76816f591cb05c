//! Opportunities at scale: three in ten held customers carry one, owned by the customer's holder
//! in the customer's unit, spread evenly over the six default stages, with an expected close date
//! from three months before the end of the period to six months after it and an amount from
//! ¥1,000 to ¥500,000. Written by one INSERT … SELECT over the customers (ids and values derived
//! from the customer id, so the same data set comes out on both engines).

use std::time::Instant;

use sqlx::AnyConnection;

use super::bulk::{exec, info};
use super::config::{BenchConfig, Summary};
use crate::clock::DAY_MS;
use crate::db::Dialect;
use crate::error::DomainResult;

pub(super) async fn write_opportunities(conn: &mut AnyConnection, dialect: Dialect, cfg: &BenchConfig, summary: &mut Summary) -> DomainResult<()> {
    let started = Instant::now();
    let until = cfg.until_ms;
    // Days from the end of the period to the expected close: -90 … +179.
    let close_ms = format!("({until} + ((c.id * 37) % 270 - 90) * {DAY_MS})");
    let close = match dialect {
        Dialect::Sqlite => format!("date({close_ms} / 1000, 'unixepoch')"),
        Dialect::Postgres => format!("to_char(to_timestamp({close_ms} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
    };
    let sql = format!(
        "INSERT INTO opportunities (customer_id, name, amount_minor, currency, stage, stage_id, expected_close, competitors, lost_reason, \
           owner_id, unit_id, created_at, updated_at, created_by) \
         SELECT c.id, '商机 ' || CAST(c.id AS TEXT), (1 + (c.id * 7919) % 500) * 100000, 'CNY', \
           s.outcome, s.id, {close}, '', CASE s.outcome WHEN 'lost' THEN '预算取消' ELSE '' END, \
           c.owner_id, c.unit_id, {until} - (c.id % 365) * {DAY_MS}, {until} - (c.id % 90) * {DAY_MS}, c.owner_id \
         FROM customers c JOIN opportunity_stages s ON s.position = 1 + (c.id * 11) % 6 \
         WHERE c.owner_id IS NOT NULL AND (c.id * 13) % 10 < 3 ORDER BY c.id"
    );
    exec(conn, &sql).await?;
    let n: i64 = sqlx::Row::try_get(&sqlx::query("SELECT COUNT(*) AS n FROM opportunities").fetch_one(&mut *conn).await?, "n")?;
    summary.opportunities = n as usize;
    info(format!("{n} opportunities in {:.1}s", started.elapsed().as_secs_f64()));
    Ok(())
}
