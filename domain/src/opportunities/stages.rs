//! The pipeline's stages as administrators configure them: names in both languages, a win
//! probability, an order, and the outcome a stage stands for (open, won, lost). The pipeline
//! always keeps at least one stage of each outcome, and a stage holding opportunities keeps its
//! outcome, so that no opportunity silently changes from open to closed.

use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::acting::Actor;
use crate::audit;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};

pub use domain_types::opportunities::{Stage, StageInput};

pub const OUTCOMES: &[&str] = &["open", "won", "lost"];

fn stage_of(r: &sqlx::any::AnyRow) -> DomainResult<Stage> {
    Ok(Stage {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name_zh: r.try_get("name_zh")?,
        name_en: r.try_get("name_en")?,
        probability_bp: r.try_get("probability_bp")?,
        position: r.try_get("position")?,
        outcome: r.try_get("outcome")?,
    })
}

const SELECT: &str = "SELECT id, code, name_zh, name_en, probability_bp, position, outcome FROM opportunity_stages";

/// Every stage in board order.
pub async fn list(db: &Db) -> DomainResult<Vec<Stage>> {
    let mut conn = db.pool().acquire().await?;
    list_on(&mut conn).await
}

/// The stages for the settings screen: administrators only (others are refused).
pub async fn settings(db: &Db, actor: &Actor) -> DomainResult<Vec<Stage>> {
    actor.require_admin()?;
    list(db).await
}

pub(crate) async fn list_on(conn: &mut AnyConnection) -> DomainResult<Vec<Stage>> {
    let sql = format!("{SELECT} ORDER BY position, id");
    sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await?.iter().map(stage_of).collect()
}

pub(crate) async fn get_on(conn: &mut AnyConnection, id: i64) -> DomainResult<Stage> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *conn).await?;
    stage_of(&row.ok_or_else(|| DomainError::invalid("stage", "unknown"))?)
}

/// The input checked: a code of letters, digits and underscores, both names, a probability from
/// 0 to 100 %, a known outcome. Won stages count 100 %, lost ones 0 %.
fn checked(s: &StageInput) -> DomainResult<StageInput> {
    let code = s.code.trim().to_ascii_lowercase();
    if code.is_empty() || code.len() > 40 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(DomainError::invalid("code", "format"));
    }
    let name_zh = s.name_zh.trim().to_string();
    let name_en = s.name_en.trim().to_string();
    if name_zh.is_empty() || name_en.is_empty() {
        return Err(DomainError::invalid("name", "required"));
    }
    if name_zh.chars().count() > 60 || name_en.chars().count() > 60 {
        return Err(DomainError::invalid("name", "too_long"));
    }
    if !OUTCOMES.contains(&s.outcome.as_str()) {
        return Err(DomainError::invalid("outcome", "unknown"));
    }
    let probability_bp = match s.outcome.as_str() {
        "won" => 10_000,
        "lost" => 0,
        _ if (0..=10_000).contains(&s.probability_bp) => s.probability_bp,
        _ => return Err(DomainError::invalid("probability", "out_of_range")),
    };
    Ok(StageInput { id: s.id, code, name_zh, name_en, probability_bp, position: s.position, outcome: s.outcome.clone() })
}

/// Adds or changes a stage (administrators only). Refused: a code another stage has, changing the
/// outcome of a stage that holds opportunities, leaving no stage of some outcome.
pub async fn save(db: &Db, actor: &Actor, input: &StageInput) -> DomainResult<i64> {
    actor.require_admin()?;
    let s = checked(input)?;
    let mut tx = db.begin_write().await?;
    let taken = sqlx::query("SELECT id FROM opportunity_stages WHERE code = $1").bind(&s.code).fetch_optional(&mut *tx).await?;
    if let Some(r) = taken {
        if Some(r.try_get::<i64, _>("id")?) != s.id {
            return Err(DomainError::invalid("code", "taken"));
        }
    }
    let id = match s.id {
        Some(id) => {
            let before = get_on(&mut tx, id).await?;
            if before.outcome != s.outcome {
                let used: i64 = sqlx::query("SELECT COUNT(*) AS n FROM opportunities WHERE stage_id = $1").bind(id).fetch_one(&mut *tx).await?.try_get("n")?;
                if used > 0 {
                    return Err(DomainError::Conflict("stage_in_use".into()));
                }
                let left: i64 = sqlx::query("SELECT COUNT(*) AS n FROM opportunity_stages WHERE outcome = $1 AND id <> $2")
                    .bind(&before.outcome)
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("n")?;
                if left == 0 {
                    return Err(DomainError::Conflict("stage_last_of_outcome".into()));
                }
            }
            sqlx::query("UPDATE opportunity_stages SET code = $2, name_zh = $3, name_en = $4, probability_bp = $5, position = $6, outcome = $7 WHERE id = $1")
                .bind(id)
                .bind(&s.code)
                .bind(&s.name_zh)
                .bind(&s.name_en)
                .bind(s.probability_bp)
                .bind(s.position)
                .bind(&s.outcome)
                .execute(&mut *tx)
                .await?;
            audit::record(&mut tx, Some(actor.user_id), "opportunity_stage", Some(id), "update", Some(json!(before.code)), Some(json!(s.code))).await?;
            id
        }
        None => {
            let id: i64 = sqlx::query(
                "INSERT INTO opportunity_stages (code, name_zh, name_en, probability_bp, position, outcome) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(&s.code)
            .bind(&s.name_zh)
            .bind(&s.name_en)
            .bind(s.probability_bp)
            .bind(s.position)
            .bind(&s.outcome)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            audit::record(&mut tx, Some(actor.user_id), "opportunity_stage", Some(id), "create", None, Some(json!(s.code))).await?;
            id
        }
    };
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(outcome: &str, bp: i64) -> StageInput {
        StageInput { id: None, code: " Demo_1 ".into(), name_zh: "演示".into(), name_en: "Demo".into(), probability_bp: bp, position: 3, outcome: outcome.into() }
    }

    #[test]
    fn stages_are_checked_and_closed_stages_have_fixed_probabilities() {
        assert_eq!(checked(&input("open", 2500)).unwrap().code, "demo_1");
        assert_eq!(checked(&input("won", 10)).unwrap().probability_bp, 10_000);
        assert_eq!(checked(&input("lost", 9000)).unwrap().probability_bp, 0);
        assert!(checked(&input("open", 10_001)).is_err());
        assert!(checked(&input("maybe", 10)).is_err());
        assert!(checked(&StageInput { code: "a b".into(), ..input("open", 1) }).is_err());
        assert!(checked(&StageInput { name_en: " ".into(), ..input("open", 1) }).is_err());
    }
}
