//! Assessments per unit: sales and service may grade the same customer differently. Each unit's
//! grade is kept side by side, signed and dated; a new grade adds to the unit's record instead of
//! overwriting anyone's.

use serde_json::json;
use sqlx::Row;

use super::record::OBJECT;
use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::Action;
use crate::policy::require_on;

pub use domain_types::customers::{Assessment, UnitAssessments};

pub const GRADES: &[&str] = &["A", "B", "C", "D"];

/// Grades a customer the actor may read, in the name of the actor's primary unit.
pub async fn assess(db: &Db, actor: &Actor, customer_id: i64, grade: &str, comment: &str) -> DomainResult<i64> {
    let grade = grade.trim();
    if !GRADES.contains(&grade) {
        return Err(DomainError::invalid("grade", "unknown_level"));
    }
    let comment = comment.trim();
    if comment.chars().count() > 1000 {
        return Err(DomainError::invalid("comment", "too_long"));
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Read, customer_id).await?;
    let unit = actor.units[0];
    let id: i64 = sqlx::query(
        "INSERT INTO customer_assessments (customer_id, unit_id, author_id, rating, comment, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(customer_id)
    .bind(unit)
    .bind(actor.user_id)
    .bind(grade)
    .bind(comment)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    crate::events::write(&mut tx, "customer.assessment", OBJECT, customer_id, Some(actor.user_id), None, json!({ "unit_id": unit, "grade": grade })).await?;
    tx.commit().await?;
    Ok(id)
}

/// Every unit's grades of a customer, units ordered by their latest grade, newest first.
pub async fn assessments(db: &Db, actor: &Actor, customer_id: i64) -> DomainResult<Vec<UnitAssessments>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, customer_id).await?;
    let rows = sqlx::query(
        "SELECT a.id, a.unit_id, o.name AS unit_name, a.rating, a.comment, u.display_name, a.created_at \
         FROM customer_assessments a JOIN org_units o ON o.id = a.unit_id JOIN users u ON u.id = a.author_id \
         WHERE a.customer_id = $1 ORDER BY a.created_at DESC, a.id DESC",
    )
    .bind(customer_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<UnitAssessments> = Vec::new();
    for r in rows {
        let a = Assessment {
            id: r.try_get("id")?,
            grade: r.try_get("rating")?,
            comment: r.try_get("comment")?,
            author: r.try_get("display_name")?,
            at: r.try_get("created_at")?,
        };
        let unit_id: i64 = r.try_get("unit_id")?;
        match out.iter_mut().find(|u| u.unit_id == unit_id) {
            Some(u) => u.earlier.push(a),
            None => out.push(UnitAssessments { unit_id, unit_name: r.try_get("unit_name")?, current: a, earlier: vec![] }),
        }
    }
    Ok(out)
}
