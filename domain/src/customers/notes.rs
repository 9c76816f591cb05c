//! Notes on a customer. A shared note is read by everyone who may read the customer; a private
//! note only by its author (a rep's own reminders have no value to anyone else).

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use super::record::OBJECT;
use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::Action;
use crate::policy::require_on;

const MAX_NOTE_CHARS: usize = 4000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: i64,
    pub author_id: i64,
    pub author: String,
    pub body: String,
    pub private: bool,
    pub created_at: i64,
}

/// Adds a note to a customer the actor may read.
pub async fn add_note(db: &Db, actor: &Actor, customer_id: i64, body: &str, private: bool) -> DomainResult<i64> {
    let body = body.trim();
    if body.is_empty() {
        return Err(DomainError::invalid("note", "required"));
    }
    if body.chars().count() > MAX_NOTE_CHARS {
        return Err(DomainError::invalid("note", "too_long"));
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Read, customer_id).await?;
    let now = now_ms();
    let id: i64 = sqlx::query(
        "INSERT INTO customer_notes (customer_id, author_id, body, private, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(customer_id)
    .bind(actor.user_id)
    .bind(body)
    .bind(private as i64)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    // A private note concerns nobody else: no event.
    if !private {
        crate::events::write(&mut tx, "customer.note", OBJECT, customer_id, Some(actor.user_id), None, json!({ "note_id": id })).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// The shared notes and the actor's own private notes, newest first.
pub async fn notes(db: &Db, actor: &Actor, customer_id: i64) -> DomainResult<Vec<Note>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, customer_id).await?;
    let rows = sqlx::query(
        "SELECT n.id, n.author_id, u.display_name, n.body, n.private, n.created_at FROM customer_notes n \
         JOIN users u ON u.id = n.author_id WHERE n.customer_id = $1 AND (n.private = 0 OR n.author_id = $2) \
         ORDER BY n.created_at DESC, n.id DESC",
    )
    .bind(customer_id)
    .bind(actor.user_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Note {
                id: r.try_get("id")?,
                author_id: r.try_get("author_id")?,
                author: r.try_get("display_name")?,
                body: r.try_get("body")?,
                private: r.try_get::<i64, _>("private")? == 1,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// Deletes one of the actor's own notes. Someone else's note answers NotFound when private (it
/// does not exist for them) and Forbidden when shared.
pub async fn delete_note(db: &Db, actor: &Actor, note_id: i64) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query("SELECT customer_id, author_id, private FROM customer_notes WHERE id = $1")
        .bind(note_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(DomainError::NotFound)?;
    let (customer_id, author, private): (i64, i64, i64) = (row.try_get("customer_id")?, row.try_get("author_id")?, row.try_get("private")?);
    require_on(&mut tx, actor, OBJECT, Action::Read, customer_id).await?;
    if author != actor.user_id {
        return Err(if private == 1 { DomainError::NotFound } else { DomainError::Forbidden });
    }
    sqlx::query("DELETE FROM customer_notes WHERE id = $1").bind(note_id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
