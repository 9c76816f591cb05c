//! One lead as a user may see it, its life (statuses), and what every lead operation shares:
//! reading it, locking it, and writing its events.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::acting::Actor;
use crate::db::Tx;
use crate::error::DomainResult;
use crate::objects::ObjectType;

pub(crate) const OBJECT: ObjectType = ObjectType::Lead;

/// The life of a lead: new (nobody has it yet), assigned, following (at least one follow-up),
/// and finally converted or disqualified.
pub const STATUSES: &[&str] = &["new", "assigned", "following", "converted", "disqualified"];

/// Closed leads take no more follow-ups, assignments, conversions or disqualifications.
pub(crate) fn is_closed(status: &str) -> bool {
    matches!(status, "converted" | "disqualified")
}

/// The conflict a closed lead answers with: "lead_converted" or "lead_disqualified".
pub(crate) fn closed_conflict(status: &str) -> crate::DomainError {
    crate::DomainError::Conflict(if status == "converted" { "lead_converted" } else { "lead_disqualified" }.into())
}

/// A lead as one user may see it: fields they may not read are `None` and left out of any
/// serialized form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LeadView {
    pub id: i64,
    pub name: String,
    pub company: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub status: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub unit_id: i64,
    pub unit_name: String,
    pub disqualify_reason: String,
    pub converted_customer_id: Option<i64>,
    pub converted_contact_id: Option<i64>,
    pub converted_opportunity_id: Option<i64>,
    pub assigned_at: Option<i64>,
    pub first_follow_up_at: Option<i64>,
    pub last_follow_up_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) const SELECT: &str = "SELECT l.id, l.name, l.company, l.title, l.phone, l.email, l.province, l.city, l.source, l.note, \
    l.status, l.owner_id, u.display_name AS owner_name, l.unit_id, o.name AS unit_name, l.disqualify_reason, \
    l.converted_customer_id, l.converted_contact_id, l.converted_opportunity_id, l.assigned_at, l.first_follow_up_at, \
    l.last_follow_up_at, l.created_at, l.updated_at \
    FROM leads l LEFT JOIN users u ON u.id = l.owner_id JOIN org_units o ON o.id = l.unit_id";

pub(crate) fn view_from_row(actor: &Actor, r: &AnyRow) -> DomainResult<LeadView> {
    let field = |name: &'static str| -> DomainResult<Option<String>> {
        if actor.fields.can_read(OBJECT, name) {
            Ok(Some(r.try_get::<String, _>(name)?))
        } else {
            Ok(None)
        }
    };
    Ok(LeadView {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        company: r.try_get("company")?,
        title: field("title")?,
        phone: field("phone")?,
        email: field("email")?,
        province: field("province")?,
        city: field("city")?,
        source: field("source")?,
        note: field("note")?,
        status: r.try_get("status")?,
        owner_id: r.try_get("owner_id")?,
        owner_name: r.try_get("owner_name")?,
        unit_id: r.try_get("unit_id")?,
        unit_name: r.try_get("unit_name")?,
        disqualify_reason: r.try_get("disqualify_reason")?,
        converted_customer_id: r.try_get("converted_customer_id")?,
        converted_contact_id: r.try_get("converted_contact_id")?,
        converted_opportunity_id: r.try_get("converted_opportunity_id")?,
        assigned_at: r.try_get("assigned_at")?,
        first_follow_up_at: r.try_get("first_follow_up_at")?,
        last_follow_up_at: r.try_get("last_follow_up_at")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// A lead event, written in the transaction of the change.
pub(crate) async fn event(tx: &mut Tx, kind: &str, lead_id: i64, actor_id: Option<i64>, target_user: Option<i64>, payload: serde_json::Value) -> DomainResult<()> {
    crate::events::write(tx, kind, OBJECT, lead_id, actor_id, target_user, payload).await?;
    Ok(())
}

/// The status and owner of a lead, locked until the transaction ends (PostgreSQL `FOR UPDATE`;
/// SQLite's write transaction holds the whole database), so that two changes of one lead at once
/// run one after the other and the second sees the first.
pub(crate) async fn lock_lead(tx: &mut Tx, db: &crate::Db, lead_id: i64) -> DomainResult<(String, Option<i64>)> {
    let sql = format!("SELECT status, owner_id FROM leads WHERE id = $1{}", db.for_update());
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(lead_id).fetch_optional(&mut **tx).await?.ok_or(crate::DomainError::NotFound)?;
    Ok((row.try_get("status")?, row.try_get("owner_id")?))
}
