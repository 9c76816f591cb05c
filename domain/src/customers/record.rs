//! One customer record as a user may see it: the view (fields they may not read are `None`), the
//! SQL that reads it, reading one, and recording a change of one of its fields in its history.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::acting::Actor;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType};
use crate::policy::require_on;

pub(crate) const OBJECT: ObjectType = ObjectType::Customer;

/// A customer as one user may see it: fields they may not read are `None` and are left out of
/// any serialized form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub unit_id: i64,
    pub unit_name: String,
    pub updated_at: i64,
    pub created_at: i64,
    /// 0 when never followed up.
    pub last_follow_up_at: i64,
}

pub(crate) const SELECT: &str = "SELECT c.id, c.name, c.kind, c.industry, c.province, c.city, c.address, c.phone, c.level, \
    c.source, c.status, c.owner_id, u.display_name AS owner_name, c.unit_id, o.name AS unit_name, c.updated_at, \
    c.created_at, c.last_follow_up_at \
    FROM customers c LEFT JOIN users u ON u.id = c.owner_id JOIN org_units o ON o.id = c.unit_id";

/// Fills in the tags of customers, for users who may read tags.
pub(crate) async fn attach_tags(conn: &mut AnyConnection, actor: &Actor, views: &mut [CustomerView]) -> DomainResult<()> {
    if views.is_empty() || !actor.fields.can_read(OBJECT, "tags") {
        return Ok(());
    }
    let placeholders: Vec<String> = (1..=views.len()).map(|i| format!("${i}")).collect();
    let sql = format!("SELECT customer_id, tag FROM customer_tags WHERE customer_id IN ({}) ORDER BY tag", placeholders.join(", "));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for v in views.iter() {
        q = q.bind(v.id);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    for v in views.iter_mut() {
        v.tags = Some(Vec::new());
    }
    for r in rows {
        let id: i64 = r.try_get("customer_id")?;
        if let Some(v) = views.iter_mut().find(|v| v.id == id) {
            v.tags.get_or_insert_with(Vec::new).push(r.try_get("tag")?);
        }
    }
    Ok(())
}

pub(crate) fn view_from_row(actor: &Actor, r: &AnyRow) -> DomainResult<CustomerView> {
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
        tags: None,
        owner_id: r.try_get("owner_id")?,
        owner_name: r.try_get("owner_name")?,
        unit_id: r.try_get("unit_id")?,
        unit_name: r.try_get("unit_name")?,
        updated_at: r.try_get("updated_at")?,
        created_at: r.try_get("created_at")?,
        last_follow_up_at: r.try_get::<Option<i64>, _>("last_follow_up_at")?.unwrap_or(0),
    })
}

/// Customers waiting in a pool are listed on the pool pages, not among held customers.
pub(crate) const NOT_WAITING_IN_POOL: &str = "NOT (c.owner_id IS NULL AND c.pool_id IS NOT NULL)";

/// One customer, or NotFound when the actor may not read it.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> DomainResult<CustomerView> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, id).await?;
    let sql = format!("{SELECT} WHERE c.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *conn).await?.ok_or(DomainError::NotFound)?;
    let mut view = [view_from_row(actor, &row)?];
    attach_tags(&mut conn, actor, &mut view).await?;
    let [view] = view;
    Ok(view)
}

/// The customer as a row of the customer list, or None when the actor may not read it (any more)
/// or it waits in a pool (the list leaves those out): for updating an open list in place.
pub async fn list_row(db: &Db, actor: &Actor, id: i64) -> DomainResult<Option<CustomerView>> {
    match get(db, actor, id).await {
        Ok(view) => {
            let waiting = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT c.id FROM customers c WHERE c.id = $1 AND NOT {NOT_WAITING_IN_POOL}")))
                .bind(id)
                .fetch_optional(db.pool())
                .await?
                .is_some();
            Ok((!waiting).then_some(view))
        }
        Err(DomainError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes one changed field to the customer's history (read back by [`super::history`]).
pub(crate) async fn record_field_change(tx: &mut Tx, customer_id: i64, actor_id: i64, field: &str, old: &str, new: &str, at: i64) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO customer_history (customer_id, at, actor_id, kind, field, old_value, new_value, note) \
         VALUES ($1, $2, $3, 'field', $4, $5, $6, NULL)",
    )
    .bind(customer_id)
    .bind(at)
    .bind(actor_id)
    .bind(field)
    .bind(old)
    .bind(new)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
