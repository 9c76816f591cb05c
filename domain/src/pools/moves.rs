//! A customer entering or returning to the pools. Every move is written to the customer's
//! history and to the events, in the transaction of the change.

use serde_json::json;
use sqlx::Row;

use super::rules::route_on;
use crate::clock::now_ms;
use crate::db::Tx;
use crate::error::{DomainError, DomainResult};
use crate::objects::ObjectType;

/// A line of the customer's history (its timeline), written with the change.
pub(crate) async fn history(tx: &mut Tx, customer_id: i64, actor_id: Option<i64>, kind: &str, note: Option<&str>, old: Option<String>, new: Option<String>) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO customer_history (customer_id, at, actor_id, kind, field, old_value, new_value, note) VALUES ($1, $2, $3, $4, NULL, $5, $6, $7)",
    )
    .bind(customer_id)
    .bind(now_ms())
    .bind(actor_id)
    .bind(kind)
    .bind(old)
    .bind(new)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A customer event, written with the change.
pub(crate) async fn event(tx: &mut Tx, kind: &str, customer_id: i64, actor_id: Option<i64>, target_user: Option<i64>, payload: serde_json::Value) -> DomainResult<()> {
    crate::events::write(tx, kind, ObjectType::Customer, customer_id, actor_id, target_user, payload).await?;
    Ok(())
}

async fn pool_unit(tx: &mut Tx, pool_id: i64) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT unit_id FROM pools WHERE id = $1").bind(pool_id).fetch_one(&mut **tx).await?.try_get("unit_id")?)
}

/// Puts an unowned customer into the pool its entry rules choose (used at creation and import).
pub async fn enter_pool_tx(tx: &mut Tx, customer_id: i64, actor_id: Option<i64>) -> DomainResult<Option<i64>> {
    let Some(pool) = route_on(tx, customer_id).await? else { return Ok(None) };
    let unit = pool_unit(tx, pool).await?;
    sqlx::query("UPDATE customers SET pool_id = $2, unit_id = $3, owner_id = NULL WHERE id = $1")
        .bind(customer_id)
        .bind(pool)
        .bind(unit)
        .execute(&mut **tx)
        .await?;
    history(tx, customer_id, actor_id, "pool_enter", None, None, Some(pool.to_string())).await?;
    Ok(Some(pool))
}

/// Moves a held customer back into its pool; shared by release and recycle.
pub(super) async fn return_to_pool_tx(tx: &mut Tx, customer_id: i64, owner: i64, actor_id: Option<i64>, kind: &str, note: Option<&str>) -> DomainResult<i64> {
    let pool = route_on(tx, customer_id).await?.ok_or(DomainError::Conflict("no_pool".into()))?;
    let unit = pool_unit(tx, pool).await?;
    let now = now_ms();
    sqlx::query(
        "UPDATE customers SET owner_id = NULL, pool_id = $2, unit_id = $3, previous_owner_id = $4, released_at = $5, \
         owned_since = NULL, updated_at = $5 WHERE id = $1",
    )
    .bind(customer_id)
    .bind(pool)
    .bind(unit)
    .bind(owner)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    history(tx, customer_id, actor_id, kind, note, Some(owner.to_string()), Some(pool.to_string())).await?;
    event(tx, &format!("pool.{kind}"), customer_id, actor_id, Some(owner), json!({"pool_id": pool, "reason": note})).await?;
    Ok(pool)
}
