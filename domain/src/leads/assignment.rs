//! Who gets a lead. Administrators keep assignment rules: a lead whose province, city or source
//! matches (or any lead, for a rule without a field) goes round-robin to the active people of the
//! rule's unit and the units below it who may own leads (their roles grant creating leads),
//! ordered by user id and continuing after the last one served. The first matching active rule by
//! priority wins. The rule's row is locked while its pointer moves, so leads captured at the
//! same moment still go round evenly. Managers assign leads by hand within their reach.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::input::CleanLead;
use super::record::{closed_conflict, event, is_closed, lock_lead, OBJECT};
use crate::acting::Actor;
use crate::audit;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::objects::Action;
use crate::policy::{decide_on, record_filter, require_on};

pub use domain_types::leads::RuleInput;

/// The fields a rule may match on; "" matches every lead.
pub const RULE_FIELDS: &[&str] = &["", "province", "city", "source"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: i64,
    pub name: String,
    pub field: String,
    pub value: String,
    pub target_unit_id: i64,
    pub target_unit_name: String,
    pub priority: i64,
    pub active: bool,
    /// The person who got the last lead from this rule.
    pub last_user_name: Option<String>,
    /// How many people the rule hands leads to now.
    pub people: i64,
}

/// Region names match with or without the 省/市 suffix ("北京市" is "北京"), and ASCII text
/// without regard to case.
fn match_key(s: &str) -> String {
    let s = s.trim().to_lowercase();
    for suffix in ["省", "市"] {
        if let Some(stem) = s.strip_suffix(suffix) {
            if !stem.is_empty() {
                return stem.to_string();
            }
        }
    }
    s
}

fn rule_matches(field: &str, value: &str, lead: &CleanLead) -> bool {
    let actual = match field {
        "" => return true,
        "province" => &lead.province,
        "city" => &lead.city,
        "source" => &lead.source,
        _ => return false,
    };
    !actual.is_empty() && match_key(actual) == match_key(value)
}

/// Active people of a unit and the units below it (by primary or extra unit) whose roles let
/// them own leads, by id, with their primary unit.
const ELIGIBLE: &str = "SELECT u.id, u.primary_unit_id FROM users u WHERE u.active = 1 \
    AND (u.primary_unit_id IN (SELECT c.descendant_id FROM org_unit_closure c WHERE c.ancestor_id = $1) \
      OR u.id IN (SELECT uu.user_id FROM user_units uu JOIN org_unit_closure c2 ON c2.descendant_id = uu.unit_id WHERE c2.ancestor_id = $1)) \
    AND EXISTS (SELECT 1 FROM user_roles ur JOIN role_grants g ON g.role_id = ur.role_id \
      WHERE ur.user_id = u.id AND g.object = 'lead' AND g.action = 'create' AND g.scope <> 'none') \
    ORDER BY u.id";

async fn eligible_people(conn: &mut AnyConnection, unit: i64) -> DomainResult<Vec<(i64, i64)>> {
    sqlx::query(ELIGIBLE)
        .bind(unit)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("primary_unit_id")?)))
        .collect()
}

/// Whether a user is active and may own leads; their primary unit if so.
async fn may_own_leads(conn: &mut AnyConnection, user: i64) -> DomainResult<Option<i64>> {
    let row = sqlx::query(
        "SELECT u.primary_unit_id FROM users u WHERE u.id = $1 AND u.active = 1 AND EXISTS (SELECT 1 FROM user_roles ur \
         JOIN role_grants g ON g.role_id = ur.role_id WHERE ur.user_id = u.id AND g.object = 'lead' AND g.action = 'create' AND g.scope <> 'none')",
    )
    .bind(user)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.try_get("primary_unit_id")).transpose()?)
}

struct RuleRow {
    id: i64,
    field: String,
    value: String,
    target_unit_id: i64,
}

/// Where the rules send one lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Routed {
    /// The person and their primary unit.
    pub owner: Option<(i64, i64)>,
    /// The matched rule's unit, when a rule matched.
    pub unit: Option<i64>,
}

/// The assignment rules as one transaction uses them: loaded once, each rule's pointer read
/// under a lock at first use and written back by [`Router::save`].
pub(crate) struct Router {
    rules: Vec<RuleRow>,
    lock: &'static str,
    people: BTreeMap<i64, Vec<(i64, i64)>>,
    pointers: BTreeMap<i64, Option<i64>>,
}

impl Router {
    /// Loads the active rules. With `lock_all` every active rule is locked at once, in id order,
    /// so that a transaction touching several rules (an import) cannot deadlock with another.
    pub(crate) async fn load(tx: &mut Tx, db: &Db, lock_all: bool) -> DomainResult<Router> {
        let rows = sqlx::query("SELECT id, field, value, target_unit_id FROM lead_assignment_rules WHERE active = 1 ORDER BY priority, id")
            .fetch_all(&mut **tx)
            .await?;
        let rules = rows
            .iter()
            .map(|r| Ok(RuleRow { id: r.try_get("id")?, field: r.try_get("field")?, value: r.try_get("value")?, target_unit_id: r.try_get("target_unit_id")? }))
            .collect::<DomainResult<Vec<_>>>()?;
        let mut router = Router { rules, lock: db.for_update(), people: BTreeMap::new(), pointers: BTreeMap::new() };
        if lock_all {
            let sql = format!("SELECT id, last_user_id FROM lead_assignment_rules WHERE active = 1 ORDER BY id{}", router.lock);
            for r in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut **tx).await? {
                router.pointers.insert(r.try_get("id")?, r.try_get("last_user_id")?);
            }
        }
        Ok(router)
    }

    /// The owner (round-robin) and unit the rules choose for a lead, moving the rule's pointer.
    pub(crate) async fn route(&mut self, tx: &mut Tx, lead: &CleanLead) -> DomainResult<Routed> {
        let Some(rule) = self.rules.iter().find(|r| rule_matches(&r.field, &r.value, lead)) else {
            return Ok(Routed { owner: None, unit: None });
        };
        let (rule_id, unit) = (rule.id, rule.target_unit_id);
        if !self.people.contains_key(&rule_id) {
            let people = eligible_people(tx, unit).await?;
            self.people.insert(rule_id, people);
        }
        if !self.pointers.contains_key(&rule_id) {
            // Read the pointer only under the lock: a concurrent capture moves it first, or waits.
            let sql = format!("SELECT last_user_id FROM lead_assignment_rules WHERE id = $1{}", self.lock);
            let last: Option<i64> = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(rule_id).fetch_one(&mut **tx).await?.try_get("last_user_id")?;
            self.pointers.insert(rule_id, last);
        }
        let people = &self.people[&rule_id];
        let last = self.pointers[&rule_id];
        let next = people.iter().find(|(id, _)| last.is_none_or(|l| *id > l)).or(people.first()).copied();
        if let Some((user, _)) = next {
            self.pointers.insert(rule_id, Some(user));
        }
        Ok(Routed { owner: next, unit: Some(unit) })
    }

    /// Writes the moved pointers back.
    pub(crate) async fn save(&self, tx: &mut Tx) -> DomainResult<()> {
        for (rule, last) in &self.pointers {
            if self.people.contains_key(rule) {
                sqlx::query("UPDATE lead_assignment_rules SET last_user_id = $2 WHERE id = $1").bind(*rule).bind(*last).execute(&mut **tx).await?;
            }
        }
        Ok(())
    }
}

/// A manager hands a lead to a person who may own leads, with the assign right on the lead. The
/// lead must stay within the manager's reach: a branch manager assigns within their branch only.
pub async fn assign(db: &Db, actor: &Actor, lead_id: i64, to_user: i64) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Assign, lead_id).await?;
    let (status, before) = lock_lead(&mut tx, db, lead_id).await?;
    if is_closed(&status) {
        return Err(closed_conflict(&status));
    }
    let unit = may_own_leads(&mut tx, to_user).await?.ok_or(DomainError::invalid("owner", "unknown_user"))?;
    let now = now_ms();
    sqlx::query(
        "UPDATE leads SET owner_id = $2, unit_id = $3, status = CASE WHEN status = 'new' THEN 'assigned' ELSE status END, \
         assigned_at = $4, updated_at = $4 WHERE id = $1",
    )
    .bind(lead_id)
    .bind(to_user)
    .bind(unit)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // Decided on the lead as it would be: out of reach, the transaction is dropped unapplied.
    if !decide_on(&mut tx, actor, OBJECT, Action::Assign, lead_id).await?.allowed {
        return Err(DomainError::invalid("owner", "out_of_scope"));
    }
    event(&mut tx, "lead.assign", lead_id, Some(actor.user_id), Some(to_user), json!({"from": before})).await?;
    tx.commit().await?;
    Ok(())
}

/// The people the actor may hand a lead to: those who may own leads and with whom the lead stays
/// within the actor's assign right.
pub async fn assignable_owners(db: &Db, actor: &Actor, lead_id: i64) -> DomainResult<Vec<(i64, String)>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Assign, lead_id).await?;
    // The policy's condition over each candidate as the lead's would-be owner.
    let f = record_filter(actor, OBJECT, Action::Assign, "t", 1, now_ms());
    let n = f.next_param(1);
    let sql = format!(
        "SELECT t.owner_id, t.display_name FROM (SELECT u.id AS owner_id, u.primary_unit_id AS unit_id, u.display_name, \
         CAST(${n} AS BIGINT) AS id FROM users u WHERE u.active = 1 AND EXISTS (SELECT 1 FROM user_roles ur \
         JOIN role_grants g ON g.role_id = ur.role_id WHERE ur.user_id = u.id AND g.object = 'lead' AND g.action = 'create' \
         AND g.scope <> 'none')) t WHERE {} ORDER BY t.owner_id",
        f.sql
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        q = q.bind(*b);
    }
    q.bind(lead_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("owner_id")?, r.try_get("display_name")?)))
        .collect()
}

fn validate_rule(r: &RuleInput) -> DomainResult<RuleInput> {
    let name = r.name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid("name", "required"));
    }
    if name.chars().count() > 100 {
        return Err(DomainError::invalid("name", "too_long"));
    }
    if !RULE_FIELDS.contains(&r.field.as_str()) {
        return Err(DomainError::invalid("field", "unknown_field"));
    }
    let value = if r.field.is_empty() { String::new() } else { r.value.trim().to_string() };
    if !r.field.is_empty() && value.is_empty() {
        return Err(DomainError::invalid("value", "required"));
    }
    if value.chars().count() > 50 {
        return Err(DomainError::invalid("value", "too_long"));
    }
    if !(0..=100_000).contains(&r.priority) {
        return Err(DomainError::invalid("priority", "out_of_range"));
    }
    Ok(RuleInput { name: name.to_string(), field: r.field.clone(), value, ..r.clone() })
}

fn rule_json(r: &RuleInput) -> serde_json::Value {
    json!({"name": r.name, "field": r.field, "value": r.value, "target_unit_id": r.target_unit_id, "priority": r.priority, "active": r.active})
}

/// The assignment rules by priority (administrators only).
pub async fn list_rules(db: &Db, actor: &Actor) -> DomainResult<Vec<Rule>> {
    actor.require_admin()?;
    let mut conn = db.pool().acquire().await?;
    let rows = sqlx::query(
        "SELECT r.id, r.name, r.field, r.value, r.target_unit_id, o.name AS unit_name, r.priority, r.active, u.display_name AS last_user \
         FROM lead_assignment_rules r JOIN org_units o ON o.id = r.target_unit_id LEFT JOIN users u ON u.id = r.last_user_id \
         ORDER BY r.priority, r.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let unit: i64 = r.try_get("target_unit_id")?;
        out.push(Rule {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            field: r.try_get("field")?,
            value: r.try_get("value")?,
            target_unit_id: unit,
            target_unit_name: r.try_get("unit_name")?,
            priority: r.try_get("priority")?,
            active: r.try_get::<i64, _>("active")? == 1,
            last_user_name: r.try_get("last_user")?,
            people: eligible_people(&mut conn, unit).await?.len() as i64,
        });
    }
    Ok(out)
}

/// Creates (`id` None) or changes a rule (administrators only); audited.
pub async fn save_rule(db: &Db, actor: &Actor, id: Option<i64>, input: &RuleInput) -> DomainResult<i64> {
    actor.require_admin()?;
    let r = validate_rule(input)?;
    let mut tx = db.begin_write().await?;
    if sqlx::query("SELECT id FROM org_units WHERE id = $1 AND active = 1").bind(r.target_unit_id).fetch_optional(&mut *tx).await?.is_none() {
        return Err(DomainError::invalid("unit", "unknown_unit"));
    }
    let now = now_ms();
    let id = match id {
        None => {
            let id: i64 = sqlx::query(
                "INSERT INTO lead_assignment_rules (name, field, value, target_unit_id, priority, active, created_at, updated_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
            )
            .bind(&r.name)
            .bind(&r.field)
            .bind(&r.value)
            .bind(r.target_unit_id)
            .bind(r.priority)
            .bind(r.active as i64)
            .bind(now)
            .bind(actor.user_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            audit::record(&mut tx, Some(actor.user_id), "lead_rule", Some(id), "create", None, Some(rule_json(&r))).await?;
            id
        }
        Some(id) => {
            let before = sqlx::query("SELECT name, field, value, target_unit_id, priority, active FROM lead_assignment_rules WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(DomainError::NotFound)?;
            let before = RuleInput {
                name: before.try_get("name")?,
                field: before.try_get("field")?,
                value: before.try_get("value")?,
                target_unit_id: before.try_get("target_unit_id")?,
                priority: before.try_get("priority")?,
                active: before.try_get::<i64, _>("active")? == 1,
            };
            // A new unit starts its round from the beginning.
            sqlx::query(
                "UPDATE lead_assignment_rules SET name = $2, field = $3, value = $4, target_unit_id = $5, priority = $6, active = $7, \
                 last_user_id = CASE WHEN target_unit_id = $5 THEN last_user_id ELSE NULL END, updated_at = $8 WHERE id = $1",
            )
            .bind(id)
            .bind(&r.name)
            .bind(&r.field)
            .bind(&r.value)
            .bind(r.target_unit_id)
            .bind(r.priority)
            .bind(r.active as i64)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            audit::record(&mut tx, Some(actor.user_id), "lead_rule", Some(id), "update", Some(rule_json(&before)), Some(rule_json(&r))).await?;
            id
        }
    };
    tx.commit().await?;
    Ok(id)
}

/// Deletes a rule (administrators only); audited.
pub async fn delete_rule(db: &Db, actor: &Actor, id: i64) -> DomainResult<()> {
    actor.require_admin()?;
    let mut tx = db.begin_write().await?;
    let n = sqlx::query("DELETE FROM lead_assignment_rules WHERE id = $1").bind(id).execute(&mut *tx).await?.rows_affected();
    if n == 0 {
        return Err(DomainError::NotFound);
    }
    audit::record(&mut tx, Some(actor.user_id), "lead_rule", Some(id), "delete", None, None).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(province: &str, city: &str, source: &str) -> CleanLead {
        CleanLead { name: "王五".into(), province: province.into(), city: city.into(), source: source.into(), ..Default::default() }
    }

    #[test]
    fn rules_match_regions_with_or_without_suffix() {
        assert!(rule_matches("province", "北京", &lead("北京市", "", "")));
        assert!(rule_matches("province", "广东省", &lead("广东", "", "")));
        assert!(rule_matches("city", "上海", &lead("", " 上海 ", "")));
        assert!(rule_matches("source", "Website", &lead("", "", "website")));
        assert!(rule_matches("", "", &lead("", "", "")));
        assert!(!rule_matches("province", "北京", &lead("", "北京", "")));
        assert!(!rule_matches("province", "北京", &lead("", "", "")));
        assert!(!rule_matches("industry", "x", &lead("x", "x", "x")));
        // A bare suffix is a value of its own.
        assert_eq!(match_key("市"), "市");
    }

    #[test]
    fn rules_are_checked() {
        let ok = RuleInput { name: "北京".into(), field: "province".into(), value: "北京".into(), target_unit_id: 1, priority: 10, active: true };
        assert!(validate_rule(&ok).is_ok());
        assert!(matches!(validate_rule(&RuleInput { field: "industry".into(), ..ok.clone() }), Err(DomainError::Invalid { field: "field", .. })));
        assert!(matches!(validate_rule(&RuleInput { value: " ".into(), ..ok.clone() }), Err(DomainError::Invalid { field: "value", .. })));
        assert_eq!(validate_rule(&RuleInput { field: "".into(), value: "ignored".into(), ..ok.clone() }).unwrap().value, "");
        assert!(matches!(validate_rule(&RuleInput { priority: -1, ..ok }), Err(DomainError::Invalid { field: "priority", .. })));
    }
}
