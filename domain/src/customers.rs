//! Customers, read and written through the policy: lists and counts add its SQL filter, single
//! records are decided by it, hidden fields never leave this module, read-only fields refuse the
//! whole write.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::audit;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::policy::{record_filter, require_on, Actor};
use crate::roles::{Action, ObjectType, Scope};

const OBJECT: ObjectType = ObjectType::Customer;

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

/// A customer as one user may see it: fields they may not read are `None` and are left out of
/// any serialized form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerView {
    pub id: i64,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub unit_id: i64,
    pub unit_name: String,
    pub updated_at: i64,
}

const SELECT: &str = "SELECT c.id, c.name, c.kind, c.industry, c.province, c.city, c.address, c.phone, c.level, \
    c.source, c.status, c.owner_id, u.display_name AS owner_name, c.unit_id, o.name AS unit_name, c.updated_at \
    FROM customers c LEFT JOIN users u ON u.id = c.owner_id JOIN org_units o ON o.id = c.unit_id";

fn view_from_row(actor: &Actor, r: &AnyRow) -> DomainResult<CustomerView> {
    let field = |name: &'static str| -> DomainResult<Option<String>> {
        if actor.fields.can_read(OBJECT, name) {
            Ok(Some(r.try_get::<String, _>(name)?))
        } else {
            Ok(None)
        }
    };
    Ok(CustomerView {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        kind: field("kind")?,
        industry: field("industry")?,
        province: field("province")?,
        city: field("city")?,
        address: field("address")?,
        phone: field("phone")?,
        level: field("level")?,
        source: field("source")?,
        status: field("status")?,
        owner_id: r.try_get("owner_id")?,
        owner_name: r.try_get("owner_name")?,
        unit_id: r.try_get("unit_id")?,
        unit_name: r.try_get("unit_name")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// Customers waiting in a pool are listed on the pool pages, not among held customers.
const NOT_WAITING_IN_POOL: &str = "NOT (c.owner_id IS NULL AND c.pool_id IS NOT NULL)";

/// Filters of the customer list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFilter {
    /// Part of the name or of the phone number.
    pub text: String,
    pub level: String,
    pub city: String,
}

/// Counts above this are shown as "10,000+": exact counts of huge lists cost more than they tell.
pub const COUNT_CAP: i64 = 10_000;

/// The filter's conditions, numbered from `$first`, with their values.
fn filter_sql(f: &ListFilter, first: usize) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut binds = Vec::new();
    let mut n = first;
    let text = f.text.trim();
    if !text.is_empty() {
        // LIKE wildcards typed by the user are taken literally.
        let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        sql.push_str(&format!(" AND (LOWER(c.name) LIKE ${n} ESCAPE '\\' OR c.phone LIKE ${n} ESCAPE '\\')"));
        binds.push(format!("%{escaped}%"));
        n += 1;
    }
    for (value, column) in [(&f.level, "c.level"), (&f.city, "c.city")] {
        if !value.trim().is_empty() {
            sql.push_str(&format!(" AND {column} = ${n}"));
            binds.push(value.trim().to_string());
            n += 1;
        }
    }
    (sql, binds)
}

/// One page of the customers the actor may read (not those waiting in pools), by id; `after_id`
/// continues a previous page.
pub async fn list_visible(db: &Db, actor: &Actor, after_id: Option<i64>, limit: i64) -> DomainResult<Vec<CustomerView>> {
    list_filtered(db, actor, &ListFilter::default(), after_id, limit).await
}

/// Like [`list_visible`], narrowed by a filter.
pub async fn list_filtered(db: &Db, actor: &Actor, filter: &ListFilter, after_id: Option<i64>, limit: i64) -> DomainResult<Vec<CustomerView>> {
    let f = record_filter(actor, OBJECT, Action::Read, "c", 1, now_ms());
    let next = f.next_param(1);
    let (extra, values) = filter_sql(filter, next);
    let n = next + values.len();
    let sql = format!(
        "{SELECT} WHERE {} AND {NOT_WAITING_IN_POOL}{extra} AND c.id > ${n} ORDER BY c.id LIMIT ${}",
        f.sql,
        n + 1
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        q = q.bind(*b);
    }
    for v in values {
        q = q.bind(v);
    }
    let rows = q.bind(after_id.unwrap_or(0)).bind(limit.clamp(1, 500)).fetch_all(db.pool()).await?;
    rows.iter().map(|r| view_from_row(actor, r)).collect()
}

/// How many customers match, exact up to [`COUNT_CAP`]; above it, `COUNT_CAP + 1`.
pub async fn count_filtered(db: &Db, actor: &Actor, filter: &ListFilter) -> DomainResult<i64> {
    let f = record_filter(actor, OBJECT, Action::Read, "c", 1, now_ms());
    let next = f.next_param(1);
    let (extra, values) = filter_sql(filter, next);
    let sql = format!(
        "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM customers c WHERE {} AND {NOT_WAITING_IN_POOL}{extra} LIMIT {}) capped",
        f.sql,
        COUNT_CAP + 1
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        q = q.bind(*b);
    }
    for v in values {
        q = q.bind(v);
    }
    Ok(q.fetch_one(db.pool()).await?.try_get("n")?)
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
    let f = record_filter(actor, OBJECT, Action::Read, "c", 1, now_ms());
    let sql = format!("SELECT COUNT(*) AS n FROM customers c WHERE {} AND {NOT_WAITING_IN_POOL}", f.sql);
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        q = q.bind(*b);
    }
    Ok(q.fetch_one(db.pool()).await?.try_get("n")?)
}

/// One customer, or NotFound when the actor may not read it.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> DomainResult<CustomerView> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, id).await?;
    let sql = format!("{SELECT} WHERE c.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *conn).await?.ok_or(DomainError::NotFound)?;
    view_from_row(actor, &row)
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
        "INSERT INTO customers (name, kind, industry, province, city, phone, level, source, status, owner_id, unit_id, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10, $11, $11, $12) RETURNING id",
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
/// changed field are required; otherwise nothing changes.
pub async fn update(db: &Db, actor: &Actor, id: i64, changes: &BTreeMap<String, String>) -> DomainResult<()> {
    let parsed: Vec<(&'static str, String)> =
        changes.iter().map(|(k, v)| parse_field(k, v)).collect::<DomainResult<_>>()?;
    if parsed.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, id).await?;
    actor.fields.check_writes(OBJECT, parsed.iter().map(|(k, _)| *k))?;
    // Column names come from the fixed list in parse_field; values are bound.
    let sets: Vec<String> = parsed.iter().enumerate().map(|(i, (k, _))| format!("{k} = ${}", i + 3)).collect();
    let sql = format!("UPDATE customers SET updated_at = $2, {} WHERE id = $1", sets.join(", "));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(now_ms());
    for (_, v) in &parsed {
        q = q.bind(v.clone());
    }
    q.execute(&mut *tx).await?;
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
