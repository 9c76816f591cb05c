//! Capturing a lead: its creation, after the checks of [`super::input`], with an owner from the
//! assignment rules or the person who captured it.

use serde_json::json;
use sqlx::Row;

use super::assignment::Router;
use super::input::{CleanLead, LeadInput, ValidateLead};
use super::record::{event, OBJECT};
use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::objects::Action;
use crate::policy::decide_on;

pub use domain_types::leads::Captured;

/// Inserts a lead with its owner (or none) and unit, and writes its events.
pub(crate) async fn insert_lead_tx(tx: &mut Tx, lead: &CleanLead, owner: Option<i64>, unit: i64, actor_id: i64) -> DomainResult<i64> {
    let now = now_ms();
    let id: i64 = sqlx::query(
        "INSERT INTO leads (name, company, title, phone, email, province, city, source, note, status, owner_id, unit_id, \
         assigned_at, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15) RETURNING id",
    )
    .bind(&lead.name)
    .bind(&lead.company)
    .bind(&lead.title)
    .bind(&lead.phone)
    .bind(&lead.email)
    .bind(&lead.province)
    .bind(&lead.city)
    .bind(&lead.source)
    .bind(&lead.note)
    .bind(if owner.is_some() { "assigned" } else { "new" })
    .bind(owner)
    .bind(unit)
    .bind(owner.map(|_| now))
    .bind(now)
    .bind(actor_id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    event(tx, "lead.create", id, Some(actor_id), None, json!({})).await?;
    if let Some(o) = owner.filter(|o| *o != actor_id) {
        event(tx, "lead.assign", id, Some(actor_id), Some(o), json!({"by": "rules"})).await?;
    }
    Ok(id)
}

pub(crate) async fn names_of(tx: &mut Tx, owner: Option<i64>, unit: i64) -> DomainResult<(Option<String>, String)> {
    let owner_name = match owner {
        Some(o) => Some(sqlx::query("SELECT display_name FROM users WHERE id = $1").bind(o).fetch_one(&mut **tx).await?.try_get("display_name")?),
        None => None,
    };
    let unit_name = sqlx::query("SELECT name FROM org_units WHERE id = $1").bind(unit).fetch_one(&mut **tx).await?.try_get("name")?;
    Ok((owner_name, unit_name))
}

/// Captures a lead. Needs a create grant for leads. With `keep` the actor owns it in their
/// primary unit; otherwise the first matching assignment rule hands it round-robin to one of its
/// unit's people, and without a rule (or anyone to take it) it waits unassigned in the rule's
/// unit, else in the actor's primary unit.
pub async fn create_lead(db: &Db, actor: &Actor, input: &LeadInput) -> DomainResult<Captured> {
    if !actor.may_create(OBJECT) {
        return Err(DomainError::Forbidden);
    }
    let lead = input.validated()?;
    let mut tx = db.begin_write().await?;
    let (owner, unit) = if input.keep {
        (Some(actor.user_id), actor.units[0])
    } else {
        let mut router = Router::load(&mut tx, db, false).await?;
        let routed = router.route(&mut tx, &lead).await?;
        router.save(&mut tx).await?;
        (routed.owner.map(|(user, _)| user), routed.owner.map(|(_, unit)| unit).or(routed.unit).unwrap_or(actor.units[0]))
    };
    let id = insert_lead_tx(&mut tx, &lead, owner, unit, actor.user_id).await?;
    let visible = decide_on(&mut tx, actor, OBJECT, Action::Read, id).await?.allowed;
    let (owner_name, unit_name) = names_of(&mut tx, owner, unit).await?;
    tx.commit().await?;
    Ok(Captured { id, owner_id: owner, owner_name, unit_id: unit, unit_name, visible })
}

pub use domain_types::integration::LeadEdit;

/// Changes the given fields of a lead that is still open, with the update right on it and the
/// edit right on every changed field; the result passes the same checks as a new lead.
pub async fn edit(db: &Db, actor: &Actor, id: i64, e: &LeadEdit) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    crate::policy::require_on(&mut tx, actor, OBJECT, Action::Update, id).await?;
    let row = sqlx::query("SELECT name, company, title, phone, email, province, city, source, note, status FROM leads WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let status: String = row.try_get("status")?;
    if super::record::is_closed(&status) {
        return Err(super::record::closed_conflict(&status));
    }
    let old = |f: &str| -> DomainResult<String> { Ok(row.try_get::<String, _>(f)?) };
    let pick = |given: &Option<String>, f: &str| -> DomainResult<String> { given.clone().map(Ok).unwrap_or_else(|| old(f)) };
    let input = LeadInput {
        name: pick(&e.name, "name")?,
        company: pick(&e.company, "company")?,
        title: pick(&e.title, "title")?,
        phone: pick(&e.phone, "phone")?,
        email: pick(&e.email, "email")?,
        province: pick(&e.province, "province")?,
        city: pick(&e.city, "city")?,
        source: pick(&e.source, "source")?,
        note: pick(&e.note, "note")?,
        keep: true,
    };
    let lead = input.validated()?;
    let fields = [
        ("name", &lead.name),
        ("company", &lead.company),
        ("title", &lead.title),
        ("phone", &lead.phone),
        ("email", &lead.email),
        ("province", &lead.province),
        ("city", &lead.city),
        ("source", &lead.source),
        ("note", &lead.note),
    ];
    let mut changed = Vec::new();
    for (f, v) in fields {
        if old(f)? != *v {
            changed.push((f, v.clone()));
        }
    }
    actor.fields.check_writes(OBJECT, changed.iter().map(|(f, _)| *f))?;
    if changed.is_empty() {
        return Ok(());
    }
    // Column names come from the fixed list above; values are bound.
    let sets: Vec<String> = changed.iter().enumerate().map(|(i, (f, _))| format!("{f} = ${}", i + 3)).collect();
    let sql = format!("UPDATE leads SET updated_at = $2, {} WHERE id = $1", sets.join(", "));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(now_ms());
    for (_, v) in &changed {
        q = q.bind(v.clone());
    }
    q.execute(&mut *tx).await?;
    let names: Vec<&str> = changed.iter().map(|(f, _)| *f).collect();
    event(&mut tx, "lead.update", id, Some(actor.user_id), None, json!({ "fields": names })).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, company: &str) -> LeadInput {
        LeadInput { name: name.into(), company: company.into(), ..Default::default() }
    }

    #[test]
    fn a_lead_needs_a_name_or_a_company() {
        assert!(matches!(input(" ", "").validated(), Err(DomainError::Invalid { field: "name", code: "name_or_company" })));
        assert_eq!(input(" 王五 ", "").validated().unwrap().name, "王五");
        assert_eq!(input("", "华信科技").validated().unwrap().company, "华信科技");
    }

    #[test]
    fn phones_become_digits_and_emails_are_checked() {
        let ok = LeadInput { phone: "+86 138-0013-8000".into(), email: " Wang@Example.COM ".into(), ..input("王五", "") }.validated().unwrap();
        assert_eq!(ok.phone, "8613800138000");
        assert_eq!(ok.email, "wang@example.com");
        assert!(matches!(LeadInput { phone: "12-3".into(), ..input("王五", "") }.validated(), Err(DomainError::Invalid { field: "phone", .. })));
        assert!(matches!(LeadInput { phone: "电话".into(), ..input("王五", "") }.validated(), Err(DomainError::Invalid { field: "phone", .. })));
        assert!(matches!(LeadInput { email: "not-mail".into(), ..input("王五", "") }.validated(), Err(DomainError::Invalid { field: "email", .. })));
    }

    #[test]
    fn lengths_are_limited() {
        assert!(matches!(input(&"名".repeat(101), "").validated(), Err(DomainError::Invalid { field: "name", code: "too_long" })));
        assert!(matches!(LeadInput { note: "x".repeat(2001), ..input("王五", "") }.validated(), Err(DomainError::Invalid { field: "note", code: "too_long" })));
        assert!(input(&"名".repeat(100), "").validated().is_ok());
    }
}
