//! The policy for one record, with the reasons. It walks the org tree by parent links and the
//! manager chain step by step, independently of the SQL filter's closure table and recursive
//! query, so the two implementations check each other in the tests.

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType, Scope};
use crate::records::table_of;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// A role grant of this scope covers the record.
    Grant { scope: Scope, roles: Vec<String> },
    /// The customer waits in a pool the user is a member of.
    Pool { pool_id: i64 },
    /// The user assigned this task to someone: they keep sight of it.
    Creator,
    /// The user is asked to decide an approval of this record (`current`), or decided one
    /// (read-only, for their history). Grants reading only.
    Approval { approval_id: i64, current: bool },
    /// A share covers the record.
    Share { share_id: i64, access: String, to_user: Option<i64>, to_unit: Option<i64>, expires_at: Option<i64> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub allowed: bool,
    /// The widest scope the user's roles grant for this object and action.
    pub scope: Scope,
    /// Why access is granted; empty when refused.
    pub reasons: Vec<Reason>,
    pub owner_id: Option<i64>,
    pub unit_id: i64,
}

pub async fn decide(db: &Db, actor: &Actor, object: ObjectType, action: Action, record_id: i64) -> DomainResult<Decision> {
    let mut conn = db.pool().acquire().await?;
    decide_on(&mut conn, actor, object, action, record_id).await
}

/// Units from `unit` up to the root, by parent links.
async fn unit_and_ancestors(conn: &mut AnyConnection, unit: i64) -> DomainResult<Vec<i64>> {
    let mut path = vec![unit];
    let mut current = unit;
    // The tree is acyclic (moves refuse cycles); the bound only guards against corrupt data.
    for _ in 0..64 {
        let parent: Option<i64> = sqlx::query("SELECT parent_id FROM org_units WHERE id = $1")
            .bind(current)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get("parent_id"))
            .transpose()?
            .flatten();
        match parent {
            Some(p) if !path.contains(&p) => {
                path.push(p);
                current = p;
            }
            _ => break,
        }
    }
    Ok(path)
}

/// Whether `owner` reports to `manager`, directly or through a chain of managers.
async fn reports_to(conn: &mut AnyConnection, owner: i64, manager: i64) -> DomainResult<bool> {
    let mut current = owner;
    let mut seen = vec![owner];
    for _ in 0..64 {
        let next: Option<i64> = sqlx::query("SELECT manager_id FROM users WHERE id = $1")
            .bind(current)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get("manager_id"))
            .transpose()?
            .flatten();
        match next {
            Some(m) if m == manager => return Ok(true),
            Some(m) if !seen.contains(&m) => {
                seen.push(m);
                current = m;
            }
            _ => return Ok(false),
        }
    }
    Ok(false)
}

async fn unit_covers(conn: &mut AnyConnection, actor: &Actor, unit: i64) -> DomainResult<bool> {
    Ok(unit_and_ancestors(conn, unit).await?.iter().any(|u| actor.units.contains(u)))
}

async fn scope_covers(conn: &mut AnyConnection, actor: &Actor, scope: Scope, owner: Option<i64>, unit: i64) -> DomainResult<bool> {
    Ok(match scope {
        Scope::None => false,
        Scope::Own => owner == Some(actor.user_id),
        Scope::OwnAndSubordinates => match owner {
            Some(o) if o == actor.user_id => true,
            Some(o) => reports_to(conn, o, actor.user_id).await?,
            None => false,
        },
        Scope::Unit => actor.units.contains(&unit),
        Scope::UnitAndBelow => unit_covers(conn, actor, unit).await?,
        Scope::All => true,
    })
}

async fn roles_granting(conn: &mut AnyConnection, actor: &Actor, object: ObjectType, action: Action, scope: Scope) -> DomainResult<Vec<String>> {
    let rows = sqlx::query(
        "SELECT r.name_en, r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
         JOIN role_grants g ON g.role_id = r.id \
         WHERE ur.user_id = $1 AND g.object = $2 AND g.action = $3 AND g.scope = $4 ORDER BY r.id",
    )
    .bind(actor.user_id)
    .bind(object.as_str())
    .bind(action.as_str())
    .bind(scope.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let en: String = r.try_get("name_en")?;
            let zh: String = r.try_get("name")?;
            Ok(if en.is_empty() { zh } else { format!("{zh} / {en}") })
        })
        .collect()
}

pub async fn decide_on(
    conn: &mut AnyConnection,
    actor: &Actor,
    object: ObjectType,
    action: Action,
    record_id: i64,
) -> DomainResult<Decision> {
    let table = table_of(object).ok_or(DomainError::NotFound)?;
    let sql = match table.table {
        "customers" => "SELECT owner_id, unit_id, pool_id, CAST(NULL AS BIGINT) AS creator_id FROM customers WHERE id = $1",
        "tasks" => "SELECT owner_id, unit_id, CAST(NULL AS BIGINT) AS pool_id, creator_id FROM tasks WHERE id = $1",
        // Leads wait in no pool.
        "leads" => "SELECT owner_id, unit_id, CAST(NULL AS BIGINT) AS pool_id, CAST(NULL AS BIGINT) AS creator_id FROM leads WHERE id = $1",
        "approval_documents" => "SELECT owner_id, unit_id, CAST(NULL AS BIGINT) AS pool_id, CAST(NULL AS BIGINT) AS creator_id FROM approval_documents WHERE id = $1",
        "contracts" => "SELECT owner_id, unit_id, CAST(NULL AS BIGINT) AS pool_id, CAST(NULL AS BIGINT) AS creator_id FROM contracts WHERE id = $1",
        "quotes" => "SELECT owner_id, unit_id, CAST(NULL AS BIGINT) AS pool_id, CAST(NULL AS BIGINT) AS creator_id FROM quotes WHERE id = $1",
        "tickets" => "SELECT owner_id, unit_id, CAST(NULL AS BIGINT) AS pool_id, CAST(NULL AS BIGINT) AS creator_id FROM tickets WHERE id = $1",
        "opportunities" => "SELECT owner_id, unit_id, CAST(NULL AS BIGINT) AS pool_id, CAST(NULL AS BIGINT) AS creator_id FROM opportunities WHERE id = $1",
        "receivables" => "SELECT owner_id, unit_id, CAST(NULL AS BIGINT) AS pool_id, CAST(NULL AS BIGINT) AS creator_id FROM receivables WHERE id = $1",
        _ => return Err(DomainError::NotFound),
    };
    let row = sqlx::query(sql).bind(record_id).fetch_optional(&mut *conn).await?.ok_or(DomainError::NotFound)?;
    let owner: Option<i64> = row.try_get("owner_id")?;
    let unit: i64 = row.try_get("unit_id")?;
    let pool: Option<i64> = row.try_get::<Option<i64>, _>("pool_id").ok().flatten();
    let creator: Option<i64> = row.try_get::<Option<i64>, _>("creator_id").ok().flatten();
    let scope = actor.scope(object, action);
    let mut reasons = Vec::new();
    if scope_covers(conn, actor, scope, owner, unit).await? {
        let roles = roles_granting(conn, actor, object, action, scope).await?;
        reasons.push(Reason::Grant { scope, roles });
    }
    if object == ObjectType::Task && matches!(action, Action::Read | Action::Update) && creator == Some(actor.user_id) {
        reasons.push(Reason::Creator);
    }
    if let (Action::Read, ObjectType::Customer, Some(pool_id), None) = (action, object, pool, owner) {
        if crate::pools::membership::member_pools_on(conn, actor).await?.contains(&pool_id) {
            reasons.push(Reason::Pool { pool_id });
        }
    }
    if action == Action::Read {
        if let Some((approval_id, current)) = crate::approvals::reach_on(conn, actor.user_id, object, record_id).await? {
            reasons.push(Reason::Approval { approval_id, current });
        }
    }
    if matches!(action, Action::Read | Action::Update) {
        let shares = sqlx::query(
            "SELECT id, access, grantee_user_id, grantee_unit_id, expires_at FROM shares \
             WHERE object = $1 AND record_id = $2 ORDER BY id",
        )
        .bind(object.as_str())
        .bind(record_id)
        .fetch_all(&mut *conn)
        .await?;
        let now = now_ms();
        for s in shares {
            let access: String = s.try_get("access")?;
            let expires_at: Option<i64> = s.try_get("expires_at")?;
            let to_user: Option<i64> = s.try_get("grantee_user_id")?;
            let to_unit: Option<i64> = s.try_get("grantee_unit_id")?;
            if expires_at.is_some_and(|e| e <= now) || (action == Action::Update && access != "edit") {
                continue;
            }
            let mine = match (to_user, to_unit) {
                (Some(u), _) => u == actor.user_id,
                (None, Some(grantee_unit)) => {
                    let mut covered = false;
                    for my_unit in actor.units.clone() {
                        if unit_and_ancestors(conn, my_unit).await?.contains(&grantee_unit) {
                            covered = true;
                            break;
                        }
                    }
                    covered
                }
                (None, None) => false,
            };
            if mine {
                reasons.push(Reason::Share { share_id: s.try_get("id")?, access, to_user, to_unit, expires_at });
            }
        }
    }
    Ok(Decision { allowed: !reasons.is_empty(), scope, reasons, owner_id: owner, unit_id: unit })
}
