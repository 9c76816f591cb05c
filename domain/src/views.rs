//! Saved list views: each user names their own combinations of filters, sort and columns per kind
//! of record; the list also remembers where each user left it. Views are private to their owner.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::ObjectType;

pub use domain_types::lists::ListFilter;

/// The kind of record a sales or service list shows ("contracts", "receivables", "tickets",
/// "opportunities"), whose saved views are kept under it.
pub fn object_of_list(list: &str) -> DomainResult<ObjectType> {
    crate::exports::object_of(list).ok_or(DomainError::NotFound)
}

/// The reserved name under which a list's last state is kept.
const LAST_STATE: &str = "";
const MAX_VIEWS: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView<T> {
    pub id: i64,
    pub name: String,
    pub spec: T,
}

fn view_name(name: &str) -> DomainResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid("name", "required"));
    }
    if name.chars().count() > 60 {
        return Err(DomainError::invalid("name", "too_long"));
    }
    Ok(name.to_string())
}

async fn upsert(db: &Db, actor: &Actor, object: ObjectType, name: &str, spec: String) -> DomainResult<i64> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let existing = sqlx::query("SELECT id FROM saved_views WHERE user_id = $1 AND object = $2 AND name = $3")
        .bind(actor.user_id)
        .bind(object.as_str())
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
    let id = match existing {
        Some(r) => {
            let id: i64 = r.try_get("id")?;
            sqlx::query("UPDATE saved_views SET spec = $2, updated_at = $3 WHERE id = $1").bind(id).bind(&spec).bind(now).execute(&mut *tx).await?;
            id
        }
        None => {
            let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM saved_views WHERE user_id = $1 AND object = $2")
                .bind(actor.user_id)
                .bind(object.as_str())
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
            if count > MAX_VIEWS {
                return Err(DomainError::LimitReached { what: "views", limit: MAX_VIEWS });
            }
            sqlx::query(
                "INSERT INTO saved_views (user_id, object, name, spec, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(actor.user_id)
            .bind(object.as_str())
            .bind(name)
            .bind(&spec)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?
        }
    };
    tx.commit().await?;
    Ok(id)
}

fn encode<T: Serialize>(spec: &T) -> DomainResult<String> {
    serde_json::to_string(spec).map_err(|e| DomainError::Internal(e.to_string()))
}

/// Saves (or overwrites) the actor's view of this name.
pub async fn save<T: Serialize>(db: &Db, actor: &Actor, object: ObjectType, name: &str, spec: &T) -> DomainResult<i64> {
    let name = view_name(name)?;
    upsert(db, actor, object, &name, encode(spec)?).await
}

/// The actor's named views of a kind of record, by name. Views whose stored form no longer reads
/// (after an upgrade) are left out rather than failing the list.
pub async fn list<T: DeserializeOwned>(db: &Db, actor: &Actor, object: ObjectType) -> DomainResult<Vec<SavedView<T>>> {
    let rows = sqlx::query("SELECT id, name, spec FROM saved_views WHERE user_id = $1 AND object = $2 AND name <> '' ORDER BY name")
        .bind(actor.user_id)
        .bind(object.as_str())
        .fetch_all(db.pool())
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let spec: String = r.try_get("spec")?;
        if let Ok(spec) = serde_json::from_str(&spec) {
            out.push(SavedView { id: r.try_get("id")?, name: r.try_get("name")?, spec });
        }
    }
    Ok(out)
}

/// Deletes one of the actor's views; someone else's view does not exist for them.
pub async fn delete(db: &Db, actor: &Actor, id: i64) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query("DELETE FROM saved_views WHERE id = $1 AND user_id = $2 AND name <> ''")
        .bind(id)
        .bind(actor.user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(DomainError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Remembers the state a user left a list in.
pub async fn remember<T: Serialize>(db: &Db, actor: &Actor, object: ObjectType, spec: &T) -> DomainResult<()> {
    upsert(db, actor, object, LAST_STATE, encode(spec)?).await.map(|_| ())
}

/// The state the user left the list in, if any.
pub async fn last<T: DeserializeOwned>(db: &Db, actor: &Actor, object: ObjectType) -> DomainResult<Option<T>> {
    let row = sqlx::query("SELECT spec FROM saved_views WHERE user_id = $1 AND object = $2 AND name = ''")
        .bind(actor.user_id)
        .bind(object.as_str())
        .fetch_optional(db.pool())
        .await?;
    Ok(row.and_then(|r| r.try_get::<String, _>("spec").ok()).and_then(|s| serde_json::from_str(&s).ok()))
}
