//! Impact preview: before a role edit, a unit move or a user's move is saved, who gains or loses
//! read access to how many records of each type, with examples. The change is applied inside a
//! transaction, the policy is asked before and after, and the transaction is rolled back.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use crate::accounts::admin::{place_user_tx, UserPlacement};
use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::DomainResult;
use crate::objects::{Action, ObjectType};
use crate::policy::record_filter;
use crate::records::TABLES;
use crate::roles::{write_role_rights_tx, RoleRights};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    RoleRights { role_id: i64, rights: RoleRights },
    MoveUnit { unit_id: i64, new_parent: i64 },
    PlaceUser { user_id: i64, placement: UserPlacement },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    pub user_name: String,
    pub record_id: i64,
    pub record_name: String,
    pub gains: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectImpact {
    pub object: ObjectType,
    pub users_gaining: usize,
    pub users_losing: usize,
    pub records_gained: usize,
    pub records_lost: usize,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Impact {
    pub users_considered: usize,
    pub objects: Vec<ObjectImpact>,
}

async fn visible(conn: &mut AnyConnection, user_id: i64, object: ObjectType, table: &str) -> DomainResult<BTreeSet<i64>> {
    let actor = match Actor::load_on(conn, user_id).await {
        Ok(a) => a,
        // A disabled user sees nothing, before or after.
        Err(crate::DomainError::Unauthenticated) => return Ok(BTreeSet::new()),
        Err(e) => return Err(e),
    };
    let f = record_filter(&actor, object, Action::Read, "t", 1, now_ms());
    let sql = format!("SELECT t.id FROM {table} t WHERE {}", f.sql);
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        q = q.bind(*b);
    }
    q.fetch_all(&mut *conn).await?.iter().map(|r| r.try_get::<i64, _>("id").map_err(Into::into)).collect()
}

async fn snapshot(conn: &mut AnyConnection, users: &[i64]) -> DomainResult<BTreeMap<(i64, ObjectType), BTreeSet<i64>>> {
    let mut out = BTreeMap::new();
    for u in users {
        for t in TABLES {
            out.insert((*u, t.object), visible(conn, *u, t.object, t.table).await?);
        }
    }
    Ok(out)
}

/// Previews a change. Only administrators may ask.
pub async fn preview(db: &Db, actor: &Actor, change: &Change) -> DomainResult<Impact> {
    actor.require_admin()?;
    let mut tx = db.begin_write().await?;
    // Users whose access can change: a role's holders; for a unit move everyone (the tree shifts
    // under unit-wide scopes and unit shares); for a user's move, that user.
    let users: Vec<i64> = match change {
        Change::RoleRights { role_id, .. } => sqlx::query(
            "SELECT ur.user_id FROM user_roles ur JOIN users u ON u.id = ur.user_id \
             WHERE ur.role_id = $1 AND u.active = 1 ORDER BY ur.user_id",
        )
            .bind(*role_id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get("user_id"))
            .collect::<Result<_, _>>()?,
        Change::MoveUnit { .. } => sqlx::query("SELECT id FROM users WHERE active = 1 ORDER BY id")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?,
        Change::PlaceUser { user_id, .. } => vec![*user_id],
    };
    let before = snapshot(&mut tx, &users).await?;
    match change {
        Change::RoleRights { role_id, rights } => write_role_rights_tx(&mut tx, *role_id, rights).await?,
        Change::MoveUnit { unit_id, new_parent } => crate::org::move_unit_tx(&mut tx, *unit_id, *new_parent).await?,
        Change::PlaceUser { user_id, placement } => place_user_tx(&mut tx, *user_id, placement).await?,
    }
    let after = snapshot(&mut tx, &users).await?;
    tx.rollback().await?;

    let names: BTreeMap<i64, String> = sqlx::query("SELECT id, display_name FROM users")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("display_name")?)))
        .collect::<DomainResult<_>>()?;
    let mut objects = Vec::new();
    for t in TABLES {
        let mut imp = ObjectImpact { object: t.object, users_gaining: 0, users_losing: 0, records_gained: 0, records_lost: 0, examples: vec![] };
        let mut gained_records = BTreeSet::new();
        let mut lost_records = BTreeSet::new();
        for u in &users {
            let b = &before[&(*u, t.object)];
            let a = &after[&(*u, t.object)];
            let gained: Vec<i64> = a.difference(b).copied().collect();
            let lost: Vec<i64> = b.difference(a).copied().collect();
            if !gained.is_empty() {
                imp.users_gaining += 1;
            }
            if !lost.is_empty() {
                imp.users_losing += 1;
            }
            for (ids, gains) in [(&gained, true), (&lost, false)] {
                for id in ids.iter().take(2) {
                    if imp.examples.len() < 10 {
                        imp.examples.push(Example { user_name: names.get(u).cloned().unwrap_or_default(), record_id: *id, record_name: String::new(), gains });
                    }
                }
            }
            gained_records.extend(gained);
            lost_records.extend(lost);
        }
        imp.records_gained = gained_records.len();
        imp.records_lost = lost_records.len();
        for ex in &mut imp.examples {
            // The first registered field names the record (a name or a title).
            let sql = format!("SELECT CAST({} AS TEXT) AS label FROM {} WHERE id = $1", t.fields[0].name, t.table);
            if let Some(r) = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ex.record_id).fetch_optional(db.pool()).await? {
                ex.record_name = r.try_get("label")?;
            }
        }
        objects.push(imp);
    }
    Ok(Impact { users_considered: users.len(), objects })
}
