//! Customer pools (公海). A pool belongs to a unit; people in that unit and below, and any extra
//! member units or users, see its customers and — with the right to own customers — claim them.
//! Entry rules route new and released customers to a pool by region, industry or source. Caps,
//! a cool-down for the previous owner, and automatic recycling keep customers moving. Every move
//! is written to the customer's history and to the events, in the same transaction.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::audit;
use crate::clock::{now_ms, DAY_MS};
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::policy::{require_on, Actor};
use crate::roles::{Action, ObjectType};

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
pub enum EntryField {
    Province,
    City,
    Industry,
    Source,
}

impl EntryField {
    pub fn column(&self) -> &'static str {
        match self {
            EntryField::Province => "province",
            EntryField::City => "city",
            EntryField::Industry => "industry",
            EntryField::Source => "source",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "province" => Some(EntryField::Province),
            "city" => Some(EntryField::City),
            "industry" => Some(EntryField::Industry),
            "source" => Some(EntryField::Source),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryRule {
    pub field: EntryField,
    pub value: String,
    pub priority: i64,
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

/// The ids of the active pools the actor is a member of. Mirrors the pool clause of the policy's
/// SQL filter, walking parent links instead of the closure table.
pub async fn member_pools_on(conn: &mut AnyConnection, actor: &Actor) -> DomainResult<Vec<i64>> {
    let mut up = Vec::new();
    for unit in &actor.units {
        let mut current = Some(*unit);
        while let Some(u) = current {
            if up.contains(&u) {
                break;
            }
            up.push(u);
            current = sqlx::query("SELECT parent_id FROM org_units WHERE id = $1")
                .bind(u)
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| r.try_get::<Option<i64>, _>("parent_id"))
                .transpose()?
                .flatten();
        }
    }
    let mut pools = Vec::new();
    for r in sqlx::query("SELECT id, unit_id FROM pools WHERE active = 1 ORDER BY id").fetch_all(&mut *conn).await? {
        let (id, unit): (i64, i64) = (r.try_get("id")?, r.try_get("unit_id")?);
        if up.contains(&unit) {
            pools.push(id);
        }
    }
    for r in sqlx::query("SELECT m.pool_id, m.unit_id, m.user_id FROM pool_members m JOIN pools p ON p.id = m.pool_id WHERE p.active = 1")
        .fetch_all(&mut *conn)
        .await?
    {
        let pool: i64 = r.try_get("pool_id")?;
        let by_unit = r.try_get::<Option<i64>, _>("unit_id")?.is_some_and(|u| up.contains(&u));
        let by_user = r.try_get::<Option<i64>, _>("user_id")? == Some(actor.user_id);
        if (by_unit || by_user) && !pools.contains(&pool) {
            pools.push(pool);
        }
    }
    pools.sort_unstable();
    Ok(pools)
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

/// The pool a customer goes to when it enters or returns to the pools: the first matching entry
/// rule by priority, else the pool of its unit or of the nearest unit above it.
pub async fn route_on(conn: &mut AnyConnection, customer_id: i64) -> DomainResult<Option<i64>> {
    let c = sqlx::query("SELECT province, city, industry, source, unit_id FROM customers WHERE id = $1")
        .bind(customer_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(DomainError::NotFound)?;
    let rules = sqlx::query(
        "SELECT r.pool_id, r.field, r.value FROM pool_entry_rules r JOIN pools p ON p.id = r.pool_id \
         WHERE p.active = 1 ORDER BY r.priority, r.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in rules {
        let field: String = r.try_get("field")?;
        let value: String = r.try_get("value")?;
        let actual: String = match EntryField::parse(&field) {
            Some(f) => c.try_get(f.column())?,
            None => continue,
        };
        if actual == value {
            return Ok(Some(r.try_get("pool_id")?));
        }
    }
    let unit: i64 = c.try_get("unit_id")?;
    let nearest = sqlx::query(
        "SELECT p.id FROM pools p JOIN org_unit_closure c ON c.ancestor_id = p.unit_id \
         WHERE c.descendant_id = $1 AND p.active = 1 ORDER BY c.depth, p.id LIMIT 1",
    )
    .bind(unit)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(nearest.map(|r| r.try_get("id")).transpose()?)
}

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

/// Moves a held customer back into its pool; shared by release and recycle.
async fn return_to_pool_tx(tx: &mut Tx, customer_id: i64, owner: i64, actor_id: Option<i64>, kind: &str, note: Option<&str>) -> DomainResult<i64> {
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecycleReport {
    pub recycled: Vec<i64>,
    pub reminded: Vec<i64>,
}

/// The recycle job: returns held customers whose pool's rules say they were left too long, and
/// reminds owners ahead of time. Running it twice changes nothing the second time.
pub async fn recycle(db: &Db, now: i64) -> DomainResult<RecycleReport> {
    let mut report = RecycleReport::default();
    let held = sqlx::query(
        "SELECT id, owner_id, level, owned_since, last_follow_up_at, last_deal_at, open_deals FROM customers \
         WHERE owner_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    let mut conn = db.pool().acquire().await?;
    for c in held {
        let id: i64 = c.try_get("id")?;
        let Some(pool) = route_on(&mut conn, id).await? else { continue };
        let p = get_pool_settings(&mut conn, pool).await?;
        let level: String = c.try_get("level")?;
        let (followup_days, deal_days) = p
            .levels
            .iter()
            .find(|(l, _, _)| *l == level)
            .map(|(_, a, b)| (*a, *b))
            .unwrap_or((p.recycle_no_followup_days, p.recycle_no_deal_days));
        if p.skip_if_open_deal && c.try_get::<i64, _>("open_deals")? > 0 {
            continue;
        }
        let since = c.try_get::<Option<i64>, _>("owned_since")?.unwrap_or(0);
        let last_touch = c.try_get::<Option<i64>, _>("last_follow_up_at")?.unwrap_or(0).max(since);
        let last_deal = c.try_get::<Option<i64>, _>("last_deal_at")?.unwrap_or(0).max(since);
        let due = [(followup_days, last_touch, "no_follow_up"), (deal_days, last_deal, "no_deal")]
            .into_iter()
            .filter(|(days, _, _)| *days > 0)
            .map(|(days, from, why)| (from + days * DAY_MS, why))
            .min_by_key(|(at, _)| *at);
        let Some((due_at, why)) = due else { continue };
        let owner: i64 = c.try_get("owner_id")?;
        if due_at <= now {
            let mut tx = db.begin_write().await?;
            // Re-check inside the write: the owner may have followed up or released meanwhile.
            let still = sqlx::query("SELECT owner_id, last_follow_up_at FROM customers WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
            if still.try_get::<Option<i64>, _>("owner_id")? == Some(owner)
                && still.try_get::<Option<i64>, _>("last_follow_up_at")? == c.try_get::<Option<i64>, _>("last_follow_up_at")?
            {
                return_to_pool_tx(&mut tx, id, owner, None, "recycle", Some(why)).await?;
                tx.commit().await?;
                report.recycled.push(id);
            }
        } else if p.remind_days_before > 0 && due_at - p.remind_days_before * DAY_MS <= now {
            // One reminder per holding: none yet since the owner got it (or last followed up).
            let already = sqlx::query(
                "SELECT id FROM events WHERE kind = 'pool.recycle_reminder' AND object = 'customer' AND record_id = $1 AND target_user_id = $2 AND at >= $3",
            )
            .bind(id)
            .bind(owner)
            .bind(last_touch.min(last_deal))
            .fetch_optional(&mut *conn)
            .await?;
            if already.is_none() {
                let mut tx = db.begin_write().await?;
                event(&mut tx, "pool.recycle_reminder", id, None, Some(owner), json!({"due_at": due_at, "reason": why})).await?;
                history(&mut tx, id, None, "recycle_reminder", Some(why), None, Some(due_at.to_string())).await?;
                tx.commit().await?;
                report.reminded.push(id);
            }
        }
    }
    Ok(report)
}

async fn get_pool_settings(conn: &mut AnyConnection, pool: i64) -> DomainResult<PoolSettings> {
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
