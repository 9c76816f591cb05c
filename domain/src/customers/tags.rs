//! Tags on customers: short labels for segmenting (e.g. "重点客户", "展会2026"). Setting them needs
//! the update right on the customer and the edit right on the tags field; every change is kept in
//! the customer's history.

use sqlx::Row;

use super::record::{record_field_change, OBJECT};
use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::objects::Action;
use crate::policy::require_on;

pub const MAX_TAGS: usize = 20;
const MAX_TAG_CHARS: usize = 30;

/// A tag as typed, trimmed; refused when empty, too long or containing a comma (the separator in
/// history and CSV).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tag(String);

impl Tag {
    pub fn parse(s: &str) -> DomainResult<Tag> {
        let t = s.trim();
        if t.is_empty() {
            return Err(DomainError::invalid("tags", "required"));
        }
        if t.chars().count() > MAX_TAG_CHARS {
            return Err(DomainError::invalid("tags", "too_long"));
        }
        if t.contains(',') || t.contains('，') {
            return Err(DomainError::invalid("tags", "characters"));
        }
        Ok(Tag(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Tags as stored in history: sorted, comma-separated.
pub(crate) fn join(tags: &[String]) -> String {
    tags.join(",")
}

pub(crate) fn split(joined: &str) -> Vec<String> {
    joined.split(',').filter(|t| !t.is_empty()).map(String::from).collect()
}

async fn current(tx: &mut Tx, customer_id: i64) -> DomainResult<Vec<String>> {
    sqlx::query("SELECT tag FROM customer_tags WHERE customer_id = $1 ORDER BY tag")
        .bind(customer_id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("tag").map_err(DomainError::from))
        .collect()
}

/// Replaces a customer's tags inside a transaction, after the permission checks; records the
/// change in history. Returns whether anything changed.
pub(crate) async fn replace_tx(tx: &mut Tx, actor: &Actor, customer_id: i64, wanted: &[Tag]) -> DomainResult<bool> {
    require_on(tx, actor, OBJECT, Action::Update, customer_id).await?;
    actor.fields.check_writes(OBJECT, ["tags"])?;
    let mut new: Vec<String> = wanted.iter().map(|t| t.0.clone()).collect();
    new.sort();
    new.dedup();
    if new.len() > MAX_TAGS {
        return Err(DomainError::invalid("tags", "too_many"));
    }
    let old = current(tx, customer_id).await?;
    if old == new {
        return Ok(false);
    }
    let now = now_ms();
    sqlx::query("DELETE FROM customer_tags WHERE customer_id = $1").bind(customer_id).execute(&mut **tx).await?;
    for tag in &new {
        sqlx::query("INSERT INTO customer_tags (customer_id, tag, created_at, created_by) VALUES ($1, $2, $3, $4)")
            .bind(customer_id)
            .bind(tag)
            .bind(now)
            .bind(actor.user_id)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("UPDATE customers SET updated_at = $2 WHERE id = $1").bind(customer_id).bind(now).execute(&mut **tx).await?;
    record_field_change(tx, customer_id, actor.user_id, "tags", &join(&old), &join(&new), now).await?;
    crate::events::write(tx, "customer.update", OBJECT, customer_id, Some(actor.user_id), None, serde_json::json!({ "fields": ["tags"] })).await?;
    Ok(true)
}

/// Sets the tags of a customer.
pub async fn set_tags(db: &Db, actor: &Actor, customer_id: i64, tags: &[String]) -> DomainResult<()> {
    let parsed = tags.iter().filter(|t| !t.trim().is_empty()).map(|t| Tag::parse(t)).collect::<DomainResult<Vec<_>>>()?;
    let mut tx = db.begin_write().await?;
    replace_tx(&mut tx, actor, customer_id, &parsed).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds or removes one tag, keeping the others (for bulk actions).
pub(crate) async fn change_one_tx(tx: &mut Tx, actor: &Actor, customer_id: i64, tag: &Tag, add: bool) -> DomainResult<bool> {
    // The read check comes first so a record the actor may not see answers NotFound.
    require_on(tx, actor, OBJECT, Action::Read, customer_id).await?;
    let mut tags: Vec<Tag> = current(tx, customer_id).await?.into_iter().map(Tag).collect();
    if add {
        tags.push(tag.clone());
    } else {
        tags.retain(|t| t != tag);
    }
    replace_tx(tx, actor, customer_id, &tags).await
}

/// The tags in use on customers the actor may read, most used first (for pickers).
pub async fn tags_in_use(db: &Db, actor: &Actor, limit: i64) -> DomainResult<Vec<String>> {
    if !actor.fields.can_read(OBJECT, "tags") {
        return Ok(vec![]);
    }
    let f = crate::policy::record_filter(actor, OBJECT, Action::Read, "c", 1, now_ms());
    let sql = format!(
        "SELECT t.tag, COUNT(*) AS n FROM customer_tags t JOIN customers c ON c.id = t.customer_id WHERE {} \
         GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT {}",
        f.sql,
        limit.clamp(1, 200)
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        q = q.bind(*b);
    }
    q.fetch_all(db.pool()).await?.iter().map(|r| r.try_get::<String, _>("tag").map_err(DomainError::from)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_and_checked() {
        assert_eq!(Tag::parse("  重点客户 ").unwrap().as_str(), "重点客户");
        assert!(Tag::parse(" ").is_err());
        assert!(Tag::parse("a,b").is_err());
        assert!(Tag::parse("甲，乙").is_err());
        assert!(Tag::parse(&"长".repeat(31)).is_err());
        assert_eq!(split(&join(&["a".into(), "b".into()])), vec!["a", "b"]);
        assert!(split("").is_empty());
    }
}
