//! Users: parsing of their identifiers, creation, sign-in and disabling.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{passwords, sessions, throttle};
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};

/// A login name: 3 to 64 characters of a-z, 0-9, '.', '_' or '-', stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login(String);

impl Login {
    pub fn parse(s: &str) -> DomainResult<Self> {
        let s = s.trim().to_lowercase();
        let len = s.chars().count();
        if len < 3 || len > 64 {
            return Err(DomainError::invalid("login", "length"));
        }
        if !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c)) {
            return Err(DomainError::invalid("login", "characters"));
        }
        Ok(Login(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, stored lower-case. Only its shape is checked: one '@' with text on both
/// sides and a dot in the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> DomainResult<Self> {
        let s = s.trim().to_lowercase();
        let valid = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && !s.contains(char::is_whitespace)
            }
            None => false,
        };
        if !valid || s.len() > 254 {
            return Err(DomainError::invalid("email", "format"));
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 8 and at most 128 characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub fn parse(s: &str) -> DomainResult<Self> {
        let len = s.chars().count();
        if len < 8 {
            return Err(DomainError::invalid("password", "too_short"));
        }
        if len > 128 {
            return Err(DomainError::invalid("password", "too_long"));
        }
        Ok(Password(s.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: Login,
    pub email: Option<Email>,
    pub display_name: String,
    pub password: Password,
    pub primary_unit_id: i64,
    pub manager_id: Option<i64>,
    pub role_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub login: String,
    pub email: Option<String>,
    pub display_name: String,
    pub primary_unit_id: i64,
    pub manager_id: Option<i64>,
    pub active: bool,
}

/// Creates a user with its roles inside the caller's transaction. The password hash must be
/// computed beforehand (it is slow and must not hold the write lock).
pub async fn insert_user_tx(
    tx: &mut Tx,
    user: &NewUser,
    password_hash: &str,
    created_by: Option<i64>,
) -> DomainResult<i64> {
    let display_name = user.display_name.trim();
    if display_name.is_empty() {
        return Err(DomainError::invalid("display_name", "required"));
    }
    let taken = sqlx::query("SELECT id FROM users WHERE login = $1 OR (email IS NOT NULL AND email = $2)")
        .bind(user.login.as_str())
        .bind(user.email.as_ref().map(|e| e.as_str()))
        .fetch_optional(&mut **tx)
        .await?;
    if taken.is_some() {
        return Err(DomainError::Conflict("login_or_email_taken".into()));
    }
    let now = now_ms();
    let id: i64 = sqlx::query(
        "INSERT INTO users (login, email, display_name, password_hash, primary_unit_id, manager_id, active, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, $8) RETURNING id",
    )
    .bind(user.login.as_str())
    .bind(user.email.as_ref().map(|e| e.as_str().to_string()))
    .bind(display_name)
    .bind(password_hash)
    .bind(user.primary_unit_id)
    .bind(user.manager_id)
    .bind(now)
    .bind(created_by)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    for role_id in &user.role_ids {
        crate::roles::assign_role(tx, id, *role_id).await?;
    }
    Ok(id)
}

pub async fn create_user(db: &Db, user: NewUser, created_by: Option<i64>) -> DomainResult<i64> {
    let hash = passwords::hash(user.password.expose().to_string()).await?;
    let mut tx = db.begin_write().await?;
    let id = insert_user_tx(&mut tx, &user, &hash, created_by).await?;
    tx.commit().await?;
    Ok(id)
}

/// Checks a login name or e-mail and a password. Failures are throttled per account and per
/// address; the answer never says whether the account exists.
pub async fn authenticate(db: &Db, identifier: &str, password: &str, ip: &str) -> DomainResult<i64> {
    let identifier = identifier.trim().to_lowercase();
    if identifier.is_empty() || password.is_empty() {
        return Err(DomainError::InvalidCredentials);
    }
    throttle::check(db, &identifier, ip).await?;
    let row = sqlx::query("SELECT id, password_hash, active FROM users WHERE login = $1 OR email = $1")
        .bind(&identifier)
        .fetch_optional(db.pool())
        .await?;
    let (user_id, hash, active) = match row {
        Some(r) => (
            Some(r.try_get::<i64, _>("id")?),
            r.try_get::<String, _>("password_hash")?,
            r.try_get::<i64, _>("active")? == 1,
        ),
        None => (None, passwords::decoy_hash(), false),
    };
    let matches = passwords::verify(password.to_string(), hash).await;
    match user_id {
        Some(id) if matches && active => {
            throttle::record_success(db, &identifier).await?;
            Ok(id)
        }
        _ => {
            throttle::record_failure(db, &identifier, ip).await?;
            Err(DomainError::InvalidCredentials)
        }
    }
}

/// Disables a user and ends all their sessions in the same transaction.
pub async fn disable_user(db: &Db, user_id: i64) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query("UPDATE users SET active = 0, updated_at = $2 WHERE id = $1")
        .bind(user_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(DomainError::NotFound);
    }
    sessions::revoke_all_for_user_tx(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_password(db: &Db, user_id: i64, password: &Password) -> DomainResult<()> {
    let hash = passwords::hash(password.expose().to_string()).await?;
    let mut tx = db.begin_write().await?;
    store_password_tx(&mut tx, user_id, &hash).await?;
    tx.commit().await?;
    Ok(())
}

/// Stores a new password hash; a new password ends every existing session of that user.
pub async fn store_password_tx(tx: &mut Tx, user_id: i64, hash: &str) -> DomainResult<()> {
    let n = sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(user_id)
        .bind(hash)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(DomainError::NotFound);
    }
    sessions::revoke_all_for_user_tx(tx, user_id).await?;
    Ok(())
}

pub async fn get_user(db: &Db, user_id: i64) -> DomainResult<UserSummary> {
    let r = sqlx::query(
        "SELECT id, login, email, display_name, primary_unit_id, manager_id, active FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(DomainError::NotFound)?;
    Ok(UserSummary {
        id: r.try_get("id")?,
        login: r.try_get("login")?,
        email: r.try_get("email")?,
        display_name: r.try_get("display_name")?,
        primary_unit_id: r.try_get("primary_unit_id")?,
        manager_id: r.try_get("manager_id")?,
        active: r.try_get::<i64, _>("active")? == 1,
    })
}

/// Creates an administrator in the top unit of the org tree, creating the top unit and the
/// built-in roles when the database is new.
pub async fn create_administrator(
    db: &Db,
    login: Login,
    email: Option<Email>,
    display_name: &str,
    password: Password,
) -> DomainResult<i64> {
    let hash = passwords::hash(password.expose().to_string()).await?;
    let mut tx = db.begin_write().await?;
    let roles = crate::roles::ensure_builtin_roles(&mut tx).await?;
    let top = sqlx::query("SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY id LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?;
    let unit = match top {
        Some(row) => row.try_get("id")?,
        None => {
            use crate::org::{create_unit_tx, UnitKind, UnitName};
            create_unit_tx(&mut tx, None, UnitKind::Group, &UnitName::parse("集团总部")?, "Group head office", None).await?
        }
    };
    let user = NewUser {
        login,
        email,
        display_name: display_name.to_string(),
        password,
        primary_unit_id: unit,
        manager_id: None,
        role_ids: vec![roles["administrator"]],
    };
    let id = insert_user_tx(&mut tx, &user, &hash, None).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn count_users(db: &Db) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(db.pool()).await?.try_get("n")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_is_lowercased_and_checked() {
        assert_eq!(Login::parse(" Zhang.Wei ").unwrap().as_str(), "zhang.wei");
        assert!(Login::parse("ab").is_err());
        assert!(Login::parse("has space").is_err());
        assert!(Login::parse("张伟").is_err());
    }

    #[test]
    fn email_shape_is_checked() {
        assert_eq!(Email::parse("Li@Example.COM").unwrap().as_str(), "li@example.com");
        for bad in ["", "no-at", "@x.com", "a@nodot", "a@.com", "a@b.com.", "a b@c.com", "a@b@c.com"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn password_length_bounds() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("long enough").is_ok());
        assert!(Password::parse(&"x".repeat(129)).is_err());
        assert_eq!(format!("{:?}", Password::parse("secret-pass").unwrap()), "Password(***)");
    }
}
