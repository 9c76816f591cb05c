//! The policy in memory, for live delivery: one event goes to hundreds of connected people, and
//! asking the database about each of them would take longer than the event is worth. A snapshot
//! holds the org tree, every active user's units, manager, grants and field rights, and the pools;
//! a decision is then a few lookups. It is reloaded whenever an event says the org tree, a user,
//! a role or a pool changed, so permission changes apply to the next event.
//!
//! It answers exactly like [`super::decide_on`] and the SQL filter; the property test checks all
//! of them against a plain reference model.

use std::collections::{BTreeMap, HashMap};

use sqlx::{AnyConnection, Row};

use crate::acting::Actor;
use crate::db::Db;
use crate::error::DomainResult;
use crate::objects::{Action, ObjectType, Scope};
use crate::rights::{FieldAccess, FieldRights, Grants};

#[derive(Debug, Clone)]
struct UserFacts {
    units: Vec<i64>,
    grants: Grants,
    fields: FieldRights,
}

#[derive(Debug, Clone)]
struct PoolFacts {
    unit: i64,
    member_units: Vec<i64>,
    member_users: Vec<i64>,
}

/// A share on a record, as far as a decision needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareFacts {
    pub user: Option<i64>,
    pub unit: Option<i64>,
    pub edit: bool,
    pub expires_at: Option<i64>,
}

/// What a decision needs to know about one record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordFacts {
    pub owner: Option<i64>,
    pub unit: i64,
    pub pool: Option<i64>,
    /// Tasks: the person who assigned it keeps sight of it.
    pub creator: Option<i64>,
    pub shares: Vec<ShareFacts>,
}

#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    parents: HashMap<i64, Option<i64>>,
    /// Every user's manager, inactive users included: chains of managers run through them.
    managers: HashMap<i64, Option<i64>>,
    /// Active users only: nobody else may do anything.
    users: HashMap<i64, UserFacts>,
    /// Active pools only.
    pools: HashMap<i64, PoolFacts>,
}

impl Snapshot {
    pub async fn load(db: &Db) -> DomainResult<Snapshot> {
        let mut conn = db.pool().acquire().await?;
        Snapshot::load_on(&mut conn).await
    }

    pub async fn load_on(conn: &mut AnyConnection) -> DomainResult<Snapshot> {
        let mut s = Snapshot::default();
        for r in sqlx::query("SELECT id, parent_id FROM org_units").fetch_all(&mut *conn).await? {
            s.parents.insert(r.try_get("id")?, r.try_get("parent_id")?);
        }
        for r in sqlx::query("SELECT id, primary_unit_id, manager_id, active FROM users").fetch_all(&mut *conn).await? {
            let id: i64 = r.try_get("id")?;
            s.managers.insert(id, r.try_get("manager_id")?);
            if r.try_get::<i64, _>("active")? == 1 {
                s.users.insert(id, UserFacts { units: vec![r.try_get("primary_unit_id")?], grants: Grants::default(), fields: FieldRights::default() });
            }
        }
        for r in sqlx::query("SELECT user_id, unit_id FROM user_units ORDER BY user_id, unit_id").fetch_all(&mut *conn).await? {
            let (user, unit): (i64, i64) = (r.try_get("user_id")?, r.try_get("unit_id")?);
            if let Some(u) = s.users.get_mut(&user) {
                if !u.units.contains(&unit) {
                    u.units.push(unit);
                }
            }
        }
        // Grants and field rights per role, then per user as the union of their roles.
        let mut role_grants: HashMap<i64, Vec<(ObjectType, Action, Scope)>> = HashMap::new();
        for r in sqlx::query("SELECT role_id, object, action, scope FROM role_grants").fetch_all(&mut *conn).await? {
            let (o, a, sc): (String, String, String) = (r.try_get("object")?, r.try_get("action")?, r.try_get("scope")?);
            if let (Some(o), Some(a), Some(sc)) = (ObjectType::parse(&o), Action::parse(&a), Scope::parse(&sc)) {
                role_grants.entry(r.try_get("role_id")?).or_default().push((o, a, sc));
            }
        }
        let mut role_fields: HashMap<i64, BTreeMap<(ObjectType, String), FieldAccess>> = HashMap::new();
        for r in sqlx::query("SELECT role_id, object, field, access FROM role_field_rights").fetch_all(&mut *conn).await? {
            let (o, f, a): (String, String, String) = (r.try_get("object")?, r.try_get("field")?, r.try_get("access")?);
            if let (Some(o), Some(a)) = (ObjectType::parse(&o), FieldAccess::parse(&a)) {
                role_fields.entry(r.try_get("role_id")?).or_default().insert((o, f), a);
            }
        }
        let mut roles_of: HashMap<i64, Vec<i64>> = HashMap::new();
        for r in sqlx::query("SELECT user_id, role_id FROM user_roles").fetch_all(&mut *conn).await? {
            roles_of.entry(r.try_get("user_id")?).or_default().push(r.try_get("role_id")?);
        }
        for (user, facts) in s.users.iter_mut() {
            let roles = roles_of.get(user).cloned().unwrap_or_default();
            for role in &roles {
                for (o, a, sc) in role_grants.get(role).map(|g| g.as_slice()).unwrap_or_default() {
                    facts.grants.add(*o, *a, *sc);
                }
            }
            let per_role: Vec<_> = roles.iter().map(|r| role_fields.get(r).cloned().unwrap_or_default()).collect();
            facts.fields = FieldRights::combine(&per_role);
        }
        for r in sqlx::query("SELECT id, unit_id FROM pools WHERE active = 1").fetch_all(&mut *conn).await? {
            s.pools.insert(r.try_get("id")?, PoolFacts { unit: r.try_get("unit_id")?, member_units: vec![], member_users: vec![] });
        }
        for r in sqlx::query("SELECT pool_id, unit_id, user_id FROM pool_members").fetch_all(&mut *conn).await? {
            if let Some(p) = s.pools.get_mut(&r.try_get::<i64, _>("pool_id")?) {
                if let Some(u) = r.try_get::<Option<i64>, _>("unit_id")? {
                    p.member_units.push(u);
                }
                if let Some(u) = r.try_get::<Option<i64>, _>("user_id")? {
                    p.member_users.push(u);
                }
            }
        }
        Ok(s)
    }

    /// Whether the user exists and is active.
    pub fn knows(&self, user: i64) -> bool {
        self.users.contains_key(&user)
    }

    /// The user as an actor (for field stripping), when active.
    pub fn actor(&self, user: i64) -> Option<Actor> {
        self.users.get(&user).map(|u| Actor { user_id: user, units: u.units.clone(), grants: u.grants.clone(), fields: u.fields.clone() })
    }

    fn up_from(&self, unit: i64) -> Vec<i64> {
        let mut path = vec![unit];
        let mut current = unit;
        while let Some(Some(p)) = self.parents.get(&current) {
            if path.contains(p) {
                break;
            }
            path.push(*p);
            current = *p;
        }
        path
    }

    fn reports_to(&self, mut user: i64, boss: i64) -> bool {
        let mut seen = vec![user];
        while let Some(Some(m)) = self.managers.get(&user).copied() {
            if m == boss {
                return true;
            }
            if seen.contains(&m) {
                return false;
            }
            seen.push(m);
            user = m;
        }
        false
    }

    /// Whether `user` may do `action` on a record of `object` with these facts, at time `now`.
    pub fn allows(&self, user: i64, object: ObjectType, action: Action, r: &RecordFacts, now: i64) -> bool {
        let Some(u) = self.users.get(&user) else { return false };
        let by_scope = match u.grants.scope(object, action) {
            Scope::None => false,
            Scope::Own => r.owner == Some(user),
            Scope::OwnAndSubordinates => r.owner.is_some_and(|o| o == user || self.reports_to(o, user)),
            Scope::Unit => u.units.contains(&r.unit),
            Scope::UnitAndBelow => self.up_from(r.unit).iter().any(|x| u.units.contains(x)),
            Scope::All => true,
        };
        if by_scope {
            return true;
        }
        if object == ObjectType::Task && matches!(action, Action::Read | Action::Update) && r.creator == Some(user) {
            return true;
        }
        if action == Action::Read && object == ObjectType::Customer && r.owner.is_none() {
            if let Some(pool) = r.pool.and_then(|p| self.pools.get(&p)) {
                let mine_up: Vec<i64> = u.units.iter().flat_map(|m| self.up_from(*m)).collect();
                if mine_up.contains(&pool.unit) || pool.member_units.iter().any(|m| mine_up.contains(m)) || pool.member_users.contains(&user) {
                    return true;
                }
            }
        }
        matches!(action, Action::Read | Action::Update)
            && r.shares.iter().any(|s| {
                s.expires_at.is_none_or(|e| e > now)
                    && (action == Action::Read || s.edit)
                    && match (s.user, s.unit) {
                        (Some(x), _) => x == user,
                        (None, Some(g)) => u.units.iter().any(|m| self.up_from(*m).contains(&g)),
                        (None, None) => false,
                    }
            })
    }

    /// The active users in the snapshot.
    pub fn user_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.users.keys().copied()
    }
}

/// The facts about one record a decision needs, read from its table and its shares.
pub async fn record_facts(conn: &mut AnyConnection, object: ObjectType, record_id: i64) -> DomainResult<Option<RecordFacts>> {
    let sql = match object {
        ObjectType::Customer => "SELECT owner_id, unit_id, pool_id, NULL AS creator_id FROM customers WHERE id = $1",
        ObjectType::Task => "SELECT owner_id, unit_id, NULL AS pool_id, creator_id FROM tasks WHERE id = $1",
        _ => match crate::records::table_of(object).map(|t| t.table) {
            Some("leads") => "SELECT owner_id, unit_id, NULL AS pool_id, NULL AS creator_id FROM leads WHERE id = $1",
            Some("approval_documents") => "SELECT owner_id, unit_id, NULL AS pool_id, NULL AS creator_id FROM approval_documents WHERE id = $1",
            Some("contracts") => "SELECT owner_id, unit_id, NULL AS pool_id, NULL AS creator_id FROM contracts WHERE id = $1",
            Some("quotes") => "SELECT owner_id, unit_id, NULL AS pool_id, NULL AS creator_id FROM quotes WHERE id = $1",
            Some("tickets") => "SELECT owner_id, unit_id, NULL AS pool_id, NULL AS creator_id FROM tickets WHERE id = $1",
            Some("opportunities") => "SELECT owner_id, unit_id, NULL AS pool_id, NULL AS creator_id FROM opportunities WHERE id = $1",
            Some("receivables") => "SELECT owner_id, unit_id, NULL AS pool_id, NULL AS creator_id FROM receivables WHERE id = $1",
            _ => return Ok(None),
        },
    };
    let Some(r) = sqlx::query(sql).bind(record_id).fetch_optional(&mut *conn).await? else { return Ok(None) };
    let mut facts = RecordFacts {
        owner: r.try_get("owner_id")?,
        unit: r.try_get("unit_id")?,
        pool: r.try_get::<Option<i64>, _>("pool_id").ok().flatten(),
        creator: r.try_get::<Option<i64>, _>("creator_id").ok().flatten(),
        shares: vec![],
    };
    for s in sqlx::query("SELECT grantee_user_id, grantee_unit_id, access, expires_at FROM shares WHERE object = $1 AND record_id = $2")
        .bind(object.as_str())
        .bind(record_id)
        .fetch_all(&mut *conn)
        .await?
    {
        facts.shares.push(ShareFacts {
            user: s.try_get("grantee_user_id")?,
            unit: s.try_get("grantee_unit_id")?,
            edit: s.try_get::<String, _>("access")? == "edit",
            expires_at: s.try_get("expires_at")?,
        });
    }
    Ok(Some(facts))
}
