//! Personal access tokens: a user makes one in their profile to let another program act as them
//! through the REST API, under exactly their own rights. The secret is shown once; only its
//! SHA-256 is kept, so a stolen database does not hand out working tokens. A revoked or expired
//! token is refused on its next call (every call looks the token up; nothing is cached).

use rand::RngCore;
use serde_json::json;
use sqlx::Row;

use crate::acting::Actor;
use crate::accounts::sessions::token_hash;
use crate::audit;
use crate::clock::{now_ms, DAY_MS, MINUTE_MS};
use crate::db::Db;
use crate::error::{DomainError, DomainResult};

pub use domain_types::integration::{CreatedToken, TokenRow, TOKEN_EXPIRY_DAYS};

/// Every secret starts with this, so a leaked one is recognisable (secret scanners, logs).
pub const SECRET_PREFIX: &str = "crm_pat_";
/// How many of the secret's characters after [`SECRET_PREFIX`] are kept to tell tokens apart.
const SHOWN_CHARS: usize = 6;
/// Live tokens one user may hold; an old one must be revoked before another is made.
pub const MAX_LIVE_TOKENS: i64 = 20;

/// A token's name as its owner typed it: 1 to 60 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    pub fn parse(text: &str) -> DomainResult<Self> {
        let t = text.trim();
        if t.is_empty() {
            return Err(DomainError::invalid("name", "required"));
        }
        if t.chars().count() > 60 {
            return Err(DomainError::invalid("name", "too_long"));
        }
        Ok(TokenName(t.to_string()))
    }
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let body: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{SECRET_PREFIX}{body}")
}

fn row_of(r: &sqlx::any::AnyRow) -> DomainResult<TokenRow> {
    Ok(TokenRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        prefix: r.try_get("prefix")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        revoked_at: r.try_get("revoked_at")?,
        last_used_at: r.try_get("last_used_at")?,
    })
}

/// Makes a token for the actor, valid for `expires_in_days` days (0: until revoked). The answer
/// holds the secret; it cannot be read again.
pub async fn create(db: &Db, actor: &Actor, name: &str, expires_in_days: i64) -> DomainResult<CreatedToken> {
    let name = TokenName::parse(name)?;
    if !TOKEN_EXPIRY_DAYS.contains(&expires_in_days) {
        return Err(DomainError::invalid("expires", "unknown_choice"));
    }
    let now = now_ms();
    let expires_at = (expires_in_days > 0).then(|| now + expires_in_days * DAY_MS);
    let secret = new_secret();
    let prefix: String = secret.chars().take(SECRET_PREFIX.len() + SHOWN_CHARS).collect();
    let mut tx = db.begin_write().await?;
    let live: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    if live >= MAX_LIVE_TOKENS {
        return Err(DomainError::LimitReached { what: "api_tokens", limit: MAX_LIVE_TOKENS });
    }
    let id: i64 = sqlx::query(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(actor.user_id)
    .bind(&name.0)
    .bind(token_hash(&secret))
    .bind(&prefix)
    .bind(now)
    .bind(expires_at)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    audit::record(&mut tx, Some(actor.user_id), "api_token", Some(id), "create", None, Some(json!({ "name": name.0, "prefix": prefix, "expires_at": expires_at }))).await?;
    tx.commit().await?;
    let token = TokenRow { id, name: name.0, prefix, created_at: now, expires_at, revoked_at: None, last_used_at: None };
    Ok(CreatedToken { token, secret })
}

/// The actor's own tokens, newest first (revoked and expired ones too, for the record).
pub async fn list(db: &Db, actor: &Actor) -> DomainResult<Vec<TokenRow>> {
    let rows = sqlx::query(
        "SELECT id, name, prefix, created_at, expires_at, revoked_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC LIMIT 200",
    )
    .bind(actor.user_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(row_of).collect()
}

/// Revokes one of the actor's own tokens; its next call is refused. Revoking twice is harmless;
/// another user's token is not found.
pub async fn revoke(db: &Db, actor: &Actor, id: i64) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    let owner: Option<i64> = sqlx::query("SELECT user_id FROM api_tokens WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get("user_id"))
        .transpose()?;
    if owner != Some(actor.user_id) {
        return Err(DomainError::NotFound);
    }
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if done == 1 {
        audit::record(&mut tx, Some(actor.user_id), "api_token", Some(id), "revoke", None, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Who a presented secret acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenUse {
    pub token_id: i64,
    pub user_id: i64,
}

/// The token a secret belongs to, if it is live (not revoked, not expired, its user active);
/// `Unauthenticated` otherwise, the same answer for every reason so a caller learns nothing.
pub async fn resolve(db: &Db, secret: &str, now: i64) -> DomainResult<TokenUse> {
    if !secret.starts_with(SECRET_PREFIX) || secret.len() > 200 {
        return Err(DomainError::Unauthenticated);
    }
    let row = sqlx::query(
        "SELECT t.id, t.user_id, t.expires_at, t.revoked_at, t.last_used_at, u.active FROM api_tokens t \
         JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
    )
    .bind(token_hash(secret))
    .fetch_optional(db.pool())
    .await?
    .ok_or(DomainError::Unauthenticated)?;
    let expires_at: Option<i64> = row.try_get("expires_at")?;
    let revoked_at: Option<i64> = row.try_get("revoked_at")?;
    let active = row.try_get::<i64, _>("active")? == 1;
    if revoked_at.is_some() || expires_at.is_some_and(|e| e <= now) || !active {
        return Err(DomainError::Unauthenticated);
    }
    let token_id: i64 = row.try_get("id")?;
    // The "last used" shown in the profile is kept to the minute: no write on every call.
    let last: Option<i64> = row.try_get("last_used_at")?;
    if last.is_none_or(|l| now - l > MINUTE_MS) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1").bind(token_id).bind(now).execute(db.pool()).await?;
    }
    Ok(TokenUse { token_id, user_id: row.try_get("user_id")? })
}

/// Notes one API call in the audit log: which token, what was asked, how it ended.
pub async fn audit_call(db: &Db, call: &TokenUse, method: &str, path: &str, status: u16) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    audit::record(
        &mut tx,
        Some(call.user_id),
        "api_call",
        Some(call.token_id),
        method,
        None,
        Some(json!({ "path": path, "status": status })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
