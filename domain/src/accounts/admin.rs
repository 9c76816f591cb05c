//! Administration of users: list, create, change unit / manager / roles, reset the password,
//! disable and enable. Administrators only; every change is audited (never a password).

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use super::users::{insert_user_tx, NewUser, Password};
use super::{passwords, sessions};
use crate::acting::Actor;
use crate::audit;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};

pub use domain_types::users::UserRow;

pub async fn list_users(db: &Db, actor: &Actor) -> DomainResult<Vec<UserRow>> {
    if !actor.is_admin() {
        return Err(DomainError::Forbidden);
    }
    let rows = sqlx::query(
        "SELECT u.id, u.login, u.email, u.display_name, u.primary_unit_id, o.name AS unit_name, u.manager_id, \
                m.display_name AS manager_name, u.active \
         FROM users u JOIN org_units o ON o.id = u.primary_unit_id LEFT JOIN users m ON m.id = u.manager_id ORDER BY u.id",
    )
    .fetch_all(db.pool())
    .await?;
    let extra = sqlx::query("SELECT user_id, unit_id FROM user_units ORDER BY unit_id").fetch_all(db.pool()).await?;
    let roles = sqlx::query("SELECT user_id, role_id FROM user_roles ORDER BY role_id").fetch_all(db.pool()).await?;
    let pairs = |rows: &[sqlx::any::AnyRow], col: &str| -> DomainResult<Vec<(i64, i64)>> {
        rows.iter().map(|r| Ok((r.try_get::<i64, _>("user_id")?, r.try_get::<i64, _>(col)?))).collect()
    };
    let extra = pairs(&extra, "unit_id")?;
    let roles = pairs(&roles, "role_id")?;
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            Ok(UserRow {
                id,
                login: r.try_get("login")?,
                email: r.try_get("email")?,
                display_name: r.try_get("display_name")?,
                primary_unit_id: r.try_get("primary_unit_id")?,
                unit_name: r.try_get("unit_name")?,
                extra_unit_ids: extra.iter().filter(|(u, _)| *u == id).map(|(_, x)| *x).collect(),
                manager_id: r.try_get("manager_id")?,
                manager_name: r.try_get("manager_name")?,
                role_ids: roles.iter().filter(|(u, _)| *u == id).map(|(_, x)| *x).collect(),
                active: r.try_get::<i64, _>("active")? == 1,
            })
        })
        .collect()
}

async fn user_json(tx: &mut Tx, id: i64) -> DomainResult<serde_json::Value> {
    let r = sqlx::query("SELECT login, email, display_name, primary_unit_id, manager_id, active FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(DomainError::NotFound)?;
    let units: Vec<i64> = sqlx::query("SELECT unit_id FROM user_units WHERE user_id = $1 ORDER BY unit_id")
        .bind(id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get("unit_id"))
        .collect::<Result<_, _>>()?;
    let roles: Vec<i64> = sqlx::query("SELECT role_id FROM user_roles WHERE user_id = $1 ORDER BY role_id")
        .bind(id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get("role_id"))
        .collect::<Result<_, _>>()?;
    Ok(json!({
        "login": r.try_get::<String, _>("login")?,
        "email": r.try_get::<Option<String>, _>("email")?,
        "display_name": r.try_get::<String, _>("display_name")?,
        "primary_unit_id": r.try_get::<i64, _>("primary_unit_id")?,
        "extra_unit_ids": units,
        "manager_id": r.try_get::<Option<i64>, _>("manager_id")?,
        "role_ids": roles,
        "active": r.try_get::<i64, _>("active")? == 1,
    }))
}

async fn check_unit(tx: &mut Tx, unit: i64) -> DomainResult<()> {
    let ok = sqlx::query("SELECT id FROM org_units WHERE id = $1 AND active = 1").bind(unit).fetch_optional(&mut **tx).await?;
    ok.map(|_| ()).ok_or(DomainError::invalid("unit", "unknown_unit"))
}

async fn check_role(tx: &mut Tx, role: i64) -> DomainResult<()> {
    let ok = sqlx::query("SELECT id FROM roles WHERE id = $1").bind(role).fetch_optional(&mut **tx).await?;
    ok.map(|_| ()).ok_or(DomainError::invalid("roles", "unknown_role"))
}

/// Refuses a manager that does not exist or that would make the user their own manager's manager.
async fn check_manager(tx: &mut Tx, user: Option<i64>, manager: i64) -> DomainResult<()> {
    let mut current = Some(manager);
    for _ in 0..64 {
        let Some(c) = current else { return Ok(()) };
        if Some(c) == user {
            return Err(DomainError::invalid("manager", "cycle"));
        }
        let row = sqlx::query("SELECT manager_id FROM users WHERE id = $1").bind(c).fetch_optional(&mut **tx).await?;
        match row {
            None if c == manager => return Err(DomainError::invalid("manager", "unknown_user")),
            None => return Ok(()),
            Some(r) => current = r.try_get("manager_id")?,
        }
    }
    Err(DomainError::invalid("manager", "cycle"))
}

/// What an administrator may set on a user besides the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPlacement {
    pub display_name: String,
    pub primary_unit_id: i64,
    pub extra_unit_ids: Vec<i64>,
    pub manager_id: Option<i64>,
    pub role_ids: Vec<i64>,
}

/// Writes a user's unit, extra units, manager and roles, in the caller's transaction.
pub async fn place_user_tx(tx: &mut Tx, user_id: i64, p: &UserPlacement) -> DomainResult<()> {
    let name = p.display_name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid("display_name", "required"));
    }
    check_unit(tx, p.primary_unit_id).await?;
    for u in &p.extra_unit_ids {
        check_unit(tx, *u).await?;
    }
    for r in &p.role_ids {
        check_role(tx, *r).await?;
    }
    if let Some(m) = p.manager_id {
        check_manager(tx, Some(user_id), m).await?;
    }
    sqlx::query("UPDATE users SET display_name = $2, primary_unit_id = $3, manager_id = $4, updated_at = $5 WHERE id = $1")
        .bind(user_id)
        .bind(name)
        .bind(p.primary_unit_id)
        .bind(p.manager_id)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM user_units WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    for u in &p.extra_unit_ids {
        if *u != p.primary_unit_id {
            sqlx::query("INSERT INTO user_units (user_id, unit_id) VALUES ($1, $2)").bind(user_id).bind(*u).execute(&mut **tx).await?;
        }
    }
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    for r in &p.role_ids {
        crate::roles::assign_role(tx, user_id, *r).await?;
    }
    Ok(())
}

pub async fn create_user(db: &Db, actor: &Actor, user: NewUser, extra_unit_ids: Vec<i64>) -> DomainResult<i64> {
    actor.require_admin()?;
    let hash = passwords::hash(user.password.expose().to_string()).await?;
    let mut tx = db.begin_write().await?;
    check_unit(&mut tx, user.primary_unit_id).await?;
    if let Some(m) = user.manager_id {
        check_manager(&mut tx, None, m).await?;
    }
    for r in &user.role_ids {
        check_role(&mut tx, *r).await?;
    }
    let id = insert_user_tx(&mut tx, &user, &hash, Some(actor.user_id)).await?;
    for u in extra_unit_ids {
        check_unit(&mut tx, u).await?;
        if u != user.primary_unit_id {
            sqlx::query("INSERT INTO user_units (user_id, unit_id) VALUES ($1, $2)").bind(id).bind(u).execute(&mut *tx).await?;
        }
    }
    let after = user_json(&mut tx, id).await?;
    audit::record(&mut tx, Some(actor.user_id), "user", Some(id), "create", None, Some(after)).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_user(db: &Db, actor: &Actor, user_id: i64, p: &UserPlacement) -> DomainResult<()> {
    actor.require_admin()?;
    let mut tx = db.begin_write().await?;
    let before = user_json(&mut tx, user_id).await?;
    place_user_tx(&mut tx, user_id, p).await?;
    let after = user_json(&mut tx, user_id).await?;
    audit::record(&mut tx, Some(actor.user_id), "user", Some(user_id), "update", Some(before), Some(after)).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password chosen by an administrator; the user's sessions end.
pub async fn reset_password(db: &Db, actor: &Actor, user_id: i64, password: &Password) -> DomainResult<()> {
    actor.require_admin()?;
    let hash = passwords::hash(password.expose().to_string()).await?;
    let mut tx = db.begin_write().await?;
    super::users::store_password_tx(&mut tx, user_id, &hash).await?;
    audit::record(&mut tx, Some(actor.user_id), "user", Some(user_id), "reset_password", None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Disables (ending every session at once) or re-enables a user.
pub async fn set_active(db: &Db, actor: &Actor, user_id: i64, active: bool) -> DomainResult<()> {
    actor.require_admin()?;
    if user_id == actor.user_id && !active {
        return Err(DomainError::invalid("user", "cannot_disable_self"));
    }
    let mut tx = db.begin_write().await?;
    let before = user_json(&mut tx, user_id).await?;
    sqlx::query("UPDATE users SET active = $2, updated_at = $3 WHERE id = $1")
        .bind(user_id)
        .bind(active as i64)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    if !active {
        sessions::revoke_all_for_user_tx(&mut tx, user_id).await?;
    }
    let after = user_json(&mut tx, user_id).await?;
    audit::record(&mut tx, Some(actor.user_id), "user", Some(user_id), if active { "enable" } else { "disable" }, Some(before), Some(after)).await?;
    tx.commit().await?;
    Ok(())
}
