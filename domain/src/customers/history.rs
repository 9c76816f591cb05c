//! Field history of a customer: who changed which field from what to what, and when; and the
//! customer as it was at a past time. Only fields the viewer may read are shown.

use sqlx::Row;

use super::record::{get, CustomerView, OBJECT};
use crate::acting::Actor;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::Action;
use crate::policy::require_on;

pub use domain_types::customers::FieldChange;

/// The changes to fields the actor may read, newest first.
pub async fn field_history(db: &Db, actor: &Actor, customer_id: i64) -> DomainResult<Vec<FieldChange>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, customer_id).await?;
    let rows = sqlx::query(
        "SELECT h.at, u.display_name, h.field, h.old_value, h.new_value FROM customer_history h \
         LEFT JOIN users u ON u.id = h.actor_id WHERE h.customer_id = $1 AND h.kind = 'field' ORDER BY h.at DESC, h.id DESC",
    )
    .bind(customer_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let field: String = r.try_get("field")?;
        if !actor.fields.can_read(OBJECT, &field) {
            continue;
        }
        out.push(FieldChange {
            at: r.try_get("at")?,
            who: r.try_get("display_name")?,
            field,
            old: r.try_get::<Option<String>, _>("old_value")?.unwrap_or_default(),
            new: r.try_get::<Option<String>, _>("new_value")?.unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The customer as it was at `at` (UTC ms): today's values with every later change undone.
/// Fields the actor may not read stay absent.
pub async fn as_of(db: &Db, actor: &Actor, customer_id: i64, at: i64) -> DomainResult<CustomerView> {
    let mut view = get(db, actor, customer_id).await?;
    if at < view.created_at {
        return Err(DomainError::invalid("at", "before_creation"));
    }
    for change in field_history(db, actor, customer_id).await?.into_iter().filter(|c| c.at > at) {
        let old = change.old;
        match change.field.as_str() {
            "name" => view.name = old,
            "kind" => view.kind = Some(old),
            "industry" => view.industry = Some(old),
            "province" => view.province = Some(old),
            "city" => view.city = Some(old),
            "address" => view.address = Some(old),
            "phone" => view.phone = Some(old),
            "level" => view.level = Some(old),
            "source" => view.source = Some(old),
            "status" => view.status = Some(old),
            "tags" => view.tags = Some(super::tags::split(&old)),
            _ => {}
        }
    }
    Ok(view)
}
