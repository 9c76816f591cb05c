//! Sessions stored in the database so that several server instances share them. The cookie holds
//! a random token; the table holds only its SHA-256.

use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::clock::{now_ms, HOUR_MS, MINUTE_MS};
use crate::db::{Db, Tx};
use crate::error::DomainResult;

#[derive(Debug, Clone, Copy)]
pub struct SessionConfig {
    /// A session unused this long ends.
    pub idle_ms: i64,
    /// A session ends this long after sign-in, used or not.
    pub absolute_ms: i64,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig { idle_ms: 2 * HOUR_MS, absolute_ms: 12 * HOUR_MS }
    }
}

/// The signed-in user as a request sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_name_en: String,
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Starts a fresh session and returns its token (for the cookie).
pub async fn create(db: &Db, user_id: i64, cfg: SessionConfig, ip: &str, user_agent: &str) -> DomainResult<String> {
    let token = new_token();
    let now = now_ms();
    let ua: String = user_agent.chars().take(300).collect();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) \
         VALUES ($1, $2, $3, $3, $4, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + cfg.absolute_ms)
    .bind(ip)
    .bind(ua)
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// The user behind a token, if the session is live: not idle too long, not past its absolute
/// end, and the user still active. A dead session is deleted on the way.
pub async fn resolve(db: &Db, token: &str, cfg: SessionConfig) -> DomainResult<Option<SessionUser>> {
    let hash = token_hash(token);
    let row = sqlx::query(
        "SELECT s.user_id, s.last_seen_at, s.expires_at, u.login, u.display_name, u.active, \
                u.primary_unit_id, o.name AS unit_name, o.name_en AS unit_name_en \
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN org_units o ON o.id = u.primary_unit_id \
         WHERE s.token_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = now_ms();
    let last_seen: i64 = row.try_get("last_seen_at")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    let active = row.try_get::<i64, _>("active")? == 1;
    if !active || now - last_seen > cfg.idle_ms || now >= expires_at {
        revoke(db, token).await?;
        return Ok(None);
    }
    // Refresh the idle clock at most once a minute to keep reads cheap.
    if now - last_seen > MINUTE_MS {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(&hash)
            .bind(now)
            .execute(db.pool())
            .await?;
    }
    Ok(Some(SessionUser {
        user_id: row.try_get("user_id")?,
        login: row.try_get("login")?,
        display_name: row.try_get("display_name")?,
        unit_id: row.try_get("primary_unit_id")?,
        unit_name: row.try_get("unit_name")?,
        unit_name_en: row.try_get("unit_name_en")?,
    }))
}

/// Whether the session with this token hash is still valid (for connections that outlive a
/// request, such as the live socket).
pub async fn is_alive(db: &Db, hash: &str, cfg: SessionConfig) -> DomainResult<bool> {
    let now = now_ms();
    Ok(sqlx::query("SELECT 1 AS one FROM sessions s JOIN users u ON u.id = s.user_id \
                    WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at >= $3 AND u.active = 1")
        .bind(hash)
        .bind(now)
        .bind(now - cfg.idle_ms)
        .fetch_optional(db.pool())
        .await?
        .is_some())
}

/// Ends one session (sign-out). Its live connections close too.
pub async fn revoke(db: &Db, token: &str) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    let hash = token_hash(token);
    let user: Option<i64> = sqlx::query("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get("user_id"))
        .transpose()?;
    if let Some(user) = user {
        crate::events::write(&mut tx, crate::events::SESSIONS_ENDED, crate::objects::ObjectType::Admin, 0, Some(user), Some(user), serde_json::json!({ "session": hash }))
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Ends every session of a user (disabled, new password). Their live connections close at once.
pub async fn revoke_all_for_user_tx(tx: &mut Tx, user_id: i64) -> DomainResult<u64> {
    let n = sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?.rows_affected();
    crate::events::write(tx, crate::events::SESSIONS_ENDED, crate::objects::ObjectType::Admin, 0, None, Some(user_id), serde_json::json!({})).await?;
    Ok(n)
}

/// Deletes sessions past either timeout. Run periodically.
pub async fn purge_expired(db: &Db, cfg: SessionConfig) -> DomainResult<u64> {
    let now = now_ms();
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2")
        .bind(now)
        .bind(now - cfg.idle_ms)
        .execute(db.pool())
        .await?
        .rows_affected())
}

/// Moves a session's clocks back in time; lets tests age a session without waiting.
pub async fn age_session_for_tests(db: &Db, token: &str, by_ms: i64) -> DomainResult<()> {
    sqlx::query(
        "UPDATE sessions SET created_at = created_at - $2, last_seen_at = last_seen_at - $2, \
         expires_at = expires_at - $2 WHERE token_hash = $1",
    )
    .bind(token_hash(token))
    .bind(by_ms)
    .execute(db.pool())
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }
}
