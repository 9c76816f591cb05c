//! The lead list: only leads the actor may read, newest first, paged by keyset (the id of the
//! last lead shown, never an offset), narrowed by status, owner, source, region and free text.
//! Counts are exact up to [`crate::customers::COUNT_CAP`].

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::record::{view_from_row, LeadView, OBJECT, SELECT, STATUSES};
use crate::acting::Actor;
use crate::activity::normalize_phone;
use crate::clock::now_ms;
use crate::customers::COUNT_CAP;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::Action;
use crate::policy::{record_filter, require_on};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum OwnerFilter {
    #[default]
    Any,
    /// Leads nobody has yet.
    Unassigned,
    User(i64),
}

/// Filters of the lead list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFilter {
    /// Part of the person's name, the company or the phone number.
    pub text: String,
    pub status: String,
    pub owner: OwnerFilter,
    pub source: String,
    /// A province or city.
    pub region: String,
}

enum Value {
    Text(String),
    Id(i64),
}

/// The filter's conditions, numbered from `$first`, with their values.
fn filter_sql(actor: &Actor, f: &ListFilter, first: usize) -> DomainResult<(String, Vec<Value>)> {
    let mut sql = String::new();
    let mut binds = Vec::new();
    let mut n = first;
    let text = f.text.trim();
    if !text.is_empty() {
        // LIKE wildcards typed by the user are taken literally.
        let mut any = format!("LOWER(l.name) LIKE ${n} ESCAPE '\\' OR LOWER(l.company) LIKE ${n} ESCAPE '\\'");
        binds.push(Value::Text(crate::db::contains_pattern(text)));
        n += 1;
        // Phones are stored as digits; search them by the digits typed, if the user may see them.
        let digits = normalize_phone(text);
        if !digits.is_empty() && actor.fields.can_read(OBJECT, "phone") {
            any.push_str(&format!(" OR l.phone LIKE ${n}"));
            binds.push(Value::Text(format!("%{digits}%")));
            n += 1;
        }
        sql.push_str(&format!(" AND ({any})"));
    }
    let status = f.status.trim();
    if !status.is_empty() {
        if !STATUSES.contains(&status) {
            return Err(DomainError::invalid("status", "unknown_status"));
        }
        sql.push_str(&format!(" AND l.status = ${n}"));
        binds.push(Value::Text(status.to_string()));
        n += 1;
    }
    match f.owner {
        OwnerFilter::Any => {}
        OwnerFilter::Unassigned => sql.push_str(" AND l.owner_id IS NULL"),
        OwnerFilter::User(id) => {
            sql.push_str(&format!(" AND l.owner_id = ${n}"));
            binds.push(Value::Id(id));
            n += 1;
        }
    }
    let source = f.source.trim();
    if !source.is_empty() {
        sql.push_str(&format!(" AND l.source = ${n}"));
        binds.push(Value::Text(source.to_string()));
        n += 1;
    }
    let region = f.region.trim();
    if !region.is_empty() {
        sql.push_str(&format!(" AND (l.province = ${n} OR l.city = ${n})"));
        binds.push(Value::Text(region.to_string()));
    }
    Ok((sql, binds))
}

/// A query over the leads the actor may read that match the filter: `shape` receives the
/// combined condition and the next free placeholder number.
async fn query_leads(
    db: &Db,
    actor: &Actor,
    filter: &ListFilter,
    shape: impl FnOnce(&str, usize) -> String,
    tail: &[i64],
) -> DomainResult<Vec<sqlx::any::AnyRow>> {
    let f = record_filter(actor, OBJECT, Action::Read, "l", 1, now_ms());
    let next = f.next_param(1);
    let (extra, values) = filter_sql(actor, filter, next)?;
    let sql = shape(&format!("{}{extra}", f.sql), next + values.len());
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        q = q.bind(*b);
    }
    for v in values {
        q = match v {
            Value::Text(t) => q.bind(t),
            Value::Id(id) => q.bind(id),
        };
    }
    for t in tail {
        q = q.bind(*t);
    }
    Ok(q.fetch_all(db.pool()).await?)
}

/// One page of the leads the actor may read, newest first; `before_id` continues a page.
pub async fn list_filtered(db: &Db, actor: &Actor, filter: &ListFilter, before_id: Option<i64>, limit: i64) -> DomainResult<Vec<LeadView>> {
    let rows = query_leads(
        db,
        actor,
        filter,
        |cond, n| format!("{SELECT} WHERE {cond} AND l.id < ${n} ORDER BY l.id DESC LIMIT ${}", n + 1),
        &[before_id.unwrap_or(i64::MAX), limit.clamp(1, 500)],
    )
    .await?;
    rows.iter().map(|r| view_from_row(actor, r)).collect()
}

/// How many leads match, exact up to [`COUNT_CAP`]; above it, `COUNT_CAP + 1`.
pub async fn count_filtered(db: &Db, actor: &Actor, filter: &ListFilter) -> DomainResult<i64> {
    let rows = query_leads(
        db,
        actor,
        filter,
        |cond, _| format!("SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM leads l WHERE {cond} LIMIT {}) capped", COUNT_CAP + 1),
        &[],
    )
    .await?;
    Ok(rows.first().map(|r| r.try_get("n")).transpose()?.unwrap_or(0))
}

/// One lead, or NotFound when the actor may not read it.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> DomainResult<LeadView> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, id).await?;
    let sql = format!("{SELECT} WHERE l.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *conn).await?.ok_or(DomainError::NotFound)?;
    view_from_row(actor, &row)
}
