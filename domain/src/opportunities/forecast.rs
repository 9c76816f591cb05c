//! The forecast: what the opportunities a reader may see are expected to bring, per month of
//! their expected close date and per unit, in each currency; unweighted, and weighted by their
//! stage's win probability (won ones count in full, lost ones not at all).

use sqlx::Row;

use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType};
use crate::policy::record_filter;

pub use domain_types::opportunities::ForecastRow;

/// "YYYY-MM" as (year, month).
pub fn parse_month(text: &str) -> DomainResult<(i64, i64)> {
    let bad = || DomainError::invalid("month", "format");
    let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let (y, m): (i64, i64) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) || !(1970..=9999).contains(&y) {
        return Err(bad());
    }
    Ok((y, m))
}

/// The first day of the month `offset` months after (year, month), as YYYY-MM-01.
fn month_start(year: i64, month: i64, offset: i64) -> String {
    let index = year * 12 + (month - 1) + offset;
    format!("{:04}-{:02}-01", index / 12, index % 12 + 1)
}

/// An amount weighted by a probability in basis points, rounded down, without overflowing for
/// any amount an opportunity may hold.
pub fn weighted(amount_minor: i64, probability_bp: i64) -> i64 {
    amount_minor / 10_000 * probability_bp + amount_minor % 10_000 * probability_bp / 10_000
}

/// The forecast for `months` months from `from_month` (YYYY-MM), ordered by month, unit, currency.
pub async fn forecast(db: &Db, actor: &Actor, from_month: &str, months: i64) -> DomainResult<Vec<ForecastRow>> {
    const OBJECT: ObjectType = ObjectType::Opportunity;
    if !actor.grants.can(OBJECT, Action::Read) {
        return Err(DomainError::Forbidden);
    }
    let (y, m) = parse_month(from_month)?;
    let months = months.clamp(1, 24);
    let f = record_filter(actor, OBJECT, Action::Read, "p", 1, now_ms());
    let n = f.next_param(1);
    let amounts = actor.fields.can_read(OBJECT, "amount_minor");
    let sql = format!(
        "SELECT SUBSTR(p.expected_close, 1, 7) AS month, p.unit_id, o.name AS unit_name, p.currency, COUNT(*) AS n, \
         CAST(SUM(p.amount_minor) AS BIGINT) AS unweighted, \
         CAST(SUM(p.amount_minor / 10000 * s.probability_bp + p.amount_minor % 10000 * s.probability_bp / 10000) AS BIGINT) AS weighted \
         FROM opportunities p JOIN opportunity_stages s ON s.id = p.stage_id JOIN org_units o ON o.id = p.unit_id \
         WHERE {} AND p.stage <> 'lost' AND p.expected_close >= ${n} AND p.expected_close < ${} \
         GROUP BY SUBSTR(p.expected_close, 1, 7), p.unit_id, o.name, p.currency ORDER BY month, o.name, p.unit_id, p.currency",
        f.sql,
        n + 1
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in f.binds {
        query = query.bind(b);
    }
    let rows = query.bind(month_start(y, m, 0)).bind(month_start(y, m, months)).fetch_all(db.pool()).await?;
    rows.iter()
        .map(|r| {
            Ok(ForecastRow {
                month: r.try_get("month")?,
                unit_id: r.try_get("unit_id")?,
                unit_name: r.try_get("unit_name")?,
                currency: r.try_get("currency")?,
                count: r.try_get("n")?,
                // Readers who may not see amounts get the counts only.
                unweighted_minor: if amounts { r.try_get("unweighted")? } else { 0 },
                weighted_minor: if amounts { r.try_get("weighted")? } else { 0 },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_weights() {
        assert_eq!(parse_month("2026-12").unwrap(), (2026, 12));
        for bad in ["2026-13", "2026-1", "26-01", "2026/01", ""] {
            assert!(parse_month(bad).is_err(), "{bad}");
        }
        assert_eq!(month_start(2026, 12, 0), "2026-12-01");
        assert_eq!(month_start(2026, 12, 1), "2027-01-01");
        assert_eq!(month_start(2026, 1, 23), "2027-12-01");
        assert_eq!(weighted(12_345, 3_000), 12_345 * 3_000 / 10_000);
        assert_eq!(weighted(1_000_000_000_000_000, 6_000), 600_000_000_000_000);
        assert_eq!(weighted(99, 10_000), 99);
    }
}
