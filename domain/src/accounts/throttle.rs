//! Slows down repeated failed sign-ins, per account and per client address. The counters live in
//! the database so that several server instances share them.

use sqlx::Row;

use crate::clock::{now_ms, MINUTE_MS, SECOND_MS};
use crate::db::Db;
use crate::error::{DomainError, DomainResult};

/// Failures are counted within this window; after it they are forgotten.
pub const WINDOW_MS: i64 = 15 * MINUTE_MS;
/// Free failures before an account is slowed down.
pub const ACCOUNT_FREE_FAILURES: i64 = 5;
/// Free failures before an address is slowed down (an office may share one address).
pub const ADDRESS_FREE_FAILURES: i64 = 20;
/// The longest wait imposed.
pub const MAX_DELAY_MS: i64 = 15 * MINUTE_MS;

pub fn account_key(login: &str) -> String {
    format!("account:{}", login.trim().to_lowercase())
}

pub fn address_key(ip: &str) -> String {
    format!("address:{ip}")
}

/// How long after the last failure the next attempt must wait: doubling from one second for
/// every failure beyond the free ones, capped.
pub fn delay_after(failures: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let extra = (failures - free).min(20) as u32;
    (SECOND_MS << extra).min(MAX_DELAY_MS)
}

async fn wait_for(db: &Db, key: &str, free: i64, now: i64) -> DomainResult<i64> {
    let row = sqlx::query(
        "SELECT failures, first_failure_at, last_failure_at FROM login_throttle WHERE key = $1",
    )
    .bind(key)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(0) };
    let failures: i64 = row.try_get("failures")?;
    let first: i64 = row.try_get("first_failure_at")?;
    let last: i64 = row.try_get("last_failure_at")?;
    if now - first > WINDOW_MS && now - last > MAX_DELAY_MS {
        return Ok(0);
    }
    let ready_at = last + delay_after(failures, free);
    Ok((ready_at - now).max(0))
}

/// Refuses the attempt when the account or the address must still wait.
pub async fn check(db: &Db, login: &str, ip: &str) -> DomainResult<()> {
    let now = now_ms();
    let wait = wait_for(db, &account_key(login), ACCOUNT_FREE_FAILURES, now)
        .await?
        .max(wait_for(db, &address_key(ip), ADDRESS_FREE_FAILURES, now).await?);
    if wait > 0 {
        return Err(DomainError::RateLimited { retry_after_secs: (wait + SECOND_MS - 1) / SECOND_MS });
    }
    Ok(())
}

async fn record_failure_for(db: &Db, key: &str, now: i64) -> DomainResult<()> {
    // A stale window restarts at one failure; otherwise the count goes up.
    sqlx::query(
        "INSERT INTO login_throttle (key, failures, first_failure_at, last_failure_at) VALUES ($1, 1, $2, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = CASE WHEN $2 - login_throttle.first_failure_at > $3 THEN 1 ELSE login_throttle.failures + 1 END, \
           first_failure_at = CASE WHEN $2 - login_throttle.first_failure_at > $3 THEN $2 ELSE login_throttle.first_failure_at END, \
           last_failure_at = $2",
    )
    .bind(key)
    .bind(now)
    .bind(WINDOW_MS)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn record_failure(db: &Db, login: &str, ip: &str) -> DomainResult<()> {
    let now = now_ms();
    record_failure_for(db, &account_key(login), now).await?;
    record_failure_for(db, &address_key(ip), now).await?;
    Ok(())
}

/// A successful sign-in clears the account's counter (not the address's: one good password does
/// not excuse guessing at other accounts from the same place).
pub async fn record_success(db: &Db, login: &str) -> DomainResult<()> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1")
        .bind(account_key(login))
        .execute(db.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_doubles_after_the_free_failures_and_is_capped() {
        assert_eq!(delay_after(0, 5), 0);
        assert_eq!(delay_after(4, 5), 0);
        assert_eq!(delay_after(5, 5), SECOND_MS);
        assert_eq!(delay_after(6, 5), 2 * SECOND_MS);
        assert_eq!(delay_after(8, 5), 8 * SECOND_MS);
        assert_eq!(delay_after(60, 5), MAX_DELAY_MS);
    }

    #[test]
    fn account_keys_ignore_case_and_spaces() {
        assert_eq!(account_key("  Zhang.Wei "), "account:zhang.wei");
    }
}
