//! The contact list across customers. A contact is seen with its customer: whoever may read the
//! customer (and may read contacts at all) reads its contacts. Like the customer list, it walks
//! one bucket per owner or unit the scope reaches, newest or by name, in keyset pages.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::acting::Actor;
use crate::customers::NOT_WAITING_IN_POOL;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType};
use crate::policy::reach::{reach_on, resolve_buckets, Params};

pub use domain_types::contacts::ContactRow;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactQuery {
    /// Part of the name, phone or e-mail.
    pub text: String,
    /// Continue after this contact id (newest first).
    pub before_id: Option<i64>,
    pub limit: i64,
}

fn require_contact_read(actor: &Actor) -> DomainResult<()> {
    if actor.grants.can(ObjectType::Contact, Action::Read) {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

/// A page of contacts, newest first, of customers the actor may read (not those waiting in pools).
pub async fn list(db: &Db, actor: &Actor, q: &ContactQuery) -> DomainResult<Vec<ContactRow>> {
    require_contact_read(actor)?;
    let mut conn = db.pool().acquire().await?;
    let reach = reach_on(&mut conn, actor, ObjectType::Customer, Action::Read).await?;
    let mut p = Params::default();
    let buckets = resolve_buckets(&mut conn, &mut p, actor, ObjectType::Customer, &reach, "c").await?;
    if buckets.is_empty() {
        return Ok(Vec::new());
    }
    let mut cond = String::new();
    let text = q.text.trim().to_lowercase();
    if !text.is_empty() {
        let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let v = p.text(format!("%{escaped}%"));
        cond.push_str(&format!(" AND (LOWER(k.name) LIKE {v} ESCAPE '\\' OR k.phone LIKE {v} ESCAPE '\\' OR LOWER(k.email) LIKE {v} ESCAPE '\\')"));
    }
    if let Some(before) = q.before_id {
        cond.push_str(&format!(" AND k.id < {}", p.int(before)));
    }
    let limit = p.int(q.limit.clamp(1, 200));
    let union = buckets
        .all()
        .map(|b| {
            format!(
                "SELECT k.id, k.name, k.title, k.phone, k.email, k.customer_id, c.name AS customer_name \
                 FROM customers c JOIN contacts k ON k.customer_id = c.id WHERE ({b}) AND {NOT_WAITING_IN_POOL}{cond}"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let sql = format!("SELECT * FROM ({union}) x ORDER BY x.id DESC LIMIT {limit}");
    let rows = p.query(sql).fetch_all(&mut *conn).await?;
    rows.iter().map(row_of).collect()
}

const ONE_SELECT: &str = "SELECT k.id, k.name, k.title, k.phone, k.email, k.customer_id, c.name AS customer_name \
    FROM contacts k JOIN customers c ON c.id = k.customer_id WHERE k.id = $1";

fn row_of(r: &sqlx::any::AnyRow) -> DomainResult<ContactRow> {
    Ok(ContactRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        title: r.try_get("title")?,
        phone: r.try_get("phone")?,
        email: r.try_get("email")?,
        customer_id: r.try_get("customer_id")?,
        customer_name: r.try_get("customer_name")?,
    })
}

/// One contact, for whoever may read contacts and its customer.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> DomainResult<ContactRow> {
    require_contact_read(actor).map_err(|_| DomainError::NotFound)?;
    let mut conn = db.pool().acquire().await?;
    let row = sqlx::query(ONE_SELECT).bind(id).fetch_optional(&mut *conn).await?.ok_or(DomainError::NotFound)?;
    let contact = row_of(&row)?;
    crate::policy::require_on(&mut conn, actor, ObjectType::Customer, Action::Read, contact.customer_id).await?;
    Ok(contact)
}

pub use domain_types::integration::ContactEdit;

/// Changes a contact's fields (those given), with the update right on its customer — the right
/// that lets one add a contact.
pub async fn update(db: &Db, actor: &Actor, id: i64, edit: &ContactEdit) -> DomainResult<ContactRow> {
    let mut tx = db.begin_write().await?;
    let current = row_of(&sqlx::query(ONE_SELECT).bind(id).fetch_optional(&mut *tx).await?.ok_or(DomainError::NotFound)?)?;
    crate::policy::require_on(&mut tx, actor, ObjectType::Customer, Action::Update, current.customer_id).await?;
    let name = edit.name.as_deref().map(str::trim).unwrap_or(&current.name).to_string();
    if name.is_empty() {
        return Err(DomainError::invalid("name", "required"));
    }
    let title = edit.title.as_deref().map(str::trim).unwrap_or(&current.title).to_string();
    let phone = edit.phone.as_deref().map(crate::activity::normalize_phone).unwrap_or(current.phone.clone());
    let email = match edit.email.as_deref().map(str::trim) {
        Some("") => String::new(),
        Some(e) => crate::accounts::users::Email::parse(e)?.as_str().to_string(),
        None => current.email.clone(),
    };
    for (field, value, limit) in [("name", &name, 100), ("title", &title, 100), ("phone", &phone, 30)] {
        if value.chars().count() > limit {
            return Err(DomainError::invalid(field, "too_long"));
        }
    }
    sqlx::query("UPDATE contacts SET name = $2, title = $3, phone = $4, email = $5, updated_at = $6 WHERE id = $1")
        .bind(id)
        .bind(&name)
        .bind(&title)
        .bind(&phone)
        .bind(&email)
        .bind(crate::clock::now_ms())
        .execute(&mut *tx)
        .await?;
    crate::events::write(&mut tx, "customer.contact", ObjectType::Customer, current.customer_id, Some(actor.user_id), None, serde_json::json!({ "contact_id": id })).await?;
    tx.commit().await?;
    Ok(ContactRow { name, title, phone, email, ..current })
}
