//! Entry rules: which pool a customer enters, by province, city, industry or source, else the
//! pool of its unit or of the nearest unit above it.

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use crate::error::{DomainError, DomainResult};

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
