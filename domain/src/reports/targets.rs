//! Targets (业绩目标): what a unit, or a person in a unit, should sign in a month, in a currency.
//! Unit heads set them for their unit and everything below it, as do those whose roles grant
//! updating reports over the unit. A unit without a target of its own for a month is measured
//! against the sum of the targets below it (its units and its people) for that month.

use std::collections::HashMap;

use serde_json::json;
use sqlx::Row;

use crate::acting::Actor;
use crate::audit;
use crate::clock::now_ms;
use crate::db::{bind_args, Arg, Db};
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType, Scope};

pub use domain_types::reports::{TargetInput, TargetRow};

/// Targets of a unit's subtree over some months, rolled up as the module says.
#[derive(Debug, Default)]
pub struct Targets {
    /// per month: unit → its own target
    own: HashMap<(i64, String), i64>,
    /// per month: (unit, person) → the person's target in the unit
    people: HashMap<(i64, String), Vec<(i64, i64)>>,
    children: HashMap<i64, Vec<i64>>,
    months: Vec<String>,
    shown: i64,
}

impl Targets {
    fn unit_in(&self, unit: i64, month: &str) -> i64 {
        if let Some(t) = self.own.get(&(unit, month.to_string())) {
            return *t;
        }
        let people: i64 = self.people.get(&(unit, month.to_string())).map(|v| v.iter().map(|(_, a)| a).sum()).unwrap_or(0);
        let below: i64 = self.children.get(&unit).map(|c| c.iter().map(|u| self.unit_in(*u, month)).sum()).unwrap_or(0);
        people + below
    }

    /// A unit's target over the months.
    pub fn unit(&self, unit: i64) -> i64 {
        self.months.iter().map(|m| self.unit_in(unit, m)).sum()
    }

    /// A person's target in the shown unit over the months.
    pub fn person(&self, person: i64) -> i64 {
        self.months
            .iter()
            .filter_map(|m| self.people.get(&(self.shown, m.clone())))
            .flat_map(|v| v.iter().filter(|(p, _)| *p == person).map(|(_, a)| *a))
            .sum()
    }
}

fn in_list(first: usize, n: usize) -> String {
    (0..n).map(|i| format!("${}", first + i)).collect::<Vec<_>>().join(", ")
}

/// The targets of `unit` and everything below it for `months`.
pub async fn rolled_up(db: &Db, unit: i64, months: &[String], currency: &str) -> DomainResult<Targets> {
    let mut t = Targets { months: months.to_vec(), shown: unit, ..Default::default() };
    if months.is_empty() {
        return Ok(t);
    }
    let tree = sqlx::query("SELECT o.id, o.parent_id FROM org_units o JOIN org_unit_closure c ON c.descendant_id = o.id WHERE c.ancestor_id = $1 AND o.id <> $1")
        .bind(unit)
        .fetch_all(db.pool())
        .await?;
    for r in tree {
        if let Some(parent) = r.try_get::<Option<i64>, _>("parent_id")? {
            t.children.entry(parent).or_default().push(r.try_get("id")?);
        }
    }
    let sql = format!(
        "SELECT t.unit_id, t.user_id, t.month, t.amount_minor FROM report_targets t \
         WHERE t.unit_id IN (SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = $1) AND t.currency = $2 AND t.month IN ({})",
        in_list(3, months.len())
    );
    let mut args = vec![Arg::Int(unit), Arg::Text(currency.to_string())];
    args.extend(months.iter().map(|m| Arg::Text(m.clone())));
    for r in bind_args(sqlx::query(sqlx::AssertSqlSafe(sql)), &args).fetch_all(db.pool()).await? {
        let (u, p, month, amount): (i64, i64, String, i64) = (r.try_get("unit_id")?, r.try_get("user_id")?, r.try_get("month")?, r.try_get("amount_minor")?);
        if p == 0 {
            t.own.insert((u, month), amount);
        } else {
            t.people.entry((u, month)).or_default().push((p, amount));
        }
    }
    Ok(t)
}

/// Whether the actor may set the targets of `unit` and its people: its head or the head of a unit
/// above it, or a role that grants updating reports over it.
pub async fn may_set(db: &Db, actor: &Actor, unit: i64) -> DomainResult<bool> {
    let above = sqlx::query("SELECT o.id, o.head_user_id FROM org_unit_closure c JOIN org_units o ON o.id = c.ancestor_id WHERE c.descendant_id = $1")
        .bind(unit)
        .fetch_all(db.pool())
        .await?;
    let mut ancestors = Vec::new();
    for r in above {
        if r.try_get::<Option<i64>, _>("head_user_id")? == Some(actor.user_id) {
            return Ok(true);
        }
        ancestors.push(r.try_get::<i64, _>("id")?);
    }
    if ancestors.is_empty() {
        return Err(DomainError::NotFound);
    }
    Ok(match actor.scope(ObjectType::Report, Action::Update) {
        Scope::All => true,
        Scope::UnitAndBelow => ancestors.iter().any(|a| actor.units.contains(a)),
        Scope::Unit => actor.units.contains(&unit),
        _ => false,
    })
}

/// Sets (or with no amount removes) a target. The person, when named, must belong to the unit.
pub async fn set(db: &Db, actor: &Actor, input: &TargetInput) -> DomainResult<()> {
    if !may_set(db, actor, input.unit_id).await? {
        return Err(DomainError::Forbidden);
    }
    let (y, m) = crate::opportunities::forecast::parse_month(&input.month)?;
    let month = format!("{y:04}-{m:02}");
    let currency = crate::sales::parse_currency(&input.currency)?;
    if let Some(amount) = input.amount_minor {
        crate::sales::checked_money("amount", amount)?;
    }
    let user = input.user_id.unwrap_or(0);
    let mut tx = db.begin_write().await?;
    if user != 0 {
        let member = sqlx::query("SELECT id FROM users WHERE id = $1 AND (primary_unit_id = $2 OR id IN (SELECT user_id FROM user_units WHERE unit_id = $2))")
            .bind(user)
            .bind(input.unit_id)
            .fetch_optional(&mut *tx)
            .await?;
        if member.is_none() {
            return Err(DomainError::invalid("user", "not_in_unit"));
        }
    }
    let before: Option<i64> = sqlx::query("SELECT amount_minor FROM report_targets WHERE unit_id = $1 AND user_id = $2 AND month = $3 AND currency = $4")
        .bind(input.unit_id)
        .bind(user)
        .bind(&month)
        .bind(&currency)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get("amount_minor"))
        .transpose()?;
    sqlx::query("DELETE FROM report_targets WHERE unit_id = $1 AND user_id = $2 AND month = $3 AND currency = $4")
        .bind(input.unit_id)
        .bind(user)
        .bind(&month)
        .bind(&currency)
        .execute(&mut *tx)
        .await?;
    if let Some(amount) = input.amount_minor {
        sqlx::query("INSERT INTO report_targets (unit_id, user_id, month, currency, amount_minor, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(input.unit_id)
            .bind(user)
            .bind(&month)
            .bind(&currency)
            .bind(amount)
            .bind(now_ms())
            .bind(actor.user_id)
            .execute(&mut *tx)
            .await?;
    }
    let key = json!({ "unit_id": input.unit_id, "user_id": user, "month": month, "currency": currency });
    audit::record(&mut tx, Some(actor.user_id), "report_target", Some(input.unit_id), "set", Some(json!({ "target": key, "amount_minor": before })), Some(json!({ "target": key, "amount_minor": input.amount_minor }))).await?;
    tx.commit().await?;
    Ok(())
}

/// The targets a unit's head edits for a month: the unit itself, the units directly below it,
/// and the people of the unit.
pub async fn for_month(db: &Db, actor: &Actor, unit: i64, month: &str, currency: &str) -> DomainResult<Vec<TargetRow>> {
    if !may_set(db, actor, unit).await? {
        return Err(DomainError::Forbidden);
    }
    let (y, m) = crate::opportunities::forecast::parse_month(month)?;
    let month = format!("{y:04}-{m:02}");
    let currency = crate::sales::parse_currency(currency)?;
    let rows = sqlx::query(
        "SELECT o.id AS unit_id, 0 AS user_id, o.name AS name, 0 AS pos FROM org_units o WHERE o.id = $1 \
         UNION ALL SELECT o.id, 0, o.name, 1 FROM org_units o WHERE o.parent_id = $1 \
         UNION ALL SELECT $1, u.id, u.display_name, 2 FROM users u WHERE u.primary_unit_id = $1 AND u.active = 1 \
         ORDER BY pos, unit_id, user_id",
    )
    .bind(unit)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let (u, p): (i64, i64) = (r.try_get("unit_id")?, r.try_get("user_id")?);
        let amount = sqlx::query("SELECT amount_minor FROM report_targets WHERE unit_id = $1 AND user_id = $2 AND month = $3 AND currency = $4")
            .bind(u)
            .bind(p)
            .bind(&month)
            .bind(&currency)
            .fetch_optional(db.pool())
            .await?
            .map(|r| r.try_get("amount_minor"))
            .transpose()?;
        out.push(TargetRow { unit_id: u, user_id: (p != 0).then_some(p), name: r.try_get("name")?, month: month.clone(), currency: currency.clone(), amount_minor: amount });
    }
    Ok(out)
}
