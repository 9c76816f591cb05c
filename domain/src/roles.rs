//! Roles grant, per object type and action, a data scope. This module holds the built-in roles,
//! loads a user's grants and administers roles; the vocabulary is [`crate::objects`] and the
//! grants themselves [`crate::rights`] (re-exported here).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};

pub use crate::objects::{Action, ObjectType, Scope};
pub use crate::rights::Grants;

/// The grants of a user: the union of their roles' grants.
pub async fn grants_for_user(db: &Db, user_id: i64) -> DomainResult<Grants> {
    let mut conn = db.pool().acquire().await?;
    grants_for_user_on(&mut conn, user_id).await
}

pub async fn grants_for_user_on(conn: &mut sqlx::AnyConnection, user_id: i64) -> DomainResult<Grants> {
    let rows = sqlx::query(
        "SELECT g.object, g.action, g.scope FROM user_roles ur \
         JOIN role_grants g ON g.role_id = ur.role_id WHERE ur.user_id = $1",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut grants = Grants::default();
    for row in rows {
        let object: String = row.try_get("object")?;
        let action: String = row.try_get("action")?;
        let scope: String = row.try_get("scope")?;
        if let (Some(o), Some(a), Some(s)) =
            (ObjectType::parse(&object), Action::parse(&action), Scope::parse(&scope))
        {
            grants.add(o, a, s);
        }
    }
    Ok(grants)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleSummary {
    pub id: i64,
    pub key: Option<String>,
    pub name: String,
    pub name_en: String,
}

pub async fn roles_of_user(db: &Db, user_id: i64) -> DomainResult<Vec<RoleSummary>> {
    let rows = sqlx::query(
        "SELECT r.id, r.key, r.name, r.name_en FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
         WHERE ur.user_id = $1 ORDER BY r.id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RoleSummary {
                id: r.try_get("id")?,
                key: r.try_get("key")?,
                name: r.try_get("name")?,
                name_en: r.try_get("name_en")?,
            })
        })
        .collect()
}

/// A built-in role: key, Chinese name, English name, grants.
pub struct BuiltinRole {
    pub key: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    pub grants: fn() -> Vec<(ObjectType, Action, Scope)>,
}

fn every(objects: &[ObjectType], actions: &[Action], scope: Scope) -> Vec<(ObjectType, Action, Scope)> {
    objects
        .iter()
        .flat_map(|o| actions.iter().map(move |a| (*o, *a, scope)))
        .collect()
}

use Action as A;
use ObjectType as O;

const SALES_OBJECTS: &[ObjectType] =
    &[O::Customer, O::Contact, O::Lead, O::Opportunity, O::Quote, O::Contract];
const WORK_ACTIONS: &[Action] = &[A::Read, A::Create, A::Update];

pub const BUILTIN_ROLES: &[BuiltinRole] = &[
    BuiltinRole {
        key: "administrator",
        name: "系统管理员",
        name_en: "Administrator",
        grants: || every(ObjectType::ALL, Action::ALL, Scope::All),
    },
    BuiltinRole {
        key: "executive",
        name: "集团管理层",
        name_en: "Group executive",
        grants: || {
            let mut g = every(
                &[O::Customer, O::Contact, O::Lead, O::Opportunity, O::Quote, O::Contract, O::Receivable, O::Ticket, O::Report],
                &[A::Read, A::Export],
                Scope::All,
            );
            g.extend(every(&[O::Approval, O::Task], &[A::Read, A::Create, A::Update], Scope::All));
            g
        },
    },
    BuiltinRole {
        key: "branch_manager",
        name: "分公司经理",
        name_en: "Branch manager",
        grants: || {
            let mut g = every(
                &[O::Customer, O::Contact, O::Lead, O::Opportunity, O::Quote, O::Contract, O::Ticket],
                &[A::Read, A::Create, A::Update, A::Assign, A::Share, A::Export],
                Scope::UnitAndBelow,
            );
            // Managers follow their branch's money; finance records it.
            g.extend(every(&[O::Receivable], &[A::Read, A::Export], Scope::UnitAndBelow));
            g.extend(every(&[O::Approval, O::Task, O::Report], &[A::Read, A::Create, A::Update], Scope::UnitAndBelow));
            g
        },
    },
    BuiltinRole {
        key: "sales_rep",
        name: "销售代表",
        name_en: "Sales representative",
        grants: || {
            let mut g = every(SALES_OBJECTS, WORK_ACTIONS, Scope::Own);
            g.extend(every(&[O::Customer, O::Opportunity], &[A::Share], Scope::Own));
            g.extend(every(&[O::Receivable], &[A::Read], Scope::Own));
            g.extend(every(&[O::Approval, O::Task], WORK_ACTIONS, Scope::Own));
            g.extend(every(&[O::Report], &[A::Read], Scope::Own));
            g
        },
    },
    BuiltinRole {
        key: "finance",
        name: "财务",
        name_en: "Finance",
        grants: || {
            let mut g = every(&[O::Customer, O::Contract, O::Opportunity], &[A::Read], Scope::All);
            g.extend(every(&[O::Receivable], &[A::Read, A::Create, A::Update, A::Export], Scope::All));
            g.extend(every(&[O::Approval, O::Task], WORK_ACTIONS, Scope::Own));
            g.extend(every(&[O::Report], &[A::Read, A::Export], Scope::All));
            g
        },
    },
    BuiltinRole {
        key: "service",
        name: "客服",
        name_en: "Service agent",
        grants: || {
            let mut g = every(&[O::Customer, O::Contact, O::Contract], &[A::Read], Scope::UnitAndBelow);
            g.extend(every(&[O::Ticket], &[A::Read, A::Create, A::Update, A::Assign], Scope::UnitAndBelow));
            g.extend(every(&[O::Approval, O::Task], WORK_ACTIONS, Scope::Own));
            g
        },
    },
    BuiltinRole {
        key: "marketing",
        name: "市场",
        name_en: "Marketing",
        grants: || {
            let mut g = every(&[O::Lead], &[A::Read, A::Create, A::Update, A::Assign, A::Export], Scope::All);
            g.extend(every(&[O::Customer, O::Contact], &[A::Read], Scope::All));
            g.extend(every(&[O::Approval, O::Task], WORK_ACTIONS, Scope::Own));
            g.extend(every(&[O::Report], &[A::Read], Scope::All));
            g
        },
    },
];

/// Creates a role with its grants.
pub async fn insert_role_tx(
    tx: &mut Tx,
    key: Option<&str>,
    name: &str,
    name_en: &str,
    builtin: bool,
    grants: &[(ObjectType, Action, Scope)],
) -> DomainResult<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO roles (key, name, name_en, builtin, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(key)
    .bind(name)
    .bind(name_en)
    .bind(builtin as i64)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    for (object, action, scope) in grants {
        if *scope == Scope::None {
            continue;
        }
        sqlx::query("INSERT INTO role_grants (role_id, object, action, scope) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(object.as_str())
            .bind(action.as_str())
            .bind(scope.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

/// Field rights the built-in roles start with: sales do not see cost prices, service does not see
/// contract amounts. Administrators change them like any other role's.
pub fn builtin_field_rights(key: &str) -> &'static [(ObjectType, &'static str, FieldAccess)] {
    match key {
        "sales_rep" => &[(O::Product, "cost_minor", FieldAccess::Hidden)],
        "service" => &[(O::Contract, "amount_minor", FieldAccess::Hidden), (O::Receivable, "amount_minor", FieldAccess::Hidden), (O::Receivable, "received_minor", FieldAccess::Hidden)],
        _ => &[],
    }
}

/// Inserts the built-in roles that are missing and returns their ids by key.
pub async fn ensure_builtin_roles(tx: &mut Tx) -> DomainResult<BTreeMap<&'static str, i64>> {
    let mut ids = BTreeMap::new();
    for role in BUILTIN_ROLES {
        let existing = sqlx::query("SELECT id FROM roles WHERE key = $1")
            .bind(role.key)
            .fetch_optional(&mut **tx)
            .await?;
        let id: i64 = match existing {
            Some(row) => row.try_get("id")?,
            None => {
                let id = insert_role_tx(tx, Some(role.key), role.name, role.name_en, true, &(role.grants)()).await?;
                for (object, field, access) in builtin_field_rights(role.key) {
                    sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, $2, $3, $4)")
                        .bind(id)
                        .bind(object.as_str())
                        .bind(*field)
                        .bind(access.as_str())
                        .execute(&mut **tx)
                        .await?;
                }
                id
            }
        };
        ids.insert(role.key, id);
    }
    Ok(ids)
}

pub async fn assign_role(tx: &mut Tx, user_id: i64, role_id: i64) -> DomainResult<()> {
    let exists = sqlx::query("SELECT 1 AS one FROM user_roles WHERE user_id = $1 AND role_id = $2")
        .bind(user_id)
        .bind(role_id)
        .fetch_optional(&mut **tx)
        .await?;
    if exists.is_none() {
        sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)")
            .bind(user_id)
            .bind(role_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn role_id_by_key(db: &Db, key: &str) -> DomainResult<i64> {
    sqlx::query("SELECT id FROM roles WHERE key = $1")
        .bind(key)
        .fetch_optional(db.pool())
        .await?
        .ok_or(DomainError::NotFound)?
        .try_get("id")
        .map_err(DomainError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_from_several_roles_add_up_to_the_widest() {
        let mut g = Grants::default();
        g.add(O::Customer, A::Read, Scope::Own);
        g.add(O::Customer, A::Read, Scope::UnitAndBelow);
        g.add(O::Customer, A::Read, Scope::Unit);
        assert_eq!(g.scope(O::Customer, A::Read), Scope::UnitAndBelow);
        assert_eq!(g.scope(O::Customer, A::Delete), Scope::None);
        assert!(!g.can(O::Admin, A::Read));
    }

    #[test]
    fn vocabulary_round_trips_through_text() {
        for o in ObjectType::ALL {
            assert_eq!(ObjectType::parse(o.as_str()), Some(*o));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(*a));
        }
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Scope::parse("everything"), None);
    }

    #[test]
    fn only_the_administrator_role_reaches_admin_pages() {
        for role in BUILTIN_ROLES {
            let reaches_admin = (role.grants)().iter().any(|(o, _, s)| *o == O::Admin && *s > Scope::None);
            assert_eq!(reaches_admin, role.key == "administrator", "{}", role.key);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Role administration: list, copy, edit grants and field rights. Administrators only, audited.
// A change applies on the next request of every user holding the role (actors load per request).

use crate::acting::Actor;
use crate::rights::FieldAccess;
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleDetail {
    pub id: i64,
    pub key: Option<String>,
    pub name: String,
    pub name_en: String,
    pub builtin: bool,
    pub user_count: i64,
    pub grants: Vec<(ObjectType, Action, Scope)>,
    pub field_rights: Vec<(ObjectType, String, FieldAccess)>,
}

/// A role's grants and field rights as one value, for saving and previewing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRights {
    pub grants: Vec<(ObjectType, Action, Scope)>,
    pub field_rights: Vec<(ObjectType, String, FieldAccess)>,
}

pub async fn list_roles(db: &Db, actor: &Actor) -> DomainResult<Vec<RoleDetail>> {
    if !actor.is_admin() {
        return Err(DomainError::Forbidden);
    }
    let roles = sqlx::query(
        "SELECT r.id, r.key, r.name, r.name_en, r.builtin, (SELECT COUNT(*) FROM user_roles ur WHERE ur.role_id = r.id) AS n \
         FROM roles r ORDER BY r.id",
    )
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in roles {
        let id: i64 = r.try_get("id")?;
        let rights = role_rights(db, id).await?;
        out.push(RoleDetail {
            id,
            key: r.try_get("key")?,
            name: r.try_get("name")?,
            name_en: r.try_get("name_en")?,
            builtin: r.try_get::<i64, _>("builtin")? == 1,
            user_count: r.try_get("n")?,
            grants: rights.grants,
            field_rights: rights.field_rights,
        });
    }
    Ok(out)
}

pub async fn role_rights(db: &Db, role_id: i64) -> DomainResult<RoleRights> {
    let mut conn = db.pool().acquire().await?;
    let grants = sqlx::query("SELECT object, action, scope FROM role_grants WHERE role_id = $1 ORDER BY object, action")
        .bind(role_id)
        .fetch_all(&mut *conn)
        .await?;
    let fields = sqlx::query("SELECT object, field, access FROM role_field_rights WHERE role_id = $1 ORDER BY object, field")
        .bind(role_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut rights = RoleRights::default();
    for g in grants {
        let (o, a, s): (String, String, String) = (g.try_get("object")?, g.try_get("action")?, g.try_get("scope")?);
        if let (Some(o), Some(a), Some(s)) = (ObjectType::parse(&o), Action::parse(&a), Scope::parse(&s)) {
            rights.grants.push((o, a, s));
        }
    }
    for f in fields {
        let (o, field, a): (String, String, String) = (f.try_get("object")?, f.try_get("field")?, f.try_get("access")?);
        if let (Some(o), Some(a)) = (ObjectType::parse(&o), FieldAccess::parse(&a)) {
            rights.field_rights.push((o, field, a));
        }
    }
    Ok(rights)
}

fn rights_json(r: &RoleRights) -> serde_json::Value {
    json!({
        "grants": r.grants.iter().map(|(o, a, s)| format!("{}.{}={}", o.as_str(), a.as_str(), s.as_str())).collect::<Vec<_>>(),
        "fields": r.field_rights.iter().map(|(o, f, a)| format!("{}.{}={}", o.as_str(), f, a.as_str())).collect::<Vec<_>>(),
    })
}

/// Replaces a role's grants and field rights in the caller's transaction.
pub async fn write_role_rights_tx(tx: &mut Tx, role_id: i64, rights: &RoleRights) -> DomainResult<()> {
    for (object, field, _) in &rights.field_rights {
        let known = crate::records::field_def(*object, field).is_some();
        if !known {
            return Err(DomainError::invalid("field", "unknown_field"));
        }
    }
    sqlx::query("DELETE FROM role_grants WHERE role_id = $1").bind(role_id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM role_field_rights WHERE role_id = $1").bind(role_id).execute(&mut **tx).await?;
    let mut seen = std::collections::BTreeSet::new();
    for (object, action, scope) in &rights.grants {
        if *scope == Scope::None || !seen.insert((*object, *action)) {
            continue;
        }
        sqlx::query("INSERT INTO role_grants (role_id, object, action, scope) VALUES ($1, $2, $3, $4)")
            .bind(role_id)
            .bind(object.as_str())
            .bind(action.as_str())
            .bind(scope.as_str())
            .execute(&mut **tx)
            .await?;
    }
    let mut seen = std::collections::BTreeSet::new();
    for (object, field, access) in &rights.field_rights {
        if *access == FieldAccess::Edit || !seen.insert((*object, field.clone())) {
            continue;
        }
        sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, $2, $3, $4)")
            .bind(role_id)
            .bind(object.as_str())
            .bind(field)
            .bind(access.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn update_role_rights(db: &Db, actor: &Actor, role_id: i64, rights: &RoleRights) -> DomainResult<()> {
    actor.require_admin()?;
    let before = role_rights(db, role_id).await?;
    let mut tx = db.begin_write().await?;
    let exists = sqlx::query("SELECT id FROM roles WHERE id = $1").bind(role_id).fetch_optional(&mut *tx).await?;
    if exists.is_none() {
        return Err(DomainError::NotFound);
    }
    write_role_rights_tx(&mut tx, role_id, rights).await?;
    sqlx::query("UPDATE roles SET updated_at = $2 WHERE id = $1").bind(role_id).bind(now_ms()).execute(&mut *tx).await?;
    crate::audit::record(&mut tx, Some(actor.user_id), "role", Some(role_id), "update", Some(rights_json(&before)), Some(rights_json(rights))).await?;
    tx.commit().await?;
    Ok(())
}

/// Copies a role (grants and field rights) under a new name; built-in roles are changed this way.
pub async fn copy_role(db: &Db, actor: &Actor, role_id: i64, name: &str, name_en: &str) -> DomainResult<i64> {
    actor.require_admin()?;
    let name = name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid("name", "required"));
    }
    let rights = role_rights(db, role_id).await?;
    let mut tx = db.begin_write().await?;
    let exists = sqlx::query("SELECT id FROM roles WHERE id = $1").bind(role_id).fetch_optional(&mut *tx).await?;
    if exists.is_none() {
        return Err(DomainError::NotFound);
    }
    let id = insert_role_tx(&mut tx, None, name, name_en.trim(), false, &[]).await?;
    write_role_rights_tx(&mut tx, id, &rights).await?;
    crate::audit::record(&mut tx, Some(actor.user_id), "role", Some(id), "create",
        Some(json!({"copied_from": role_id})), Some(json!({"name": name, "name_en": name_en.trim(), "rights": rights_json(&rights)}))).await?;
    tx.commit().await?;
    Ok(id)
}
