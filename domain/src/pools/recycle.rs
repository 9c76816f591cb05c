//! The recycle job: held customers left too long without a follow-up or a deal go back to their
//! pool, and their owners are reminded ahead of time. Idempotent.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use super::config::get_pool_settings;
use super::moves::{event, history, return_to_pool_tx};
use super::rules::route_on;
use crate::clock::DAY_MS;
use crate::db::Db;
use crate::error::DomainResult;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecycleReport {
    pub recycled: Vec<i64>,
    pub reminded: Vec<i64>,
}

/// The recycle job: returns held customers whose pool's rules say they were left too long, and
/// reminds owners ahead of time. Running it twice changes nothing the second time.
pub async fn recycle(db: &Db, now: i64) -> DomainResult<RecycleReport> {
    let mut report = RecycleReport::default();
    let held = sqlx::query(
        "SELECT id, owner_id, level, owned_since, last_follow_up_at, last_deal_at, open_deals FROM customers \
         WHERE owner_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    let mut conn = db.pool().acquire().await?;
    for c in held {
        let id: i64 = c.try_get("id")?;
        let Some(pool) = route_on(&mut conn, id).await? else { continue };
        let p = get_pool_settings(&mut conn, pool).await?;
        let level: String = c.try_get("level")?;
        let (followup_days, deal_days) = p
            .levels
            .iter()
            .find(|(l, _, _)| *l == level)
            .map(|(_, a, b)| (*a, *b))
            .unwrap_or((p.recycle_no_followup_days, p.recycle_no_deal_days));
        if p.skip_if_open_deal && c.try_get::<i64, _>("open_deals")? > 0 {
            continue;
        }
        let since = c.try_get::<Option<i64>, _>("owned_since")?.unwrap_or(0);
        let last_touch = c.try_get::<Option<i64>, _>("last_follow_up_at")?.unwrap_or(0).max(since);
        let last_deal = c.try_get::<Option<i64>, _>("last_deal_at")?.unwrap_or(0).max(since);
        let due = [(followup_days, last_touch, "no_follow_up"), (deal_days, last_deal, "no_deal")]
            .into_iter()
            .filter(|(days, _, _)| *days > 0)
            .map(|(days, from, why)| (from + days * DAY_MS, why))
            .min_by_key(|(at, _)| *at);
        let Some((due_at, why)) = due else { continue };
        let owner: i64 = c.try_get("owner_id")?;
        if due_at <= now {
            let mut tx = db.begin_write().await?;
            // Re-check inside the write: the owner may have followed up or released meanwhile.
            let still = sqlx::query("SELECT owner_id, last_follow_up_at FROM customers WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
            if still.try_get::<Option<i64>, _>("owner_id")? == Some(owner)
                && still.try_get::<Option<i64>, _>("last_follow_up_at")? == c.try_get::<Option<i64>, _>("last_follow_up_at")?
            {
                return_to_pool_tx(&mut tx, id, owner, None, "recycle", Some(why)).await?;
                tx.commit().await?;
                report.recycled.push(id);
            }
        } else if p.remind_days_before > 0 && due_at - p.remind_days_before * DAY_MS <= now {
            // One reminder per holding: none yet since the owner got it (or last followed up).
            let already = sqlx::query(
                "SELECT id FROM events WHERE kind = 'pool.recycle_reminder' AND object = 'customer' AND record_id = $1 AND target_user_id = $2 AND at >= $3",
            )
            .bind(id)
            .bind(owner)
            .bind(last_touch.min(last_deal))
            .fetch_optional(&mut *conn)
            .await?;
            if already.is_none() {
                let mut tx = db.begin_write().await?;
                event(&mut tx, "pool.recycle_reminder", id, None, Some(owner), json!({"due_at": due_at, "reason": why})).await?;
                history(&mut tx, id, None, "recycle_reminder", Some(why), None, Some(due_at.to_string())).await?;
                tx.commit().await?;
                report.reminded.push(id);
            }
        }
    }
    Ok(report)
}
