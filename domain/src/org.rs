//! The org tree. A closure table keeps "this unit and everything below" one indexed lookup.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};

pub use domain_types::org::{Directory, UnitKind, UnitRow};

/// A unit kind from its text code ("group", "branch", ...).
pub fn parse_unit_kind(s: &str) -> DomainResult<UnitKind> {
    UnitKind::parse(s).ok_or(DomainError::invalid("kind", "unknown_unit_kind"))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: UnitKind,
    pub name: String,
    pub name_en: String,
}

/// A unit name: trimmed, 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitName(String);

impl UnitName {
    pub fn parse(s: &str) -> DomainResult<Self> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DomainError::invalid("name", "required"));
        }
        if s.chars().count() > 100 {
            return Err(DomainError::invalid("name", "too_long"));
        }
        Ok(UnitName(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Creates a unit under `parent_id` (or a root when `None`) and its closure rows.
pub async fn create_unit_tx(
    tx: &mut Tx,
    parent_id: Option<i64>,
    kind: UnitKind,
    name: &UnitName,
    name_en: &str,
    created_by: Option<i64>,
) -> DomainResult<i64> {
    let now = now_ms();
    if let Some(parent) = parent_id {
        let exists = sqlx::query("SELECT id FROM org_units WHERE id = $1 AND active = 1")
            .bind(parent)
            .fetch_optional(&mut **tx)
            .await?;
        if exists.is_none() {
            return Err(DomainError::invalid("parent", "unknown_unit"));
        }
    }
    let id: i64 = sqlx::query(
        "INSERT INTO org_units (parent_id, kind, name, name_en, active, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, 1, $5, $5, $6) RETURNING id",
    )
    .bind(parent_id)
    .bind(kind.as_str())
    .bind(name.as_str())
    .bind(name_en.trim())
    .bind(now)
    .bind(created_by)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    sqlx::query("INSERT INTO org_unit_closure (ancestor_id, descendant_id, depth) VALUES ($1, $1, 0)")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if let Some(parent) = parent_id {
        sqlx::query(
            "INSERT INTO org_unit_closure (ancestor_id, descendant_id, depth) \
             SELECT ancestor_id, $1, depth + 1 FROM org_unit_closure WHERE descendant_id = $2",
        )
        .bind(id)
        .bind(parent)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

pub async fn create_unit(
    db: &Db,
    parent_id: Option<i64>,
    kind: UnitKind,
    name: &UnitName,
    name_en: &str,
    created_by: Option<i64>,
) -> DomainResult<i64> {
    let mut tx = db.begin_write().await?;
    let id = create_unit_tx(&mut tx, parent_id, kind, name, name_en, created_by).await?;
    tx.commit().await?;
    Ok(id)
}

fn unit_from_row(row: &sqlx::any::AnyRow) -> DomainResult<OrgUnit> {
    Ok(OrgUnit {
        id: row.try_get("id")?,
        parent_id: row.try_get("parent_id")?,
        kind: parse_unit_kind(&row.try_get::<String, _>("kind")?)?,
        name: row.try_get("name")?,
        name_en: row.try_get("name_en")?,
    })
}

pub async fn get_unit(db: &Db, id: i64) -> DomainResult<OrgUnit> {
    let row = sqlx::query("SELECT id, parent_id, kind, name, name_en FROM org_units WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(DomainError::NotFound)?;
    unit_from_row(&row)
}

/// The unit and every unit below it, at any depth.
pub async fn subtree_ids(db: &Db, unit_id: i64) -> DomainResult<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = $1 ORDER BY depth, descendant_id",
    )
    .bind(unit_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| r.try_get::<i64, _>("descendant_id").map_err(DomainError::from))
        .collect()
}

/// The path from the root down to the unit (inclusive).
pub async fn ancestors(db: &Db, unit_id: i64) -> DomainResult<Vec<OrgUnit>> {
    let rows = sqlx::query(
        "SELECT u.id, u.parent_id, u.kind, u.name, u.name_en FROM org_unit_closure c \
         JOIN org_units u ON u.id = c.ancestor_id WHERE c.descendant_id = $1 ORDER BY c.depth DESC",
    )
    .bind(unit_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(unit_from_row).collect()
}

pub async fn count_units(db: &Db) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM org_units")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?)
}

// ---------------------------------------------------------------------------------------------
// Administration of the tree. Every change needs the admin right and is audited.

use crate::audit;
use serde_json::json;

/// The whole tree in depth-first order (parents before children, siblings by name).
pub async fn list_tree(db: &Db) -> DomainResult<Vec<UnitRow>> {
    let rows = sqlx::query(
        "SELECT o.id, o.parent_id, o.kind, o.name, o.name_en, o.head_user_id, h.display_name AS head_name, o.active, \
                (SELECT COUNT(*) FROM org_unit_closure c WHERE c.descendant_id = o.id) - 1 AS depth, \
                (SELECT COUNT(*) FROM users u WHERE u.primary_unit_id = o.id AND u.active = 1) AS user_count \
         FROM org_units o LEFT JOIN users h ON h.id = o.head_user_id ORDER BY o.name, o.id",
    )
    .fetch_all(db.pool())
    .await?;
    let mut all: Vec<UnitRow> = rows
        .iter()
        .map(|r| {
            Ok(UnitRow {
                id: r.try_get("id")?,
                parent_id: r.try_get("parent_id")?,
                kind: parse_unit_kind(&r.try_get::<String, _>("kind")?)?,
                name: r.try_get("name")?,
                name_en: r.try_get("name_en")?,
                head_user_id: r.try_get("head_user_id")?,
                head_name: r.try_get("head_name")?,
                active: r.try_get::<i64, _>("active")? == 1,
                depth: r.try_get("depth")?,
                user_count: r.try_get("user_count")?,
            })
        })
        .collect::<DomainResult<_>>()?;
    // Depth-first order from the roots.
    let mut ordered = Vec::with_capacity(all.len());
    fn visit(parent: Option<i64>, all: &mut Vec<UnitRow>, out: &mut Vec<UnitRow>) {
        let (children, rest): (Vec<UnitRow>, Vec<UnitRow>) = all.drain(..).partition(|u| u.parent_id == parent);
        *all = rest;
        for child in children {
            let id = child.id;
            out.push(child);
            visit(Some(id), all, out);
        }
    }
    visit(None, &mut all, &mut ordered);
    ordered.extend(all); // unreachable rows (corrupt data) stay visible at the end
    Ok(ordered)
}

fn unit_json(u: &OrgUnit) -> serde_json::Value {
    json!({"id": u.id, "parent_id": u.parent_id, "kind": u.kind.as_str(), "name": u.name, "name_en": u.name_en})
}

/// Creates a unit (administrators only), audited.
pub async fn admin_create_unit(
    db: &Db,
    actor: &Actor,
    parent_id: Option<i64>,
    kind: UnitKind,
    name: &UnitName,
    name_en: &str,
) -> DomainResult<i64> {
    actor.require_admin()?;
    let mut tx = db.begin_write().await?;
    let id = create_unit_tx(&mut tx, parent_id, kind, name, name_en, Some(actor.user_id)).await?;
    let after = json!({"id": id, "parent_id": parent_id, "kind": kind.as_str(), "name": name.as_str(), "name_en": name_en.trim()});
    audit::record(&mut tx, Some(actor.user_id), "org_unit", Some(id), "create", None, Some(after)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Renames a unit and sets its head (manager), in one audited change.
pub async fn update_unit(db: &Db, actor: &Actor, id: i64, name: &UnitName, name_en: &str, head: Option<i64>) -> DomainResult<()> {
    actor.require_admin()?;
    let before = get_unit(db, id).await?;
    let mut tx = db.begin_write().await?;
    let old_head: Option<i64> =
        sqlx::query("SELECT head_user_id FROM org_units WHERE id = $1").bind(id).fetch_one(&mut *tx).await?.try_get("head_user_id")?;
    if let Some(h) = head {
        let ok = sqlx::query("SELECT id FROM users WHERE id = $1 AND active = 1").bind(h).fetch_optional(&mut *tx).await?;
        if ok.is_none() {
            return Err(DomainError::invalid("head", "unknown_user"));
        }
    }
    sqlx::query("UPDATE org_units SET name = $2, name_en = $3, head_user_id = $4, updated_at = $5 WHERE id = $1")
        .bind(id)
        .bind(name.as_str())
        .bind(name_en.trim())
        .bind(head)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    let after = OrgUnit { name: name.as_str().to_string(), name_en: name_en.trim().to_string(), ..before.clone() };
    let mut before_json = unit_json(&before);
    before_json["head_user_id"] = json!(old_head);
    let mut after_json = unit_json(&after);
    after_json["head_user_id"] = json!(head);
    audit::record(&mut tx, Some(actor.user_id), "org_unit", Some(id), "update", Some(before_json), Some(after_json)).await?;
    tx.commit().await?;
    Ok(())
}

/// Re-parents a unit and its whole subtree in the caller's transaction. Refuses to move a unit
/// under itself or under one of its own descendants.
pub async fn move_unit_tx(tx: &mut Tx, id: i64, new_parent: i64) -> DomainResult<()> {
    let inside = sqlx::query("SELECT 1 AS one FROM org_unit_closure WHERE ancestor_id = $1 AND descendant_id = $2")
        .bind(id)
        .bind(new_parent)
        .fetch_optional(&mut **tx)
        .await?;
    if inside.is_some() {
        return Err(DomainError::invalid("parent", "cycle"));
    }
    let parent_ok = sqlx::query("SELECT id FROM org_units WHERE id = $1 AND active = 1").bind(new_parent).fetch_optional(&mut **tx).await?;
    if parent_ok.is_none() {
        return Err(DomainError::invalid("parent", "unknown_unit"));
    }
    // Detach the subtree from its old ancestors, then attach it below the new parent.
    sqlx::query(
        "DELETE FROM org_unit_closure \
         WHERE descendant_id IN (SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = $1) \
           AND ancestor_id NOT IN (SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = $1)",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO org_unit_closure (ancestor_id, descendant_id, depth) \
         SELECT up.ancestor_id, down.descendant_id, up.depth + down.depth + 1 \
         FROM org_unit_closure up, org_unit_closure down \
         WHERE up.descendant_id = $2 AND down.ancestor_id = $1",
    )
    .bind(id)
    .bind(new_parent)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE org_units SET parent_id = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(new_parent)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn move_unit(db: &Db, actor: &Actor, id: i64, new_parent: i64) -> DomainResult<()> {
    actor.require_admin()?;
    let before = get_unit(db, id).await?;
    let mut tx = db.begin_write().await?;
    move_unit_tx(&mut tx, id, new_parent).await?;
    let after = OrgUnit { parent_id: Some(new_parent), ..before.clone() };
    audit::record(&mut tx, Some(actor.user_id), "org_unit", Some(id), "move", Some(unit_json(&before)), Some(unit_json(&after))).await?;
    tx.commit().await?;
    Ok(())
}

/// Deactivates a unit. Refused while active users, owned records or active sub-units remain in
/// it, with the counts.
pub async fn deactivate_unit(db: &Db, actor: &Actor, id: i64) -> DomainResult<()> {
    actor.require_admin()?;
    let before = get_unit(db, id).await?;
    let mut tx = db.begin_write().await?;
    let users: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM users WHERE active = 1 \
         AND (primary_unit_id = $1 OR id IN (SELECT user_id FROM user_units WHERE unit_id = $1))",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    let records: i64 = sqlx::query("SELECT COUNT(*) AS n FROM customers WHERE unit_id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    let units: i64 = sqlx::query("SELECT COUNT(*) AS n FROM org_units WHERE parent_id = $1 AND active = 1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    if users > 0 || records > 0 || units > 0 {
        return Err(DomainError::UnitNotEmpty { users, records, units });
    }
    sqlx::query("UPDATE org_units SET active = 0, updated_at = $2 WHERE id = $1").bind(id).bind(now_ms()).execute(&mut *tx).await?;
    audit::record(&mut tx, Some(actor.user_id), "org_unit", Some(id), "deactivate", Some(unit_json(&before)), None).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn directory(db: &Db) -> DomainResult<Directory> {
    let units = sqlx::query("SELECT id, name FROM org_units WHERE active = 1 ORDER BY id").fetch_all(db.pool()).await?;
    let users = sqlx::query("SELECT u.id, u.display_name, o.name AS unit FROM users u JOIN org_units o ON o.id = u.primary_unit_id WHERE u.active = 1 ORDER BY u.id")
        .fetch_all(db.pool())
        .await?;
    Ok(Directory {
        units: units.iter().map(|r| Ok((r.try_get("id")?, r.try_get("name")?))).collect::<DomainResult<_>>()?,
        users: users
            .iter()
            .map(|r| Ok((r.try_get("id")?, format!("{} · {}", r.try_get::<String, _>("display_name")?, r.try_get::<String, _>("unit")?))))
            .collect::<DomainResult<_>>()?,
    })
}
