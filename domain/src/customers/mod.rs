//! Customers, read and written through the policy: lists and counts add its SQL filter, single
//! records are decided by it, hidden fields never leave this module, read-only fields refuse the
//! whole write.

pub mod assessments;
pub mod bulk;
pub mod export;
pub mod history;
pub mod list;
pub mod notes;
pub mod record;
pub mod tags;

pub use list::{ListFilter, COUNT_CAP};
pub use record::{get, list_row, CustomerView};
pub(crate) use record::{view_from_row, NOT_WAITING_IN_POOL, OBJECT, SELECT};

use std::collections::BTreeMap;

use serde_json::json;
use sqlx::Row;

use crate::acting::Actor;
use crate::audit;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, Scope};
use crate::policy::{record_filter, require_on};

#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub name: String,
    pub kind: &'static str,
    pub industry: String,
    pub province: String,
    pub city: String,
    pub phone: String,
    pub level: char,
    pub source: String,
    pub owner_id: Option<i64>,
    pub unit_id: i64,
}

/// One page of the customers the actor may read (not those waiting in pools), by id; `after_id`
/// continues a previous page.
pub async fn list_visible(db: &Db, actor: &Actor, after_id: Option<i64>, limit: i64) -> DomainResult<Vec<CustomerView>> {
    list_filtered(db, actor, &ListFilter::default(), after_id, limit).await
}

/// Like [`list_visible`], narrowed by a filter.
pub async fn list_filtered(db: &Db, actor: &Actor, filter: &ListFilter, after_id: Option<i64>, limit: i64) -> DomainResult<Vec<CustomerView>> {
    let after = after_id.map(|id| list::Cursor::parse(&format!("i.{id}.{id}"))).transpose()?;
    let q = list::ListQuery { filter: filter.clone(), sort: list::Sort::default(), after, limit };
    Ok(list::page(db, actor, &q).await?.rows)
}

/// How many customers match, exact up to [`COUNT_CAP`]; above it, `COUNT_CAP + 1`.
pub async fn count_filtered(db: &Db, actor: &Actor, filter: &ListFilter) -> DomainResult<i64> {
    list::count(db, actor, filter, false).await
}

/// The ids of every customer the actor may do `action` on (for tests and bulk checks).
pub async fn ids_where(db: &Db, actor: &Actor, action: Action) -> DomainResult<Vec<i64>> {
    let f = record_filter(actor, OBJECT, action, "c", 1, now_ms());
    let sql = format!("SELECT c.id FROM customers c WHERE {} ORDER BY c.id", f.sql);
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        q = q.bind(*b);
    }
    let rows = q.fetch_all(db.pool()).await?;
    rows.iter().map(|r| r.try_get::<i64, _>("id").map_err(DomainError::from)).collect()
}

pub async fn count_visible(db: &Db, actor: &Actor) -> DomainResult<i64> {
    list::count(db, actor, &ListFilter::default(), true).await
}

pub async fn insert_customer_tx(tx: &mut Tx, c: &NewCustomer, created_by: Option<i64>) -> DomainResult<i64> {
    let name = c.name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid("name", "required"));
    }
    if !matches!(c.level, 'A' | 'B' | 'C' | 'D') {
        return Err(DomainError::invalid("level", "unknown_level"));
    }
    let now = now_ms();
    Ok(sqlx::query(
        "INSERT INTO customers (name, kind, industry, province, city, phone, level, source, status, owner_id, unit_id, \
         last_follow_up_at, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10, 0, $11, $11, $12) RETURNING id",
    )
    .bind(name)
    .bind(c.kind)
    .bind(&c.industry)
    .bind(&c.province)
    .bind(&c.city)
    .bind(&c.phone)
    .bind(c.level.to_string())
    .bind(&c.source)
    .bind(c.owner_id)
    .bind(c.unit_id)
    .bind(now)
    .bind(created_by)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

/// The editable text fields of a customer and their checks.
fn parse_field(field: &str, value: &str) -> DomainResult<(&'static str, String)> {
    let value = value.trim().to_string();
    let name: &'static str = match field {
        "name" => "name",
        "kind" => "kind",
        "industry" => "industry",
        "province" => "province",
        "city" => "city",
        "address" => "address",
        "phone" => "phone",
        "level" => "level",
        "source" => "source",
        "status" => "status",
        _ => return Err(DomainError::invalid("field", "unknown_field")),
    };
    match name {
        "name" if value.is_empty() => return Err(DomainError::invalid("name", "required")),
        "level" if !matches!(value.as_str(), "A" | "B" | "C" | "D") => return Err(DomainError::invalid("level", "unknown_level")),
        "kind" if !matches!(value.as_str(), "company" | "person") => return Err(DomainError::invalid("kind", "unknown_kind")),
        "status" if !matches!(value.as_str(), "active" | "inactive") => return Err(DomainError::invalid("status", "unknown_status")),
        _ if value.chars().count() > 200 => return Err(DomainError::invalid(name, "too_long")),
        _ => {}
    }
    Ok((name, value))
}

/// Changes fields of a customer. The update right on the record and the edit right on every
/// changed field are required; otherwise nothing changes. When `expected_updated_at` is given and
/// the customer changed since (someone else saved first), nothing changes either. Each changed
/// field is written to the customer's history.
pub async fn update(db: &Db, actor: &Actor, id: i64, changes: &BTreeMap<String, String>) -> DomainResult<()> {
    update_checked(db, actor, id, changes, None).await
}

pub async fn update_checked(
    db: &Db,
    actor: &Actor,
    id: i64,
    changes: &BTreeMap<String, String>,
    expected_updated_at: Option<i64>,
) -> DomainResult<()> {
    let parsed: Vec<(&'static str, String)> =
        changes.iter().map(|(k, v)| parse_field(k, v)).collect::<DomainResult<_>>()?;
    if parsed.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, id).await?;
    actor.fields.check_writes(OBJECT, parsed.iter().map(|(k, _)| *k))?;
    let lock = format!("SELECT * FROM customers WHERE id = $1{}", db.for_update());
    let current = sqlx::query(sqlx::AssertSqlSafe(lock)).bind(id).fetch_one(&mut *tx).await?;
    if expected_updated_at.is_some_and(|v| v != current.try_get::<i64, _>("updated_at").unwrap_or(v)) {
        return Err(DomainError::Conflict("changed_meanwhile".into()));
    }
    let mut changed = Vec::new();
    for (field, value) in &parsed {
        let old: String = current.try_get(*field)?;
        if old != *value {
            changed.push((*field, old, value.clone()));
        }
    }
    if changed.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    // Column names come from the fixed list in parse_field; values are bound.
    let sets: Vec<String> = changed.iter().enumerate().map(|(i, (k, _, _))| format!("{k} = ${}", i + 3)).collect();
    let sql = format!("UPDATE customers SET updated_at = $2, {} WHERE id = $1", sets.join(", "));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(now);
    for (_, _, v) in &changed {
        q = q.bind(v.clone());
    }
    q.execute(&mut *tx).await?;
    for (field, old, new) in &changed {
        record::record_field_change(&mut tx, id, actor.user_id, field, old, new, now).await?;
    }
    let fields: Vec<&str> = changed.iter().map(|(f, _, _)| *f).collect();
    crate::events::write(&mut tx, "customer.update", OBJECT, id, Some(actor.user_id), None, json!({ "fields": fields })).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a customer, with the delete right on it.
pub async fn delete(db: &Db, actor: &Actor, id: i64) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Delete, id).await?;
    sqlx::query("DELETE FROM shares WHERE object = 'customer' AND record_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM customers WHERE id = $1").bind(id).execute(&mut *tx).await?;
    audit::record(&mut tx, Some(actor.user_id), "customer", Some(id), "delete", Some(json!({"id": id})), None).await?;
    tx.commit().await?;
    Ok(())
}

/// Creates a customer owned by the actor in their primary unit. Needs a create grant.
pub async fn create(db: &Db, actor: &Actor, mut c: NewCustomer) -> DomainResult<i64> {
    if actor.scope(OBJECT, Action::Create) == Scope::None {
        return Err(DomainError::Forbidden);
    }
    c.owner_id = Some(actor.user_id);
    c.unit_id = actor.units[0];
    let mut tx = db.begin_write().await?;
    let id = insert_customer_tx(&mut tx, &c, Some(actor.user_id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// One page of the customers waiting in a pool, for its members.
pub async fn list_pool(db: &Db, actor: &Actor, pool_id: i64, after_id: Option<i64>, limit: i64) -> DomainResult<Vec<CustomerView>> {
    let mut conn = db.pool().acquire().await?;
    if !crate::pools::member_pools_on(&mut conn, actor).await?.contains(&pool_id) && !actor.is_admin() {
        return Err(DomainError::NotFound);
    }
    let sql = format!("{SELECT} WHERE c.pool_id = $1 AND c.owner_id IS NULL AND c.id > $2 ORDER BY c.id LIMIT $3");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(pool_id)
        .bind(after_id.unwrap_or(0))
        .bind(limit.clamp(1, 500))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| view_from_row(actor, r)).collect()
}

pub async fn count_all(db: &Db) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM customers").fetch_one(db.pool()).await?.try_get("n")?)
}
