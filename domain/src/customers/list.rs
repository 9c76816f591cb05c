//! The customer list: filters, sorts, keyset paging and capped counts, always within the policy.
//!
//! A page is the union of one index walk per owner or unit the user's scope reaches (see
//! [`crate::policy::reach`]), merged in sort order by the database, so a sales rep's first page
//! and a deep page cost about the same as the same page without any permission filter. Filters on
//! fields the user may not read are refused: they would reveal the hidden values.

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use super::record::{attach_tags, view_from_row, CustomerView, NOT_WAITING_IN_POOL, OBJECT};
use crate::acting::Actor;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::Action;
use crate::policy::reach::{reach_on, resolve_buckets, Params, Reach};

/// Counts above this are shown as "10,000+": exact counts of huge lists cost more than they tell.
pub const COUNT_CAP: i64 = 10_000;
/// The largest page a caller may ask for.
pub const MAX_PAGE: i64 = 200;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// By creation (the id).
    #[default]
    Created,
    Name,
    Updated,
    LastFollowUp,
}

impl SortKey {
    pub const ALL: &'static [SortKey] = &[SortKey::Created, SortKey::Name, SortKey::Updated, SortKey::LastFollowUp];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Created => "created",
            SortKey::Name => "name",
            SortKey::Updated => "updated",
            SortKey::LastFollowUp => "last_follow_up",
        }
    }

    pub fn parse(s: &str) -> Option<SortKey> {
        SortKey::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    fn column(self) -> &'static str {
        match self {
            SortKey::Created => "id",
            SortKey::Name => "name",
            SortKey::Updated => "updated_at",
            SortKey::LastFollowUp => "last_follow_up_at",
        }
    }

    fn is_text(self) -> bool {
        self == SortKey::Name
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

/// Filters of the customer list. Empty texts and `None` do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListFilter {
    /// Part of the name, or of the phone number when the user may read phones.
    pub text: String,
    pub level: String,
    pub province: String,
    pub city: String,
    pub industry: String,
    pub source: String,
    pub status: String,
    pub tag: String,
    pub owner_id: Option<i64>,
    /// This unit and the units below it.
    pub unit_id: Option<i64>,
    /// Last follow-up before this time (customers never followed up included).
    pub follow_up_before: Option<i64>,
    /// Last follow-up at or after this time.
    pub follow_up_after: Option<i64>,
}

impl ListFilter {
    /// The text filters with the customer field each one reads.
    fn by_field(&self) -> [(&str, &'static str); 7] {
        [
            (&self.level, "level"),
            (&self.province, "province"),
            (&self.city, "city"),
            (&self.industry, "industry"),
            (&self.source, "source"),
            (&self.status, "status"),
            (&self.tag, "tags"),
        ]
    }
}

/// Where a page ends: the sort value and id of its last row. Opaque to callers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    value: SortValue,
    id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum SortValue {
    Int(i64),
    Text(String),
}

impl Cursor {
    pub fn encode(&self) -> String {
        match &self.value {
            SortValue::Int(v) => format!("i.{v}.{}", self.id),
            SortValue::Text(t) => format!("t.{}.{t}", self.id),
        }
    }

    pub fn parse(s: &str) -> DomainResult<Cursor> {
        let bad = || DomainError::invalid("cursor", "format");
        let mut parts = s.splitn(3, '.');
        let (tag, a, b) = (parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?);
        match tag {
            "i" => Ok(Cursor { value: SortValue::Int(a.parse().map_err(|_| bad())?), id: b.parse().map_err(|_| bad())? }),
            "t" => Ok(Cursor { value: SortValue::Text(b.to_string()), id: a.parse().map_err(|_| bad())? }),
            _ => Err(bad()),
        }
    }

    fn of(sort: SortKey, row: &CustomerView) -> Cursor {
        let value = match sort {
            SortKey::Created => SortValue::Int(row.id),
            SortKey::Name => SortValue::Text(row.name.clone()),
            SortKey::Updated => SortValue::Int(row.updated_at),
            SortKey::LastFollowUp => SortValue::Int(row.last_follow_up_at),
        };
        Cursor { value, id: row.id }
    }
}

/// A list view as users save it: filters, sort and the columns shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewSpec {
    pub filter: ListFilter,
    pub sort: Sort,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub filter: ListFilter,
    pub sort: Sort,
    pub after: Option<Cursor>,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub rows: Vec<CustomerView>,
    /// Where the next page starts; None on the last page.
    pub next: Option<Cursor>,
}

/// Refuses filters on fields the user may not read.
fn check_filter(actor: &Actor, f: &ListFilter) -> DomainResult<()> {
    for (value, field) in f.by_field() {
        if !value.trim().is_empty() && !actor.fields.can_read(OBJECT, field) {
            return Err(DomainError::invalid(field, "not_readable"));
        }
    }
    Ok(())
}

/// LIKE wildcards typed by the user are taken literally.
/// The filter as conditions (each starting with " AND ").
fn conditions(p: &mut Params, actor: &Actor, f: &ListFilter) -> String {
    let mut sql = String::new();
    let text = f.text.trim();
    if !text.is_empty() {
        let pattern = p.text(crate::db::contains_pattern(text));
        if actor.fields.can_read(OBJECT, "phone") {
            sql.push_str(&format!(" AND (LOWER(c.name) LIKE {pattern} ESCAPE '\\' OR c.phone LIKE {pattern} ESCAPE '\\')"));
        } else {
            sql.push_str(&format!(" AND LOWER(c.name) LIKE {pattern} ESCAPE '\\'"));
        }
    }
    for (value, field) in f.by_field() {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let v = p.text(value);
        match field {
            "tags" => sql.push_str(&format!(" AND c.id IN (SELECT t.customer_id FROM customer_tags t WHERE t.tag = {v})")),
            // The column name comes from the fixed list in `by_field`.
            column => sql.push_str(&format!(" AND c.{column} = {v}")),
        }
    }
    if let Some(owner) = f.owner_id {
        sql.push_str(&format!(" AND c.owner_id = {}", p.int(owner)));
    }
    if let Some(unit) = f.unit_id {
        sql.push_str(&format!(
            " AND c.unit_id IN (SELECT fc.descendant_id FROM org_unit_closure fc WHERE fc.ancestor_id = {})",
            p.int(unit)
        ));
    }
    if let Some(before) = f.follow_up_before {
        sql.push_str(&format!(" AND c.last_follow_up_at < {}", p.int(before)));
    }
    if let Some(after) = f.follow_up_after {
        sql.push_str(&format!(" AND c.last_follow_up_at >= {}", p.int(after)));
    }
    sql
}

/// The condition that continues after `after` in the sort order.
fn keyset(p: &mut Params, sort: Sort, after: Option<&Cursor>) -> DomainResult<String> {
    let Some(after) = after else { return Ok(String::new()) };
    let op = if sort.descending { "<" } else { ">" };
    let value = match (&after.value, sort.key.is_text()) {
        (SortValue::Int(v), false) => p.int(*v),
        (SortValue::Text(t), true) => p.text(t.clone()),
        _ => return Err(DomainError::invalid("cursor", "format")),
    };
    Ok(match sort.key {
        SortKey::Created => format!(" AND c.id {op} {value}"),
        key => format!(" AND (c.{col}, c.id) {op} ({value}, {id})", col = key.column(), id = p.int(after.id)),
    })
}

const COLUMNS: &str = "c.id, c.name, c.kind, c.industry, c.province, c.city, c.address, c.phone, c.level, c.source, \
    c.status, c.owner_id, c.unit_id, c.updated_at, c.created_at, c.last_follow_up_at";

/// One page within a resolved reach.
async fn page_within(conn: &mut AnyConnection, actor: &Actor, reach: &Reach, q: &ListQuery) -> DomainResult<Page> {
    check_filter(actor, &q.filter)?;
    let mut p = Params::default();
    let buckets = resolve_buckets(&mut *conn, &mut p, actor, OBJECT, reach, "c").await?;
    if buckets.is_empty() {
        return Ok(Page { rows: Vec::new(), next: None });
    }
    let cond = conditions(&mut p, actor, &q.filter);
    let keyset = keyset(&mut p, q.sort, q.after.as_ref())?;
    let limit = q.limit.clamp(1, MAX_PAGE);
    let limit_ph = p.int(limit);
    let column = q.sort.key.column();
    let dir = if q.sort.descending { "DESC" } else { "ASC" };
    let order = format!("ORDER BY sort_key {dir}, id {dir}");
    // Each owner or unit bucket is its own sorted, limited index walk, so the engine merges at
    // most `limit` rows from each. The shares bucket has no usable sort index: limiting it would
    // make the planner walk the whole sort index hunting for a few shared rows, so it is only
    // sorted.
    let limited = buckets.scope.iter().map(|b| (b, format!(" LIMIT {limit_ph}")));
    let union = limited
        .chain(buckets.shared.iter().map(|b| (b, String::new())))
        .enumerate()
        .map(|(i, (b, bucket_limit))| {
            format!(
                "SELECT * FROM (SELECT {COLUMNS}, c.{column} AS sort_key FROM customers c \
                 WHERE ({b}) AND {NOT_WAITING_IN_POOL}{cond}{keyset} {order}{bucket_limit}) b{i}"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    // The outer ORDER BY + LIMIT merges the buckets and stops after one page; names are joined
    // to that page only.
    let sql = format!(
        "SELECT p.*, u.display_name AS owner_name, o.name AS unit_name FROM (\
           SELECT * FROM ({union}) x ORDER BY x.sort_key {dir}, x.id {dir} LIMIT {limit_ph}) p \
         LEFT JOIN users u ON u.id = p.owner_id JOIN org_units o ON o.id = p.unit_id \
         ORDER BY p.sort_key {dir}, p.id {dir}"
    );
    let rows = p.query(sql).fetch_all(&mut *conn).await?;
    let mut views = rows.iter().map(|r| view_from_row(actor, r)).collect::<DomainResult<Vec<_>>>()?;
    attach_tags(conn, actor, &mut views).await?;
    let next = if views.len() as i64 == limit { views.last().map(|v| Cursor::of(q.sort.key, v)) } else { None };
    Ok(Page { rows: views, next })
}

/// How many customers within a reach match; capped at `cap + 1` when a cap is given.
async fn count_within(conn: &mut AnyConnection, actor: &Actor, reach: &Reach, f: &ListFilter, cap: Option<i64>) -> DomainResult<i64> {
    check_filter(actor, f)?;
    let mut p = Params::default();
    let buckets = resolve_buckets(&mut *conn, &mut p, actor, OBJECT, reach, "c").await?;
    if buckets.is_empty() {
        return Ok(0);
    }
    let cond = conditions(&mut p, actor, f);
    let union = buckets
        .all()
        .map(|b| format!("SELECT c.id FROM customers c WHERE ({b}) AND {NOT_WAITING_IN_POOL}{cond}"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let limit = match cap {
        Some(cap) => format!(" LIMIT {}", p.int(cap + 1)),
        None => String::new(),
    };
    let sql = format!("SELECT COUNT(*) AS n FROM (SELECT x.id FROM ({union}) x{limit}) counted");
    Ok(p.query(sql).fetch_one(&mut *conn).await?.try_get("n")?)
}

/// One page of the customers the actor may read (not those waiting in pools).
pub async fn page(db: &Db, actor: &Actor, q: &ListQuery) -> DomainResult<Page> {
    let mut conn = db.pool().acquire().await?;
    let reach = reach_on(&mut conn, actor, OBJECT, Action::Read).await?;
    page_within(&mut conn, actor, &reach, q).await
}

/// How many customers the actor may read match the filter: exact up to [`COUNT_CAP`], above it
/// `COUNT_CAP + 1`, unless `exact` is asked for.
pub async fn count(db: &Db, actor: &Actor, f: &ListFilter, exact: bool) -> DomainResult<i64> {
    let mut conn = db.pool().acquire().await?;
    let reach = reach_on(&mut conn, actor, OBJECT, Action::Read).await?;
    count_within(&mut conn, actor, &reach, f, (!exact).then_some(COUNT_CAP)).await
}

/// The same page without any permission filter, for the benchmark's comparison only: field
/// rights still apply.
#[cfg(feature = "testing")]
pub async fn page_unscoped(db: &Db, actor: &Actor, q: &ListQuery) -> DomainResult<Page> {
    let mut conn = db.pool().acquire().await?;
    page_within(&mut conn, actor, &Reach::All, q).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_survive_a_round_trip() {
        for c in [
            Cursor { value: SortValue::Int(-5), id: 12 },
            Cursor { value: SortValue::Text("北京.华信 有限公司".into()), id: 3 },
            Cursor { value: SortValue::Text(String::new()), id: 1 },
        ] {
            assert_eq!(Cursor::parse(&c.encode()).unwrap(), c);
        }
        for bad in ["", "x.1.2", "i.a.2", "i.1", "t.x.name"] {
            assert!(Cursor::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sort_keys_parse_by_name() {
        for k in SortKey::ALL {
            assert_eq!(SortKey::parse(k.as_str()), Some(*k));
        }
        assert_eq!(SortKey::parse("phone"), None);
    }

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(crate::db::contains_pattern(" 50%_A\\ "), "%50\\%\\_a\\\\%");
    }
}
