//! The notification centre: what each user was told about (written with the event), read or not,
//! and which groups they want. A notification about a record the user may no longer read is not
//! shown: the policy decides at reading time, not only when it was written.

use sqlx::Row;

use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::events::{category, CATEGORIES};
use crate::objects::{Action, ObjectType};
use crate::policy::decide_on;

pub use domain_types::notifications::Notification;

/// The groups the user switched off.
async fn muted(db: &Db, user_id: i64) -> DomainResult<Vec<String>> {
    sqlx::query("SELECT kind FROM notification_settings WHERE user_id = $1 AND enabled = 0")
        .bind(user_id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("kind").map_err(DomainError::from))
        .collect()
}

/// The name of a record, for a heading.
pub async fn title_of(conn: &mut sqlx::AnyConnection, object: ObjectType, record_id: i64) -> DomainResult<String> {
    let sql = match object {
        ObjectType::Customer => "SELECT name AS title FROM customers WHERE id = $1",
        ObjectType::Task => "SELECT title FROM tasks WHERE id = $1",
        ObjectType::Lead => "SELECT CASE WHEN company = '' THEN name ELSE company END AS title FROM leads WHERE id = $1",
        ObjectType::Opportunity => "SELECT name AS title FROM opportunities WHERE id = $1",
        ObjectType::Approval => "SELECT title FROM approval_documents WHERE id = $1",
        ObjectType::Quote => "SELECT number || ' ' || title AS title FROM quotes WHERE id = $1",
        ObjectType::Ticket => "SELECT title FROM tickets WHERE id = $1",
        ObjectType::Contract => "SELECT number || ' ' || title AS title FROM contracts WHERE id = $1",
        ObjectType::Receivable => "SELECT k.number || ' ' || k.title AS title FROM receivables r JOIN contracts k ON k.id = r.contract_id WHERE r.id = $1",
        _ => return Ok(String::new()),
    };
    Ok(sqlx::query(sql).bind(record_id).fetch_optional(&mut *conn).await?.map(|r| r.try_get("title")).transpose()?.unwrap_or_default())
}

/// Whether the user may read the record an event is about.
async fn may_read(conn: &mut sqlx::AnyConnection, actor: &Actor, object: ObjectType, record_id: i64) -> DomainResult<bool> {
    match decide_on(conn, actor, object, Action::Read, record_id).await {
        Ok(d) => Ok(d.allowed),
        Err(DomainError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The actor's notifications, newest first, before `before_id`, in the groups they want and about
/// records they may still read.
pub async fn list(db: &Db, actor: &Actor, before_id: Option<i64>, limit: i64) -> DomainResult<Vec<Notification>> {
    let muted = muted(db, actor.user_id).await?;
    let limit = limit.clamp(1, 100);
    let mut out = Vec::new();
    let mut before = before_id.unwrap_or(i64::MAX);
    let mut conn = db.pool().acquire().await?;
    // Some rows may be filtered out: read further until the page is full or nothing is left.
    loop {
        let rows = sqlx::query(
            "SELECT n.id, n.event_id, n.read_at, e.kind, e.object, e.record_id, e.at, u.display_name AS actor_name \
             FROM notifications n JOIN events e ON e.id = n.event_id LEFT JOIN users u ON u.id = e.actor_id \
             WHERE n.user_id = $1 AND n.id < $2 ORDER BY n.id DESC LIMIT $3",
        )
        .bind(actor.user_id)
        .bind(before)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        let exhausted = (rows.len() as i64) < limit;
        for r in rows {
            let id: i64 = r.try_get("id")?;
            before = id;
            let kind: String = r.try_get("kind")?;
            if category(&kind).is_some_and(|c| muted.iter().any(|m| m == c)) {
                continue;
            }
            let Some(object) = ObjectType::parse(&r.try_get::<String, _>("object")?) else { continue };
            let record_id: i64 = r.try_get("record_id")?;
            if !may_read(&mut conn, actor, object, record_id).await? {
                continue;
            }
            out.push(Notification {
                id,
                event_id: r.try_get("event_id")?,
                kind,
                object: object.as_str().to_string(),
                record_id,
                title: title_of(&mut conn, object, record_id).await?,
                actor_name: r.try_get("actor_name")?,
                at: r.try_get("at")?,
                read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
            });
            if out.len() as i64 == limit {
                return Ok(out);
            }
        }
        if exhausted {
            return Ok(out);
        }
    }
}

/// How many unread notifications the actor would see; counted up to `cap` + 1.
pub async fn unread_count(db: &Db, actor: &Actor, cap: i64) -> DomainResult<i64> {
    let muted = muted(db, actor.user_id).await?;
    let rows = sqlx::query(
        "SELECT e.kind, e.object, e.record_id FROM notifications n JOIN events e ON e.id = n.event_id \
         WHERE n.user_id = $1 AND n.read_at IS NULL ORDER BY n.id DESC LIMIT $2",
    )
    .bind(actor.user_id)
    .bind(cap * 2 + 1)
    .fetch_all(db.pool())
    .await?;
    let mut conn = db.pool().acquire().await?;
    let mut n = 0;
    for r in rows {
        let kind: String = r.try_get("kind")?;
        if category(&kind).is_some_and(|c| muted.iter().any(|m| m == c)) {
            continue;
        }
        let Some(object) = ObjectType::parse(&r.try_get::<String, _>("object")?) else { continue };
        if may_read(&mut conn, actor, object, r.try_get("record_id")?).await? {
            n += 1;
            if n > cap {
                break;
            }
        }
    }
    Ok(n)
}

/// Marks some of the actor's notifications read; others' are untouched.
pub async fn mark_read(db: &Db, actor: &Actor, ids: &[i64]) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    for id in ids {
        sqlx::query("UPDATE notifications SET read_at = $3 WHERE id = $1 AND user_id = $2 AND read_at IS NULL")
            .bind(*id)
            .bind(actor.user_id)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn mark_all_read(db: &Db, actor: &Actor) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL").bind(actor.user_id).bind(now_ms()).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Every group with whether the actor wants it.
pub async fn settings(db: &Db, actor: &Actor) -> DomainResult<Vec<(String, bool)>> {
    let muted = muted(db, actor.user_id).await?;
    Ok(CATEGORIES.iter().map(|c| (c.to_string(), !muted.iter().any(|m| m == c))).collect())
}

pub async fn set_setting(db: &Db, actor: &Actor, kind: &str, enabled: bool) -> DomainResult<()> {
    let Some(kind) = CATEGORIES.iter().find(|c| **c == kind) else { return Err(DomainError::invalid("kind", "unknown_kind")) };
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM notification_settings WHERE user_id = $1 AND kind = $2").bind(actor.user_id).bind(*kind).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO notification_settings (user_id, kind, enabled) VALUES ($1, $2, $3)")
        .bind(actor.user_id)
        .bind(*kind)
        .bind(enabled as i64)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether a user wants notifications of an event kind (for live delivery).
pub async fn wants(db: &Db, user_id: i64, kind: &str) -> DomainResult<bool> {
    let Some(c) = category(kind) else { return Ok(false) };
    Ok(!muted(db, user_id).await?.iter().any(|m| m == c))
}
