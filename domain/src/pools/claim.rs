//! Claiming a pool customer, releasing a held one back to the pools, and a manager assigning one
//! to a person. A claim is one guarded update, so of many simultaneous claims exactly one wins.

use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::membership::member_pools_on;
use super::moves::{event, history, return_to_pool_tx};
use crate::acting::Actor;
use crate::clock::{now_ms, DAY_MS};
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType};
use crate::policy::require_on;

fn day_start(now: i64) -> i64 {
    now - now.rem_euclid(DAY_MS)
}

/// Whether the actor may claim pool customers at all: only people who may own customers.
pub fn may_claim(actor: &Actor) -> bool {
    actor.may_create(ObjectType::Customer)
}

/// Claims a pool customer for the actor. Exactly one of many simultaneous claims wins; the others
/// learn who has it. Caps and the cool-down hold under concurrency too.
pub async fn claim(db: &Db, actor: &Actor, customer_id: i64) -> DomainResult<()> {
    if !may_claim(actor) {
        return Err(DomainError::Forbidden);
    }
    let mut tx = db.begin_write().await?;
    // Serialize this person's claims so that two at once cannot both slip under a cap.
    let lock = format!("SELECT id FROM users WHERE id = $1{}", db.for_update());
    sqlx::query(sqlx::AssertSqlSafe(lock)).bind(actor.user_id).fetch_one(&mut *tx).await?;
    let c = sqlx::query("SELECT pool_id, owner_id, previous_owner_id, released_at FROM customers WHERE id = $1")
        .bind(customer_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(DomainError::NotFound)?;
    let pool_id: Option<i64> = c.try_get("pool_id")?;
    let owner: Option<i64> = c.try_get("owner_id")?;
    let member_pools = member_pools_on(&mut tx, actor).await?;
    let pool_id = match (pool_id, owner) {
        (Some(p), None) if member_pools.contains(&p) => p,
        (_, Some(o)) => {
            // Taken already. Tell who has it to those who could see it in their pool until the
            // claim (or may see it now); to anyone else it does not exist.
            let last_pool: Option<i64> = sqlx::query("SELECT pool_id FROM pool_claims WHERE customer_id = $1 ORDER BY id DESC LIMIT 1")
                .bind(customer_id)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.try_get("pool_id"))
                .transpose()?;
            let could_see = last_pool.is_some_and(|p| member_pools.contains(&p))
                || crate::policy::decide_on(&mut tx, actor, ObjectType::Customer, Action::Read, customer_id).await?.allowed;
            return Err(if could_see { DomainError::AlreadyClaimed { by: user_name(&mut tx, o).await? } } else { DomainError::NotFound });
        }
        _ => return Err(DomainError::NotFound),
    };
    let pool = sqlx::query("SELECT max_held_per_user, max_claims_per_day, cooldown_days FROM pools WHERE id = $1")
        .bind(pool_id)
        .fetch_one(&mut *tx)
        .await?;
    let (max_held, max_daily, cooldown): (i64, i64, i64) =
        (pool.try_get("max_held_per_user")?, pool.try_get("max_claims_per_day")?, pool.try_get("cooldown_days")?);
    let now = now_ms();
    if cooldown > 0 && c.try_get::<Option<i64>, _>("previous_owner_id")? == Some(actor.user_id) {
        let until = c.try_get::<Option<i64>, _>("released_at")?.unwrap_or(0) + cooldown * DAY_MS;
        if until > now {
            return Err(DomainError::CoolingDown { until_ms: until });
        }
    }
    if max_held > 0 {
        let held: i64 = sqlx::query("SELECT COUNT(*) AS n FROM customers WHERE owner_id = $1").bind(actor.user_id).fetch_one(&mut *tx).await?.try_get("n")?;
        if held >= max_held {
            return Err(DomainError::LimitReached { what: "held", limit: max_held });
        }
    }
    if max_daily > 0 {
        let today: i64 = sqlx::query("SELECT COUNT(*) AS n FROM pool_claims WHERE user_id = $1 AND at >= $2")
            .bind(actor.user_id)
            .bind(day_start(now))
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if today >= max_daily {
            return Err(DomainError::LimitReached { what: "daily_claims", limit: max_daily });
        }
    }
    // The guarded update decides between simultaneous claims: only one finds the row unowned.
    let won = sqlx::query(
        "UPDATE customers SET owner_id = $2, unit_id = $3, pool_id = NULL, owned_since = $4, updated_at = $4 \
         WHERE id = $1 AND owner_id IS NULL AND pool_id = $5",
    )
    .bind(customer_id)
    .bind(actor.user_id)
    .bind(actor.units[0])
    .bind(now)
    .bind(pool_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if won == 0 {
        let by = sqlx::query("SELECT owner_id FROM customers WHERE id = $1").bind(customer_id).fetch_one(&mut *tx).await?.try_get::<Option<i64>, _>("owner_id")?;
        let by = match by {
            Some(o) => user_name(&mut tx, o).await?,
            None => String::new(),
        };
        return Err(DomainError::AlreadyClaimed { by });
    }
    sqlx::query("INSERT INTO pool_claims (pool_id, customer_id, user_id, at) VALUES ($1, $2, $3, $4)")
        .bind(pool_id)
        .bind(customer_id)
        .bind(actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    history(&mut tx, customer_id, Some(actor.user_id), "claim", None, Some(pool_id.to_string()), Some(actor.user_id.to_string())).await?;
    event(&mut tx, "pool.claim", customer_id, Some(actor.user_id), None, json!({"pool_id": pool_id})).await?;
    tx.commit().await?;
    Ok(())
}

async fn user_name(conn: &mut AnyConnection, id: i64) -> DomainResult<String> {
    Ok(sqlx::query("SELECT display_name FROM users WHERE id = $1").bind(id).fetch_one(&mut *conn).await?.try_get("display_name")?)
}

/// Returns a held customer to the pools with a reason. The owner may, and so may whoever holds
/// the assign right on it.
pub async fn release(db: &Db, actor: &Actor, customer_id: i64, reason: &str) -> DomainResult<i64> {
    let mut tx = db.begin_write().await?;
    let pool = release_tx(&mut tx, actor, customer_id, reason).await?;
    tx.commit().await?;
    Ok(pool)
}

pub(crate) async fn release_tx(tx: &mut Tx, actor: &Actor, customer_id: i64, reason: &str) -> DomainResult<i64> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(DomainError::invalid("reason", "required"));
    }
    require_on(tx, actor, ObjectType::Customer, Action::Read, customer_id).await?;
    let owner: Option<i64> =
        sqlx::query("SELECT owner_id FROM customers WHERE id = $1").bind(customer_id).fetch_one(&mut **tx).await?.try_get("owner_id")?;
    let Some(owner) = owner else { return Err(DomainError::Conflict("already_in_pool".into())) };
    if owner != actor.user_id {
        require_on(tx, actor, ObjectType::Customer, Action::Assign, customer_id).await?;
    }
    return_to_pool_tx(tx, customer_id, owner, Some(actor.user_id), "release", Some(reason)).await
}

/// A manager hands a customer (in a pool or held by someone else) to a person, with the assign
/// right on it. Caps do not bind a manager's decision.
pub async fn assign(db: &Db, actor: &Actor, customer_id: i64, to_user: i64) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    assign_tx(&mut tx, actor, customer_id, to_user).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn assign_tx(tx: &mut Tx, actor: &Actor, customer_id: i64, to_user: i64) -> DomainResult<()> {
    require_on(tx, actor, ObjectType::Customer, Action::Assign, customer_id).await?;
    let unit: i64 = sqlx::query("SELECT primary_unit_id FROM users WHERE id = $1 AND active = 1")
        .bind(to_user)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(DomainError::invalid("owner", "unknown_user"))?
        .try_get("primary_unit_id")?;
    let before: Option<i64> =
        sqlx::query("SELECT owner_id FROM customers WHERE id = $1").bind(customer_id).fetch_one(&mut **tx).await?.try_get("owner_id")?;
    if before == Some(to_user) {
        return Ok(());
    }
    let now = now_ms();
    sqlx::query("UPDATE customers SET owner_id = $2, unit_id = $3, pool_id = NULL, owned_since = $4, updated_at = $4 WHERE id = $1")
        .bind(customer_id)
        .bind(to_user)
        .bind(unit)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    history(tx, customer_id, Some(actor.user_id), "assign", None, before.map(|b| b.to_string()), Some(to_user.to_string())).await?;
    event(tx, "customer.assign", customer_id, Some(actor.user_id), Some(to_user), json!({})).await?;
    Ok(())
}
