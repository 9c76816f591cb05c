//! Comments on any record, for discussion across departments, with @mentions. Whoever may read
//! the record may comment and read the comments. A mention tells the mentioned person at once —
//! but only people who may read the record can be mentioned: mentioning anyone else is refused
//! with their name, so the record is not leaked to them.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::events;
use crate::objects::{Action, ObjectType};
use crate::policy::{decide_on, require_on};

const MAX_CHARS: usize = 4000;
const MAX_MENTIONS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: i64,
    pub author_id: i64,
    pub author: String,
    pub body: String,
    pub mentions: Vec<(i64, String)>,
    pub at: i64,
}

/// Adds a comment mentioning `mentions` (user ids picked in the editor). Refused whole, naming the
/// first person, when a mentioned user is unknown, inactive, or may not read the record.
pub async fn add(db: &Db, actor: &Actor, object: ObjectType, record_id: i64, body: &str, mentions: &[i64]) -> DomainResult<i64> {
    let body = body.trim();
    if body.is_empty() {
        return Err(DomainError::invalid("comment", "required"));
    }
    if body.chars().count() > MAX_CHARS {
        return Err(DomainError::invalid("comment", "too_long"));
    }
    let mut mentioned: Vec<i64> = mentions.to_vec();
    mentioned.sort_unstable();
    mentioned.dedup();
    if mentioned.len() > MAX_MENTIONS {
        return Err(DomainError::invalid("mentions", "too_many"));
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, object, Action::Read, record_id).await?;
    for user in &mentioned {
        let name: Option<String> = sqlx::query("SELECT display_name FROM users WHERE id = $1 AND active = 1")
            .bind(*user)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("display_name"))
            .transpose()?;
        let Some(name) = name else { return Err(DomainError::invalid("mentions", "unknown_user")) };
        let them = crate::policy::Actor::load_on(&mut tx, *user).await?;
        if !decide_on(&mut tx, &them, object, Action::Read, record_id).await?.allowed {
            return Err(DomainError::MentionNotAllowed { name });
        }
    }
    let now = now_ms();
    let id: i64 = sqlx::query("INSERT INTO comments (object, record_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(object.as_str())
        .bind(record_id)
        .bind(actor.user_id)
        .bind(body)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
    for user in &mentioned {
        sqlx::query("INSERT INTO comment_mentions (comment_id, user_id) VALUES ($1, $2)").bind(id).bind(*user).execute(&mut *tx).await?;
    }
    events::write(&mut tx, "comment.created", object, record_id, Some(actor.user_id), None, json!({ "comment_id": id })).await?;
    for user in &mentioned {
        if *user != actor.user_id {
            events::write(&mut tx, "mention", object, record_id, Some(actor.user_id), Some(*user), json!({ "comment_id": id })).await?;
        }
    }
    tx.commit().await?;
    Ok(id)
}

/// The comments on a record the actor may read, oldest first.
pub async fn list(db: &Db, actor: &Actor, object: ObjectType, record_id: i64) -> DomainResult<Vec<Comment>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, object, Action::Read, record_id).await?;
    let rows = sqlx::query(
        "SELECT c.id, c.author_id, u.display_name, c.body, c.created_at FROM comments c JOIN users u ON u.id = c.author_id \
         WHERE c.object = $1 AND c.record_id = $2 ORDER BY c.id LIMIT 500",
    )
    .bind(object.as_str())
    .bind(record_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let mentions = sqlx::query("SELECT m.user_id, u.display_name FROM comment_mentions m JOIN users u ON u.id = m.user_id WHERE m.comment_id = $1 ORDER BY u.display_name")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|m| Ok((m.try_get("user_id")?, m.try_get("display_name")?)))
            .collect::<DomainResult<Vec<_>>>()?;
        out.push(Comment { id, author_id: r.try_get("author_id")?, author: r.try_get("display_name")?, body: r.try_get("body")?, mentions, at: r.try_get("created_at")? });
    }
    Ok(out)
}

/// People the actor may mention, for the editor's autocomplete: active users whose name or login
/// starts with or contains `prefix`.
pub async fn mention_candidates(db: &Db, _actor: &Actor, prefix: &str, limit: i64) -> DomainResult<Vec<(i64, String, String)>> {
    let p = prefix.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, o.name AS unit FROM users u JOIN org_units o ON o.id = u.primary_unit_id \
         WHERE u.active = 1 AND (LOWER(u.display_name) LIKE $1 ESCAPE '\\' OR LOWER(u.login) LIKE $1 ESCAPE '\\') \
         ORDER BY u.display_name LIMIT $2",
    )
    .bind(format!("%{p}%"))
    .bind(limit.clamp(1, 20))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("display_name")?, r.try_get("unit")?))).collect()
}
