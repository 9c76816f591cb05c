//! The org tree. A closure table keeps "this unit and everything below" one indexed lookup.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Group,
    Subsidiary,
    Branch,
    Department,
    Team,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Group => "group",
            UnitKind::Subsidiary => "subsidiary",
            UnitKind::Branch => "branch",
            UnitKind::Department => "department",
            UnitKind::Team => "team",
        }
    }

    pub fn parse(s: &str) -> DomainResult<Self> {
        Ok(match s {
            "group" => UnitKind::Group,
            "subsidiary" => UnitKind::Subsidiary,
            "branch" => UnitKind::Branch,
            "department" => UnitKind::Department,
            "team" => UnitKind::Team,
            _ => return Err(DomainError::invalid("kind", "unknown_unit_kind")),
        })
    }
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
        kind: UnitKind::parse(&row.try_get::<String, _>("kind")?)?,
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
