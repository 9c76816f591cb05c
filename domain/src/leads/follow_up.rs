//! Following up a lead: calls, visits, e-mails and messages logged by whoever may work on it. The
//! first follow-up moves the lead to "following"; each one stamps the last follow-up time.

use serde_json::json;
use sqlx::Row;

use super::record::{closed_conflict, event, is_closed, lock_lead, OBJECT};
use crate::acting::Actor;
use crate::activity::check_follow_up;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::DomainResult;
use crate::objects::Action;
use crate::policy::require_on;

pub use domain_types::leads::LeadFollowUp;

/// Logs a follow-up on a lead the actor may update. Converted and disqualified leads take none.
pub async fn log_follow_up(db: &Db, actor: &Actor, lead_id: i64, kind: &str, note: &str, next_at: Option<i64>) -> DomainResult<i64> {
    let note = check_follow_up(kind, note)?;
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, lead_id).await?;
    let (status, _) = lock_lead(&mut tx, db, lead_id).await?;
    if is_closed(&status) {
        return Err(closed_conflict(&status));
    }
    let now = now_ms();
    let id: i64 = sqlx::query(
        "INSERT INTO lead_follow_ups (lead_id, kind, note, next_at, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(lead_id)
    .bind(kind)
    .bind(note)
    .bind(next_at)
    .bind(now)
    .bind(actor.user_id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    sqlx::query(
        "UPDATE leads SET status = CASE WHEN status IN ('new', 'assigned') THEN 'following' ELSE status END, \
         first_follow_up_at = COALESCE(first_follow_up_at, $2), last_follow_up_at = $2, updated_at = $2 WHERE id = $1",
    )
    .bind(lead_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    event(&mut tx, "lead.follow_up", lead_id, Some(actor.user_id), None, json!({"kind": kind})).await?;
    tx.commit().await?;
    Ok(id)
}

/// The follow-ups of a lead the actor may read, newest first.
pub async fn follow_ups(db: &Db, actor: &Actor, lead_id: i64) -> DomainResult<Vec<LeadFollowUp>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, lead_id).await?;
    let rows = sqlx::query(
        "SELECT f.id, f.created_at, u.display_name, f.kind, f.note, f.next_at FROM lead_follow_ups f \
         LEFT JOIN users u ON u.id = f.created_by WHERE f.lead_id = $1 ORDER BY f.created_at DESC, f.id DESC",
    )
    .bind(lead_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LeadFollowUp {
                id: r.try_get("id")?,
                at: r.try_get("created_at")?,
                who: r.try_get("display_name")?,
                kind: r.try_get("kind")?,
                note: r.try_get("note")?,
                next_at: r.try_get("next_at")?,
            })
        })
        .collect()
}
