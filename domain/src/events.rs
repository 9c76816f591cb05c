//! Changes others may care about. Each is written as a row of `events` in the same transaction as
//! the change, so an event exists exactly when its change was committed; live delivery reads them
//! from the table. The people an event is addressed to — the person it names (a new owner, the
//! mentioned, the assignee) and the record's owner — get a notification row with it, unless they
//! caused it themselves.
//!
//! Event ids follow commit order: on PostgreSQL, writers take a transaction-scoped advisory lock
//! before inserting an event (SQLite has one writer anyway). A client that has seen event N has
//! therefore seen every committed event before N, and catching up means reading ids after N.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{AnyConnection, Row};

use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::DomainResult;
use crate::objects::ObjectType;

/// The PostgreSQL channel NOTIFY uses; the payload is the event id only.
pub const CHANNEL: &str = "crm_events";
/// Any constant works: every event writer takes the same transaction-scoped lock.
const ORDER_LOCK: i64 = 7_041_001;

/// Event kinds after which the live policy must be reloaded: the org tree, a user, a role or a
/// pool changed.
pub const POLICY_CHANGED: &str = "policy.changed";
/// Sessions ended (sign-out, a disabled user, a new password): their live connections close at
/// once. The payload names the session when only one ended.
pub const SESSIONS_ENDED: &str = "sessions.ended";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    pub object: String,
    pub record_id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub target_user_id: Option<i64>,
    pub payload: Value,
}

/// The notification group an event kind belongs to (what users switch on and off), if it is one
/// people are told about.
pub fn category(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "customer.assign" | "lead.assign" | "customer.transfer" | "record.transfer" => "assigned",
        "pool.release" | "pool.recycle" | "pool.recycle_reminder" | "pool.claim" => "pool",
        "customer.follow_up" | "customer.update" | "customer.note" | "customer.assessment" | "customer.contact" | "lead.follow_up"
        | "lead.convert" | "lead.disqualify" => "activity",
        "task.assigned" | "task.updated" | "task.done" | "task.due" => "tasks",
        "comment.created" => "comments",
        "mention" => "mentions",
        "share.granted" => "shares",
        "approval.waiting" | "approval.reminder" | "approval.escalated" | "approval.decided" | "approval.finished" => "approvals",
        "contract.signed" | "receipt.recorded" | "receipt.reversed" | "receivable.overdue" | "invoice.requested" | "invoice.issued"
        | "invoice.rejected" | "opportunity.stage" => "sales",
        "ticket.assigned" | "ticket.updated" | "ticket.sla_breached" => "service",
        _ => return None,
    })
}

pub const CATEGORIES: &[&str] = &["assigned", "pool", "activity", "tasks", "comments", "mentions", "shares", "approvals", "sales", "service"];

/// Writes one event and its notifications. `target_user` names the person it is addressed to,
/// when there is one (the new owner of an assigned record, the person reminded or mentioned).
pub async fn write(
    tx: &mut Tx,
    kind: &str,
    object: ObjectType,
    record_id: i64,
    actor_id: Option<i64>,
    target_user: Option<i64>,
    payload: Value,
) -> DomainResult<i64> {
    let postgres = tx.backend_name() == "PostgreSQL";
    if postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(ORDER_LOCK).execute(&mut **tx).await?;
    }
    let now = now_ms();
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO events (at, kind, object, record_id, actor_id, target_user_id, payload) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(now)
    .bind(kind)
    .bind(object.as_str())
    .bind(record_id)
    .bind(actor_id)
    .bind(target_user)
    .bind(payload.to_string())
    .fetch_one(&mut **tx)
    .await?;
    if category(kind).is_some() {
        let mut told = Vec::new();
        for user in [target_user, owner_of(tx, object, record_id).await?].into_iter().flatten() {
            if Some(user) != actor_id && !told.contains(&user) {
                told.push(user);
                sqlx::query("INSERT INTO notifications (user_id, event_id, created_at) VALUES ($1, $2, $3)")
                    .bind(user)
                    .bind(id)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
            }
        }
    }
    if postgres {
        // Delivered at commit, to every instance listening.
        sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(id.to_string()).execute(&mut **tx).await?;
    }
    Ok(id)
}

/// The current owner of a record, for records that have one.
async fn owner_of(conn: &mut AnyConnection, object: ObjectType, record_id: i64) -> DomainResult<Option<i64>> {
    let sql = match crate::records::table_of(object).map(|t| t.table) {
        Some("customers") => "SELECT owner_id FROM customers WHERE id = $1",
        Some("leads") => "SELECT owner_id FROM leads WHERE id = $1",
        Some("tasks") => "SELECT owner_id FROM tasks WHERE id = $1",
        Some("contracts") => "SELECT owner_id FROM contracts WHERE id = $1",
        Some("receivables") => "SELECT owner_id FROM receivables WHERE id = $1",
        Some("tickets") => "SELECT owner_id FROM tickets WHERE id = $1",
        Some("quotes") => "SELECT owner_id FROM quotes WHERE id = $1",
        Some("opportunities") => "SELECT owner_id FROM opportunities WHERE id = $1",
        _ => return Ok(None),
    };
    Ok(sqlx::query(sql).bind(record_id).fetch_optional(&mut *conn).await?.and_then(|r| r.try_get::<Option<i64>, _>("owner_id").ok().flatten()))
}

/// Tells the live delivery that permissions changed (written with the change).
pub async fn policy_changed(tx: &mut Tx, actor_id: Option<i64>, what: &str) -> DomainResult<()> {
    write(tx, POLICY_CHANGED, ObjectType::Admin, 0, actor_id, None, serde_json::json!({ "what": what })).await?;
    Ok(())
}

fn event_from_row(r: &sqlx::any::AnyRow) -> DomainResult<Event> {
    let payload: String = r.try_get("payload")?;
    Ok(Event {
        id: r.try_get("id")?,
        at: r.try_get("at")?,
        kind: r.try_get("kind")?,
        object: r.try_get("object")?,
        record_id: r.try_get("record_id")?,
        actor_id: r.try_get("actor_id")?,
        actor_name: r.try_get("actor_name")?,
        target_user_id: r.try_get("target_user_id")?,
        payload: serde_json::from_str(&payload).unwrap_or(Value::Null),
    })
}

/// Events after `after_id`, oldest first, at most `limit`.
pub async fn since(db: &Db, after_id: i64, limit: i64) -> DomainResult<Vec<Event>> {
    let rows = sqlx::query(
        "SELECT e.id, e.at, e.kind, e.object, e.record_id, e.actor_id, u.display_name AS actor_name, e.target_user_id, e.payload \
         FROM events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.id > $1 ORDER BY e.id LIMIT $2",
    )
    .bind(after_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(event_from_row).collect()
}

/// The newest event id (0 when there is none).
pub async fn last_id(db: &Db) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT COALESCE(MAX(id), 0) AS n FROM events").fetch_one(db.pool()).await?.try_get("n")?)
}

/// The users told about an event.
pub async fn notified(db: &Db, event_id: i64) -> DomainResult<Vec<i64>> {
    sqlx::query("SELECT user_id FROM notifications WHERE event_id = $1")
        .bind(event_id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>("user_id").map_err(Into::into))
        .collect()
}
