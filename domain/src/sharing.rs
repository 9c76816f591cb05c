//! Ownership and sharing of records: transfer to another owner, share with a user or a unit,
//! revoke. Each operation is checked by the policy on the record and written to the audit log.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::acting::Actor;
use crate::audit;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType};
use crate::policy::require_on;
use crate::records::table_of;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grantee {
    User(i64),
    Unit(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareAccess {
    Read,
    Edit,
}

impl ShareAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            ShareAccess::Read => "read",
            ShareAccess::Edit => "edit",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub id: i64,
    pub object: String,
    pub record_id: i64,
    pub grantee: Grantee,
    pub grantee_name: String,
    pub access: String,
    pub expires_at: Option<i64>,
    pub created_at: i64,
    pub created_by: Option<i64>,
}

fn table_name(object: ObjectType) -> DomainResult<&'static str> {
    match table_of(object).map(|t| t.table) {
        Some("customers") => Ok("customers"),
        _ => Err(DomainError::NotFound),
    }
}

async fn user_exists(tx: &mut crate::db::Tx, id: i64) -> DomainResult<Option<i64>> {
    Ok(sqlx::query("SELECT primary_unit_id FROM users WHERE id = $1 AND active = 1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.try_get("primary_unit_id"))
        .transpose()?)
}

async fn unit_exists(tx: &mut crate::db::Tx, id: i64) -> DomainResult<bool> {
    Ok(sqlx::query("SELECT id FROM org_units WHERE id = $1 AND active = 1").bind(id).fetch_optional(&mut **tx).await?.is_some())
}

/// Shares a record. Needs the share right on the record; the expiry, if any, must be in the future.
pub async fn share(
    db: &Db,
    actor: &Actor,
    object: ObjectType,
    record_id: i64,
    grantee: Grantee,
    access: ShareAccess,
    expires_at: Option<i64>,
) -> DomainResult<i64> {
    table_name(object)?;
    if expires_at.is_some_and(|e| e <= now_ms()) {
        return Err(DomainError::invalid("expires_at", "in_the_past"));
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, object, Action::Share, record_id).await?;
    let (to_user, to_unit) = match grantee {
        Grantee::User(u) => {
            user_exists(&mut tx, u).await?.ok_or(DomainError::invalid("grantee", "unknown_user"))?;
            (Some(u), None)
        }
        Grantee::Unit(u) => {
            if !unit_exists(&mut tx, u).await? {
                return Err(DomainError::invalid("grantee", "unknown_unit"));
            }
            (None, Some(u))
        }
    };
    let id: i64 = sqlx::query(
        "INSERT INTO shares (object, record_id, grantee_user_id, grantee_unit_id, access, expires_at, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(object.as_str())
    .bind(record_id)
    .bind(to_user)
    .bind(to_unit)
    .bind(access.as_str())
    .bind(expires_at)
    .bind(now_ms())
    .bind(actor.user_id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let after = json!({"object": object.as_str(), "record_id": record_id, "user": to_user, "unit": to_unit,
                       "access": access.as_str(), "expires_at": expires_at});
    audit::record(&mut tx, Some(actor.user_id), "share", Some(id), "create", None, Some(after)).await?;
    crate::events::write(&mut tx, "share.granted", object, record_id, Some(actor.user_id), to_user, json!({ "access": access.as_str() })).await?;
    tx.commit().await?;
    Ok(id)
}

/// Revokes a share. Needs the share right on the shared record.
pub async fn revoke(db: &Db, actor: &Actor, share_id: i64) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "SELECT object, record_id, grantee_user_id, grantee_unit_id, access, expires_at FROM shares WHERE id = $1",
    )
    .bind(share_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound)?;
    let object = ObjectType::parse(&row.try_get::<String, _>("object")?).ok_or(DomainError::NotFound)?;
    let record_id: i64 = row.try_get("record_id")?;
    require_on(&mut tx, actor, object, Action::Share, record_id).await?;
    sqlx::query("DELETE FROM shares WHERE id = $1").bind(share_id).execute(&mut *tx).await?;
    let before = json!({"object": object.as_str(), "record_id": record_id,
                        "user": row.try_get::<Option<i64>, _>("grantee_user_id")?,
                        "unit": row.try_get::<Option<i64>, _>("grantee_unit_id")?,
                        "access": row.try_get::<String, _>("access")?,
                        "expires_at": row.try_get::<Option<i64>, _>("expires_at")?});
    audit::record(&mut tx, Some(actor.user_id), "share", Some(share_id), "revoke", Some(before), None).await?;
    crate::events::write(&mut tx, "share.revoked", object, record_id, Some(actor.user_id), None, json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// The shares of a record, for anyone who may read it.
pub async fn list(db: &Db, actor: &Actor, object: ObjectType, record_id: i64) -> DomainResult<Vec<Share>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, object, Action::Read, record_id).await?;
    let rows = sqlx::query(
        "SELECT s.id, s.object, s.record_id, s.grantee_user_id, s.grantee_unit_id, s.access, s.expires_at, \
                s.created_at, s.created_by, COALESCE(u.display_name, o.name) AS grantee_name \
         FROM shares s LEFT JOIN users u ON u.id = s.grantee_user_id LEFT JOIN org_units o ON o.id = s.grantee_unit_id \
         WHERE s.object = $1 AND s.record_id = $2 ORDER BY s.id",
    )
    .bind(object.as_str())
    .bind(record_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let user: Option<i64> = r.try_get("grantee_user_id")?;
            let unit: Option<i64> = r.try_get("grantee_unit_id")?;
            Ok(Share {
                id: r.try_get("id")?,
                object: r.try_get("object")?,
                record_id: r.try_get("record_id")?,
                grantee: match (user, unit) {
                    (Some(u), _) => Grantee::User(u),
                    (None, Some(u)) => Grantee::Unit(u),
                    (None, None) => return Err(DomainError::Internal("share without grantee".into())),
                },
                grantee_name: r.try_get::<Option<String>, _>("grantee_name")?.unwrap_or_default(),
                access: r.try_get("access")?,
                expires_at: r.try_get("expires_at")?,
                created_at: r.try_get("created_at")?,
                created_by: r.try_get("created_by")?,
            })
        })
        .collect()
}

/// Transfers a record to another owner. The owning unit follows the new owner's primary unit
/// unless one is chosen. Needs the assign right on the record.
pub async fn transfer(
    db: &Db,
    actor: &Actor,
    object: ObjectType,
    record_id: i64,
    new_owner: i64,
    unit: Option<i64>,
) -> DomainResult<()> {
    table_name(object)?;
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, object, Action::Assign, record_id).await?;
    // A customer whose transfer is being approved keeps its owner until the decision.
    crate::approvals::ensure_not_under_approval(&mut tx, object.as_str(), record_id).await?;
    transfer_tx(&mut tx, actor.user_id, object, record_id, new_owner, unit).await?;
    tx.commit().await?;
    Ok(())
}

/// The transfer itself, inside a caller's transaction and without the rights check: the caller
/// has decided (a direct transfer by someone with the assign right, or an approved transfer).
pub(crate) async fn transfer_tx(
    tx: &mut crate::db::Tx,
    actor_id: i64,
    object: ObjectType,
    record_id: i64,
    new_owner: i64,
    unit: Option<i64>,
) -> DomainResult<()> {
    let table = table_name(object)?;
    let owner_unit = user_exists(tx, new_owner).await?.ok_or(DomainError::invalid("owner", "unknown_user"))?;
    let unit = match unit {
        Some(u) if unit_exists(tx, u).await? => u,
        Some(_) => return Err(DomainError::invalid("unit", "unknown_unit")),
        None => owner_unit,
    };
    let before = sqlx::query("SELECT owner_id, unit_id FROM customers WHERE id = $1")
        .bind(record_id)
        .fetch_one(&mut **tx)
        .await?;
    let before = json!({"owner_id": before.try_get::<Option<i64>, _>("owner_id")?, "unit_id": before.try_get::<i64, _>("unit_id")?});
    debug_assert_eq!(table, "customers");
    // A customer handed to an owner leaves any pool it waited in.
    sqlx::query("UPDATE customers SET owner_id = $2, unit_id = $3, pool_id = NULL, owned_since = $4, updated_at = $4 WHERE id = $1")
        .bind(record_id)
        .bind(new_owner)
        .bind(unit)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    let after = json!({"owner_id": new_owner, "unit_id": unit});
    audit::record(tx, Some(actor_id), object.as_str(), Some(record_id), "transfer", Some(before), Some(after)).await?;
    crate::events::write(tx, "record.transfer", object, record_id, Some(actor_id), Some(new_owner), json!({})).await?;
    Ok(())
}
