//! The end of a lead: converted into a customer with a contact (and optionally an opportunity),
//! all in one transaction, or disqualified with a reason. Converted leads cannot be disqualified
//! and disqualified ones cannot be converted; of two conversions at once exactly one wins.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use super::record::{closed_conflict, event, is_closed, lock_lead, OBJECT};
use crate::acting::Actor;
use crate::activity::{insert_contact_tx, insert_held_customer_tx, refuse_duplicate};
use crate::clock::now_ms;
use crate::customers::NewCustomer;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType};
use crate::opportunities::{self, NewOpportunity};
use crate::policy::require_on;

/// What a conversion created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Converted {
    pub customer_id: i64,
    /// None when the lead named a company but no person.
    pub contact_id: Option<i64>,
    pub opportunity_id: Option<i64>,
}

/// The lead as a conversion needs it.
struct Source {
    name: String,
    company: String,
    title: String,
    phone: String,
    email: String,
    province: String,
    city: String,
    source: String,
    owner: Option<i64>,
}

async fn source_of(conn: &mut sqlx::AnyConnection, lead_id: i64) -> DomainResult<(String, Source)> {
    let r = sqlx::query("SELECT name, company, title, phone, email, province, city, source, status, owner_id FROM leads WHERE id = $1")
        .bind(lead_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(DomainError::NotFound)?;
    Ok((
        r.try_get("status")?,
        Source {
            name: r.try_get("name")?,
            company: r.try_get("company")?,
            title: r.try_get("title")?,
            phone: r.try_get("phone")?,
            email: r.try_get("email")?,
            province: r.try_get("province")?,
            city: r.try_get("city")?,
            source: r.try_get("source")?,
            owner: r.try_get("owner_id")?,
        },
    ))
}

impl Source {
    /// The customer's name: the company, or the person for a lead without one.
    fn customer_name(&self) -> &str {
        if self.company.is_empty() {
            &self.name
        } else {
            &self.company
        }
    }
}

/// Converts a lead, with the update right on it and the rights to create customers (and
/// opportunities, when one is asked for). The customer goes to the lead's owner (or the actor for
/// an unassigned lead) in their primary unit, with a contact for the lead's person and the
/// opportunity. A customer with the same name or phone anywhere in the group refuses the
/// conversion as customer creation does; a lead converted meanwhile answers a conflict.
pub async fn convert(db: &Db, actor: &Actor, lead_id: i64, opportunity: Option<NewOpportunity>) -> DomainResult<Converted> {
    let opportunity = opportunity.map(|o| o.validated()).transpose()?;
    {
        let mut conn = db.pool().acquire().await?;
        require_on(&mut conn, actor, OBJECT, Action::Update, lead_id).await?;
    }
    if !actor.may_create(ObjectType::Customer) || (opportunity.is_some() && !actor.may_create(ObjectType::Opportunity)) {
        return Err(DomainError::Forbidden);
    }
    // Checked before the write transaction (the check reads on connections of its own); a lead
    // closed meanwhile is caught under the lock below.
    let (status, lead) = source_of(&mut *db.pool().acquire().await?, lead_id).await?;
    if is_closed(&status) {
        return Err(closed_conflict(&status));
    }
    if let Err(duplicate) = refuse_duplicate(db, actor, lead.customer_name(), &lead.phone).await {
        // The duplicate may be the customer a conversion of this very lead just committed.
        let (status, _) = source_of(&mut *db.pool().acquire().await?, lead_id).await?;
        return Err(if is_closed(&status) { closed_conflict(&status) } else { duplicate });
    }

    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, lead_id).await?;
    let (status, _) = lock_lead(&mut tx, db, lead_id).await?;
    if is_closed(&status) {
        return Err(closed_conflict(&status));
    }
    let (_, lead) = source_of(&mut tx, lead_id).await?;
    let active_owner = match lead.owner {
        Some(o) => sqlx::query("SELECT primary_unit_id FROM users WHERE id = $1 AND active = 1").bind(o).fetch_optional(&mut *tx).await?
            .map(|r| r.try_get::<i64, _>("primary_unit_id").map(|unit| (o, unit)))
            .transpose()?,
        None => None,
    };
    let (owner, unit) = active_owner.unwrap_or((actor.user_id, actor.units[0]));
    let customer = NewCustomer {
        name: lead.customer_name().to_string(),
        kind: if lead.company.is_empty() { "person" } else { "company" },
        industry: String::new(),
        province: lead.province.clone(),
        city: lead.city.clone(),
        phone: lead.phone.clone(),
        level: 'C',
        source: lead.source.clone(),
        owner_id: Some(owner),
        unit_id: unit,
    };
    let customer_id = insert_held_customer_tx(&mut tx, &customer, actor.user_id).await?;
    let contact_id = if lead.name.is_empty() {
        None
    } else {
        Some(insert_contact_tx(&mut tx, customer_id, &lead.name, &lead.title, &lead.phone, &lead.email, actor.user_id).await?)
    };
    let opportunity_id = match &opportunity {
        Some(o) => Some(opportunities::insert_tx(&mut tx, customer_id, o, Some(owner), unit, actor.user_id).await?),
        None => None,
    };
    let won = sqlx::query(
        "UPDATE leads SET status = 'converted', converted_customer_id = $2, converted_contact_id = $3, converted_opportunity_id = $4, \
         updated_at = $5 WHERE id = $1 AND status NOT IN ('converted', 'disqualified')",
    )
    .bind(lead_id)
    .bind(customer_id)
    .bind(contact_id)
    .bind(opportunity_id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if won == 0 {
        return Err(DomainError::Conflict("lead_converted".into()));
    }
    event(&mut tx, "lead.convert", lead_id, Some(actor.user_id), Some(owner).filter(|o| *o != actor.user_id),
        json!({"customer_id": customer_id, "contact_id": contact_id, "opportunity_id": opportunity_id})).await?;
    tx.commit().await?;
    Ok(Converted { customer_id, contact_id, opportunity_id })
}

/// Disqualifies a lead with a reason, with the update right on it.
pub async fn disqualify(db: &Db, actor: &Actor, lead_id: i64, reason: &str) -> DomainResult<()> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(DomainError::invalid("reason", "required"));
    }
    if reason.chars().count() > 500 {
        return Err(DomainError::invalid("reason", "too_long"));
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, lead_id).await?;
    let (status, owner) = lock_lead(&mut tx, db, lead_id).await?;
    if is_closed(&status) {
        return Err(closed_conflict(&status));
    }
    sqlx::query("UPDATE leads SET status = 'disqualified', disqualify_reason = $2, updated_at = $3 WHERE id = $1")
        .bind(lead_id)
        .bind(reason)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    event(&mut tx, "lead.disqualify", lead_id, Some(actor.user_id), owner.filter(|o| *o != actor.user_id), json!({"reason": reason})).await?;
    tx.commit().await?;
    Ok(())
}
