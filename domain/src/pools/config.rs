//! Pools and their configuration: settings (caps, cool-down, recycling, reminders), extra member
//! units and users, and entry rules. Administrators create and configure pools; every change is
//! audited.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::membership::member_pools_on;
use super::rules::{EntryField, EntryRule};
use crate::acting::Actor;
use crate::audit;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolSettings {
    /// Most customers one person may hold (0: no cap).
    pub max_held_per_user: i64,
    /// Most claims per person per UTC day (0: no cap).
    pub max_claims_per_day: i64,
    /// Days before a previous owner may claim a released customer again.
    pub cooldown_days: i64,
    /// Recycle a held customer without a follow-up for this many days (0: never).
    pub recycle_no_followup_days: i64,
    /// Recycle a held customer without a won deal for this many days (0: never).
    pub recycle_no_deal_days: i64,
    pub skip_if_open_deal: bool,
    /// Remind the owner this many days before recycling (0: no reminder).
    pub remind_days_before: i64,
    /// Per level (A/B/C/D): (no follow-up days, no deal days), overriding the defaults.
    pub levels: Vec<(String, i64, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub name: String,
    pub name_en: String,
    pub settings: PoolSettings,
    pub member_units: Vec<i64>,
    pub member_users: Vec<i64>,
    pub entry_rules: Vec<EntryRule>,
    pub customers: i64,
}

fn validate(s: &PoolSettings) -> DomainResult<()> {
    for (v, field) in [
        (s.max_held_per_user, "max_held_per_user"),
        (s.max_claims_per_day, "max_claims_per_day"),
        (s.cooldown_days, "cooldown_days"),
        (s.recycle_no_followup_days, "recycle_no_followup_days"),
        (s.recycle_no_deal_days, "recycle_no_deal_days"),
        (s.remind_days_before, "remind_days_before"),
    ] {
        if !(0..=100_000).contains(&v) {
            return Err(DomainError::invalid(field_name(field), "out_of_range"));
        }
    }
    for (level, a, b) in &s.levels {
        if !matches!(level.as_str(), "A" | "B" | "C" | "D") || *a < 0 || *b < 0 {
            return Err(DomainError::invalid("levels", "out_of_range"));
        }
    }
    Ok(())
}

fn field_name(f: &str) -> &'static str {
    match f {
        "max_held_per_user" => "max_held_per_user",
        "max_claims_per_day" => "max_claims_per_day",
        "cooldown_days" => "cooldown_days",
        "recycle_no_followup_days" => "recycle_no_followup_days",
        "recycle_no_deal_days" => "recycle_no_deal_days",
        _ => "remind_days_before",
    }
}

async fn write_settings(tx: &mut Tx, pool_id: i64, s: &PoolSettings) -> DomainResult<()> {
    sqlx::query(
        "UPDATE pools SET max_held_per_user = $2, max_claims_per_day = $3, cooldown_days = $4, \
         recycle_no_followup_days = $5, recycle_no_deal_days = $6, skip_if_open_deal = $7, remind_days_before = $8, \
         updated_at = $9 WHERE id = $1",
    )
    .bind(pool_id)
    .bind(s.max_held_per_user)
    .bind(s.max_claims_per_day)
    .bind(s.cooldown_days)
    .bind(s.recycle_no_followup_days)
    .bind(s.recycle_no_deal_days)
    .bind(s.skip_if_open_deal as i64)
    .bind(s.remind_days_before)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM pool_level_rules WHERE pool_id = $1").bind(pool_id).execute(&mut **tx).await?;
    for (level, followup, deal) in &s.levels {
        sqlx::query("INSERT INTO pool_level_rules (pool_id, level, no_followup_days, no_deal_days) VALUES ($1, $2, $3, $4)")
            .bind(pool_id)
            .bind(level)
            .bind(*followup)
            .bind(*deal)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Creates a pool for a unit (administrators only).
pub async fn create_pool(db: &Db, actor: &Actor, unit_id: i64, name: &str, name_en: &str, settings: &PoolSettings) -> DomainResult<i64> {
    actor.require_admin()?;
    validate(settings)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid("name", "required"));
    }
    let mut tx = db.begin_write().await?;
    if sqlx::query("SELECT id FROM org_units WHERE id = $1 AND active = 1").bind(unit_id).fetch_optional(&mut *tx).await?.is_none() {
        return Err(DomainError::invalid("unit", "unknown_unit"));
    }
    let now = now_ms();
    let id: i64 = sqlx::query(
        "INSERT INTO pools (unit_id, name, name_en, active, created_at, updated_at, created_by) VALUES ($1, $2, $3, 1, $4, $4, $5) RETURNING id",
    )
    .bind(unit_id)
    .bind(name)
    .bind(name_en.trim())
    .bind(now)
    .bind(actor.user_id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    write_settings(&mut tx, id, settings).await?;
    audit::record(&mut tx, Some(actor.user_id), "pool", Some(id), "create", None, Some(json!({"unit_id": unit_id, "name": name, "settings": settings}))).await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a pool's settings, extra members and entry rules (administrators only).
pub async fn configure_pool(
    db: &Db,
    actor: &Actor,
    pool_id: i64,
    settings: &PoolSettings,
    member_units: &[i64],
    member_users: &[i64],
    rules: &[EntryRule],
) -> DomainResult<()> {
    actor.require_admin()?;
    validate(settings)?;
    let before = get_pool(db, pool_id).await?;
    let mut tx = db.begin_write().await?;
    for u in member_units {
        if sqlx::query("SELECT id FROM org_units WHERE id = $1 AND active = 1").bind(*u).fetch_optional(&mut *tx).await?.is_none() {
            return Err(DomainError::invalid("unit", "unknown_unit"));
        }
    }
    for u in member_users {
        if sqlx::query("SELECT id FROM users WHERE id = $1 AND active = 1").bind(*u).fetch_optional(&mut *tx).await?.is_none() {
            return Err(DomainError::invalid("user", "unknown_user"));
        }
    }
    write_settings(&mut tx, pool_id, settings).await?;
    sqlx::query("DELETE FROM pool_members WHERE pool_id = $1").bind(pool_id).execute(&mut *tx).await?;
    for u in member_units {
        sqlx::query("INSERT INTO pool_members (pool_id, unit_id) VALUES ($1, $2)").bind(pool_id).bind(*u).execute(&mut *tx).await?;
    }
    for u in member_users {
        sqlx::query("INSERT INTO pool_members (pool_id, user_id) VALUES ($1, $2)").bind(pool_id).bind(*u).execute(&mut *tx).await?;
    }
    sqlx::query("DELETE FROM pool_entry_rules WHERE pool_id = $1").bind(pool_id).execute(&mut *tx).await?;
    for r in rules {
        if r.value.trim().is_empty() {
            return Err(DomainError::invalid("value", "required"));
        }
        sqlx::query("INSERT INTO pool_entry_rules (pool_id, field, value, priority) VALUES ($1, $2, $3, $4)")
            .bind(pool_id)
            .bind(r.field.column())
            .bind(r.value.trim())
            .bind(r.priority)
            .execute(&mut *tx)
            .await?;
    }
    let after = json!({"settings": settings, "member_units": member_units, "member_users": member_users, "rules": rules});
    let before = json!({"settings": before.settings, "member_units": before.member_units, "member_users": before.member_users, "rules": before.entry_rules});
    audit::record(&mut tx, Some(actor.user_id), "pool", Some(pool_id), "configure", Some(before), Some(after)).await?;
    tx.commit().await?;
    Ok(())
}

fn settings_from_row(r: &AnyRow) -> DomainResult<PoolSettings> {
    Ok(PoolSettings {
        max_held_per_user: r.try_get("max_held_per_user")?,
        max_claims_per_day: r.try_get("max_claims_per_day")?,
        cooldown_days: r.try_get("cooldown_days")?,
        recycle_no_followup_days: r.try_get("recycle_no_followup_days")?,
        recycle_no_deal_days: r.try_get("recycle_no_deal_days")?,
        skip_if_open_deal: r.try_get::<i64, _>("skip_if_open_deal")? == 1,
        remind_days_before: r.try_get("remind_days_before")?,
        levels: vec![],
    })
}

const POOL_SELECT: &str = "SELECT p.id, p.unit_id, o.name AS unit_name, p.name, p.name_en, p.max_held_per_user, p.max_claims_per_day, \
    p.cooldown_days, p.recycle_no_followup_days, p.recycle_no_deal_days, p.skip_if_open_deal, p.remind_days_before, \
    (SELECT COUNT(*) FROM customers c WHERE c.pool_id = p.id AND c.owner_id IS NULL) AS customers \
    FROM pools p JOIN org_units o ON o.id = p.unit_id";

async fn pool_from_row(conn: &mut AnyConnection, r: &AnyRow) -> DomainResult<Pool> {
    let id: i64 = r.try_get("id")?;
    let mut settings = settings_from_row(r)?;
    for l in sqlx::query("SELECT level, no_followup_days, no_deal_days FROM pool_level_rules WHERE pool_id = $1 ORDER BY level")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
    {
        settings.levels.push((l.try_get("level")?, l.try_get("no_followup_days")?, l.try_get("no_deal_days")?));
    }
    let members = sqlx::query("SELECT unit_id, user_id FROM pool_members WHERE pool_id = $1 ORDER BY id").bind(id).fetch_all(&mut *conn).await?;
    let mut member_units = Vec::new();
    let mut member_users = Vec::new();
    for m in members {
        if let Some(u) = m.try_get::<Option<i64>, _>("unit_id")? {
            member_units.push(u);
        }
        if let Some(u) = m.try_get::<Option<i64>, _>("user_id")? {
            member_users.push(u);
        }
    }
    let rules = sqlx::query("SELECT field, value, priority FROM pool_entry_rules WHERE pool_id = $1 ORDER BY priority, id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .filter_map(|r| {
            let field: String = r.try_get("field").ok()?;
            Some(EntryRule { field: EntryField::parse(&field)?, value: r.try_get("value").ok()?, priority: r.try_get("priority").ok()? })
        })
        .collect();
    Ok(Pool {
        id,
        unit_id: r.try_get("unit_id")?,
        unit_name: r.try_get("unit_name")?,
        name: r.try_get("name")?,
        name_en: r.try_get("name_en")?,
        settings,
        member_units,
        member_users,
        entry_rules: rules,
        customers: r.try_get("customers")?,
    })
}

pub async fn get_pool(db: &Db, pool_id: i64) -> DomainResult<Pool> {
    let mut conn = db.pool().acquire().await?;
    let sql = format!("{POOL_SELECT} WHERE p.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(pool_id).fetch_optional(&mut *conn).await?.ok_or(DomainError::NotFound)?;
    pool_from_row(&mut conn, &row).await
}

/// Every active pool with its settings, for an administrator configuring them.
pub async fn pools_to_configure(db: &Db, actor: &Actor) -> DomainResult<Vec<Pool>> {
    if !actor.is_admin() {
        return Err(DomainError::Forbidden);
    }
    list_pools_for(db, actor).await
}

/// The pools the actor may see, with how many customers wait in each.
pub async fn list_pools_for(db: &Db, actor: &Actor) -> DomainResult<Vec<Pool>> {
    let mut conn = db.pool().acquire().await?;
    let ids = if actor.is_admin() {
        sqlx::query("SELECT id FROM pools WHERE active = 1 ORDER BY id").fetch_all(&mut *conn).await?.iter().map(|r| r.try_get("id")).collect::<Result<Vec<i64>, _>>()?
    } else {
        member_pools_on(&mut conn, actor).await?
    };
    let mut out = Vec::new();
    for id in ids {
        let sql = format!("{POOL_SELECT} WHERE p.id = $1");
        if let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *conn).await? {
            out.push(pool_from_row(&mut conn, &row).await?);
        }
    }
    Ok(out)
}

/// A pool's settings with its per-level rules, for the recycle job.
pub(super) async fn get_pool_settings(conn: &mut AnyConnection, pool: i64) -> DomainResult<PoolSettings> {
    let r = sqlx::query(
        "SELECT max_held_per_user, max_claims_per_day, cooldown_days, recycle_no_followup_days, recycle_no_deal_days, \
         skip_if_open_deal, remind_days_before FROM pools WHERE id = $1",
    )
    .bind(pool)
    .fetch_one(&mut *conn)
    .await?;
    let mut s = settings_from_row(&r)?;
    for l in sqlx::query("SELECT level, no_followup_days, no_deal_days FROM pool_level_rules WHERE pool_id = $1").bind(pool).fetch_all(&mut *conn).await? {
        s.levels.push((l.try_get("level")?, l.try_get("no_followup_days")?, l.try_get("no_deal_days")?));
    }
    Ok(s)
}
