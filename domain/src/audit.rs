//! The audit log of changes to org units, users, roles and shares: who, when, what, before and
//! after. Written in the same transaction as the change.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;

use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::DomainResult;

pub async fn record(
    tx: &mut Tx,
    actor_id: Option<i64>,
    entity: &str,
    entity_id: Option<i64>,
    action: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, entity, entity_id, action, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now_ms())
    .bind(actor_id)
    .bind(entity)
    .bind(entity_id)
    .bind(action)
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .execute(&mut **tx)
    .await?;
    // Changes to who may see what reach live delivery through an event of their own.
    if matches!(entity, "org_unit" | "user" | "role" | "pool") {
        crate::events::policy_changed(tx, actor_id, entity).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub action: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// Keyset paging: entries older than this id.
    pub before_id: Option<i64>,
    pub limit: Option<i64>,
}

/// The newest entries first, for administrators only.
pub async fn list(db: &Db, actor: &Actor, q: &AuditQuery) -> DomainResult<Vec<AuditEntry>> {
    if !actor.is_admin() {
        return Err(crate::DomainError::Forbidden);
    }
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    // Optional filters as "parameter IS NULL OR column = parameter": one fixed statement.
    let rows = sqlx::query(
        "SELECT a.id, a.at, a.actor_id, u.display_name AS actor_name, a.entity, a.entity_id, a.action, \
                a.before_json, a.after_json \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
         WHERE ($1 = '' OR a.entity = $1) \
           AND ($2 = 0 OR a.entity_id = $2) \
           AND ($3 = 0 OR a.actor_id = $3) \
           AND a.at >= $4 AND a.at <= $5 AND a.id < $6 \
         ORDER BY a.id DESC LIMIT $7",
    )
    .bind(q.entity.clone().unwrap_or_default())
    .bind(q.entity_id.unwrap_or(0))
    .bind(q.actor_id.unwrap_or(0))
    .bind(q.since.unwrap_or(0))
    .bind(q.until.unwrap_or(i64::MAX))
    .bind(q.before_id.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
            Ok(AuditEntry {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor_id: r.try_get("actor_id")?,
                actor_name: r.try_get("actor_name")?,
                entity: r.try_get("entity")?,
                entity_id: r.try_get("entity_id")?,
                action: r.try_get("action")?,
                before: parse(r.try_get("before_json")?),
                after: parse(r.try_get("after_json")?),
            })
        })
        .collect()
}
