//! The pools: one per branch, with entry rules by province (and city), recycling off.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::bulk::Inserter;
use super::config::Summary;
use super::org::Plan;
use super::vocabulary::CITIES;
use crate::db::Dialect;
use crate::error::DomainResult;

/// Writes the pools and their entry rules.
pub(super) async fn write_pools(conn: &mut AnyConnection, dialect: Dialect, p: &Plan, created: i64, summary: &mut Summary) -> DomainResult<()> {
    // One pool per branch, entered by province (and by city where a province has several branches).
    let mut province_branches: BTreeMap<&str, usize> = BTreeMap::new();
    for b in &p.branches {
        *province_branches.entry(CITIES[b.city].1).or_default() += 1;
    }
    let mut pools = Inserter::new(dialect, "pools", &["id", "unit_id", "name", "name_en", "max_held_per_user", "max_claims_per_day", "cooldown_days",
        "recycle_no_followup_days", "recycle_no_deal_days", "skip_if_open_deal", "remind_days_before", "active", "created_at", "updated_at"]);
    let mut rules = Inserter::new(dialect, "pool_entry_rules", &["id", "pool_id", "field", "value", "priority"]);
    let mut rule_id = 0i64;
    for (i, b) in p.branches.iter().enumerate() {
        let (_, province, city, _) = CITIES[b.city];
        let pool = i as i64 + 1;
        // Recycling stays off: a server started on this data would otherwise move many thousands.
        let row = [pool.into(), (b.unit as i64 + 1).into(), format!("{}公海", p.units[b.unit].name.trim_end_matches("分公司")).into(),
            format!("Pool {}", i + 1).into(), 500i64.into(), 20i64.into(), 7i64.into(), 0i64.into(), 0i64.into(), 1i64.into(), 0i64.into(),
            1i64.into(), created.into(), created.into()];
        pools.push(row);
        rule_id += 1;
        rules.push([rule_id.into(), pool.into(), "province".into(), province.into(), 10i64.into()]);
        if province_branches[province] > 1 {
            rule_id += 1;
            rules.push([rule_id.into(), pool.into(), "city".into(), city.into(), 5i64.into()]);
        }
    }
    pools.flush(conn).await?;
    rules.flush(conn).await?;
    summary.pools = p.branches.len();
    Ok(())
}
