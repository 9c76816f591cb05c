//! Customer segments (客户分群): rules over customer fields and tags, combined with AND / OR, saved
//! by their author and counted within the reader's scope. A rule is parsed and checked once
//! (known fields and operators, sizes, fields the reader may read) and turned into SQL whose only
//! values are bound parameters.

use serde_json::json;
use sqlx::Row;

use crate::acting::Actor;
use crate::audit;
use crate::clock::{now_ms, start_of_day_ms};
use crate::db::{bind_args, Arg, Db};
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType};
use crate::policy::record_filter;

pub use domain_types::marketing::{SegmentRow, SegmentRule};

const OBJECT: ObjectType = ObjectType::Customer;
const MAX_DEPTH: usize = 4;
const MAX_CONDITIONS: usize = 30;
const MAX_VALUES: usize = 50;
const MAX_TEXT: usize = 100;

/// Fields a condition may name, and what they hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Date,
    Unit,
}

fn field_kind(field: &str) -> Option<Kind> {
    Some(match field {
        "level" | "industry" | "province" | "city" | "source" | "status" | "kind" => Kind::Text,
        "created_at" | "last_follow_up_at" => Kind::Date,
        "unit" => Kind::Unit,
        _ => return None,
    })
}

fn bad(code: &'static str) -> DomainError {
    DomainError::invalid("rule", code)
}

/// Checks a rule: its shape, its sizes, and that every field it tests is one the actor may read
/// (a condition on a hidden field would reveal it through the count).
pub fn check(actor: &Actor, rule: &SegmentRule) -> DomainResult<()> {
    let mut conditions = 0;
    check_at(actor, rule, 1, &mut conditions)
}

fn check_at(actor: &Actor, rule: &SegmentRule, depth: usize, conditions: &mut usize) -> DomainResult<()> {
    if depth > MAX_DEPTH {
        return Err(bad("too_deep"));
    }
    match rule {
        SegmentRule::All { rules } | SegmentRule::Any { rules } => {
            if rules.is_empty() {
                return Err(bad("empty_group"));
            }
            rules.iter().try_for_each(|r| check_at(actor, r, depth + 1, conditions))
        }
        SegmentRule::Field { field, op, values } => {
            *conditions += 1;
            if *conditions > MAX_CONDITIONS {
                return Err(bad("too_many_conditions"));
            }
            let kind = field_kind(field).ok_or_else(|| bad("unknown_field"))?;
            let column = if kind == Kind::Unit { "unit_id" } else { field.as_str() };
            if !actor.fields.can_read(OBJECT, column) {
                return Err(bad("field_not_readable"));
            }
            if values.is_empty() || values.len() > MAX_VALUES || values.iter().any(|v| v.trim().is_empty() || v.chars().count() > MAX_TEXT) {
                return Err(bad("values"));
            }
            let ok = match (kind, op.as_str()) {
                (Kind::Text, "is" | "is_not") => true,
                (Kind::Text, "contains") => values.len() == 1,
                (Kind::Date, "before" | "after") => values.len() == 1 && start_of_day_ms(&values[0]).is_some(),
                (Kind::Unit, "under") => values.len() == 1 && values[0].trim().parse::<i64>().is_ok(),
                _ => false,
            };
            if ok { Ok(()) } else { Err(bad("operator")) }
        }
        SegmentRule::Tag { tag, .. } => {
            *conditions += 1;
            if *conditions > MAX_CONDITIONS {
                return Err(bad("too_many_conditions"));
            }
            if tag.trim().is_empty() || tag.chars().count() > MAX_TEXT {
                return Err(bad("values"));
            }
            Ok(())
        }
    }
}

/// A condition's SQL over customers aliased `c`, values appended to `args` (placeholders follow
/// `first`).
struct Sql {
    first: usize,
    args: Vec<Arg>,
}

impl Sql {
    fn bind(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.first + self.args.len() - 1)
    }
}

fn to_sql(rule: &SegmentRule, s: &mut Sql) -> String {
    match rule {
        SegmentRule::All { rules } => format!("({})", rules.iter().map(|r| to_sql(r, s)).collect::<Vec<_>>().join(" AND ")),
        SegmentRule::Any { rules } => format!("({})", rules.iter().map(|r| to_sql(r, s)).collect::<Vec<_>>().join(" OR ")),
        SegmentRule::Tag { tag, present } => {
            let p = s.bind(Arg::Text(tag.trim().to_string()));
            let not = if *present { "" } else { "NOT " };
            format!("{not}EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = c.id AND t.tag = {p})")
        }
        SegmentRule::Field { field, op, values } => match (field_kind(field), op.as_str()) {
            (Some(Kind::Text), "is" | "is_not") => {
                let list: Vec<String> = values.iter().map(|v| s.bind(Arg::Text(v.trim().to_string()))).collect();
                let not = if op == "is_not" { "NOT " } else { "" };
                format!("c.{field} {not}IN ({})", list.join(", "))
            }
            (Some(Kind::Text), _) => {
                let p = s.bind(Arg::Text(crate::db::contains_pattern(&values[0])));
                format!("LOWER(c.{field}) LIKE {p} ESCAPE '\\'")
            }
            (Some(Kind::Date), _) => {
                let day = start_of_day_ms(&values[0]).unwrap_or(0);
                let p = s.bind(Arg::Int(day));
                // "Never followed up" is stored as 0, which is before any date.
                if op == "before" { format!("c.{field} < {p}") } else { format!("c.{field} >= {p}") }
            }
            _ => {
                let p = s.bind(Arg::Int(values[0].trim().parse().unwrap_or(0)));
                format!("c.unit_id IN (SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = {p})")
            }
        },
    }
}

/// The WHERE clause of a rule within the actor's read scope, and its values.
fn scoped(actor: &Actor, rule: &SegmentRule) -> DomainResult<(String, Vec<Arg>)> {
    if !actor.grants.can(OBJECT, Action::Read) {
        return Err(DomainError::Forbidden);
    }
    check(actor, rule)?;
    let f = record_filter(actor, OBJECT, Action::Read, "c", 1, now_ms());
    let mut s = Sql { first: f.next_param(1), args: Vec::new() };
    let condition = to_sql(rule, &mut s);
    let mut args: Vec<Arg> = f.binds.iter().map(|b| Arg::Int(*b)).collect();
    args.extend(s.args);
    Ok((format!("{} AND {condition}", f.sql), args))
}

/// How many of the customers the actor may read the rule matches.
pub async fn count(db: &Db, actor: &Actor, rule: &SegmentRule) -> DomainResult<i64> {
    let (clause, args) = scoped(actor, rule)?;
    let sql = format!("SELECT COUNT(*) AS n FROM customers c WHERE {clause}");
    Ok(bind_args(sqlx::query(sqlx::AssertSqlSafe(sql)), &args).fetch_one(db.pool()).await?.try_get("n")?)
}

/// A page of the matching customers the actor may read, by id: (id, name).
pub async fn members(db: &Db, actor: &Actor, rule: &SegmentRule, after_id: Option<i64>, limit: i64) -> DomainResult<Vec<(i64, String)>> {
    let (mut clause, mut args) = scoped(actor, rule)?;
    if let Some(after) = after_id {
        args.push(Arg::Int(after));
        clause.push_str(&format!(" AND c.id > ${}", args.len()));
    }
    let sql = format!("SELECT c.id, c.name FROM customers c WHERE {clause} ORDER BY c.id LIMIT {}", limit.clamp(1, 500));
    bind_args(sqlx::query(sqlx::AssertSqlSafe(sql)), &args)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}

/// Saves a segment under a name (a new one, or `id` of the author's own); answers its id.
pub async fn save(db: &Db, actor: &Actor, id: Option<i64>, name: &str, rule: &SegmentRule) -> DomainResult<i64> {
    if !actor.grants.can(OBJECT, Action::Read) {
        return Err(DomainError::Forbidden);
    }
    check(actor, rule)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(DomainError::invalid("name", if name.is_empty() { "required" } else { "too_long" }));
    }
    let text = serde_json::to_string(rule).map_err(|_| bad("format"))?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let clash = sqlx::query("SELECT id FROM segments WHERE owner_id = $1 AND name = $2").bind(actor.user_id).bind(name).fetch_optional(&mut *tx).await?;
    if let Some(other) = clash.map(|r| r.try_get::<i64, _>("id")).transpose()? {
        if Some(other) != id {
            return Err(DomainError::Conflict("name_taken".into()));
        }
    }
    let id = match id {
        Some(id) => {
            let done = sqlx::query("UPDATE segments SET name = $3, rule = $4, updated_at = $5 WHERE id = $1 AND owner_id = $2")
                .bind(id)
                .bind(actor.user_id)
                .bind(name)
                .bind(&text)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(DomainError::NotFound);
            }
            id
        }
        None => sqlx::query("INSERT INTO segments (owner_id, name, rule, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id")
            .bind(actor.user_id)
            .bind(name)
            .bind(&text)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?,
    };
    audit::record(&mut tx, Some(actor.user_id), "segment", Some(id), "save", None, Some(json!({ "name": name, "rule": rule }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// The actor's own segments, by name.
pub async fn list(db: &Db, actor: &Actor) -> DomainResult<Vec<SegmentRow>> {
    let rows = sqlx::query("SELECT id, name, rule, updated_at FROM segments WHERE owner_id = $1 ORDER BY name, id").bind(actor.user_id).fetch_all(db.pool()).await?;
    rows.iter()
        .filter_map(|r| {
            let text: String = r.try_get("rule").ok()?;
            // A rule saved by an older version that no longer parses is left out, not an error.
            let rule = serde_json::from_str(&text).ok()?;
            Some(Ok(SegmentRow { id: r.try_get("id").ok()?, name: r.try_get("name").ok()?, rule, updated_at: r.try_get("updated_at").ok()? }))
        })
        .collect()
}

/// Deletes one of the actor's own segments.
pub async fn delete(db: &Db, actor: &Actor, id: i64) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("DELETE FROM segments WHERE id = $1 AND owner_id = $2").bind(id).bind(actor.user_id).execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        return Err(DomainError::NotFound);
    }
    audit::record(&mut tx, Some(actor.user_id), "segment", Some(id), "delete", None, None).await?;
    tx.commit().await?;
    Ok(())
}
