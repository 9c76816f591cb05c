//! Contracts and quotes as documents of the approval engine: what a submission copies from them
//! (amount, largest discount, product line, customer level) and how their state follows the
//! approval (pending while it runs, approved, back to draft with the reason when rejected).

use sqlx::{AnyConnection, Row};

use crate::approvals::hooks::{Outcome, Submission};
use crate::approvals::routing::Facts;
use crate::approvals::DocType;
use crate::clock::now_ms;
use crate::db::Tx;
use crate::error::{DomainError, DomainResult};

/// For the approval engine: what a submission of the contract copies.
pub(crate) async fn contract_submission(conn: &mut AnyConnection, id: i64) -> DomainResult<Submission> {
    let r = sqlx::query(
        "SELECT k.number, k.title, k.state, k.amount_minor, k.currency, k.max_discount_bp, k.product_line, c.level \
         FROM contracts k JOIN customers c ON c.id = k.customer_id WHERE k.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound)?;
    let number: String = r.try_get("number")?;
    let title: String = r.try_get("title")?;
    Ok(Submission {
        doc_type: DocType::Contract,
        title: format!("{number} {title}"),
        state: r.try_get("state")?,
        subject: None,
        facts: Facts {
            amount_minor: Some(r.try_get("amount_minor")?),
            currency: Some(r.try_get("currency")?),
            discount_bp: Some(r.try_get("max_discount_bp")?),
            product_line: r.try_get("product_line")?,
            customer_level: Some(r.try_get("level")?),
            target_unit_id: None,
        },
    })
}

/// For the approval engine: the contract's state follows its approval.
pub(crate) async fn contract_follow_up(tx: &mut Tx, id: i64, outcome: Outcome, reason: &str) -> DomainResult<()> {
    let state = match outcome {
        Outcome::Submitted => "pending",
        Outcome::Approved => "approved",
        Outcome::Rejected | Outcome::Withdrawn => "draft",
    };
    sqlx::query("UPDATE contracts SET state = $2, reject_reason = $3, updated_at = $4 WHERE id = $1")
        .bind(id)
        .bind(state)
        .bind((outcome == Outcome::Rejected).then(|| reason.to_string()))
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn quote_submission(conn: &mut AnyConnection, id: i64) -> DomainResult<Submission> {
    let r = sqlx::query(
        "SELECT q.number, q.title, q.state, q.amount_minor, q.currency, q.max_discount_bp, q.product_line, c.level \
         FROM quotes q JOIN customers c ON c.id = q.customer_id WHERE q.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound)?;
    Ok(Submission {
        doc_type: DocType::Quote,
        title: format!("{} {}", r.try_get::<String, _>("number")?, r.try_get::<String, _>("title")?),
        state: r.try_get("state")?,
        subject: None,
        facts: Facts {
            amount_minor: Some(r.try_get("amount_minor")?),
            currency: Some(r.try_get("currency")?),
            discount_bp: Some(r.try_get("max_discount_bp")?),
            product_line: r.try_get("product_line")?,
            customer_level: Some(r.try_get("level")?),
            target_unit_id: None,
        },
    })
}

pub(crate) async fn quote_follow_up(tx: &mut Tx, id: i64, outcome: Outcome, reason: &str) -> DomainResult<()> {
    let state = match outcome {
        Outcome::Submitted => "pending",
        Outcome::Approved => "approved",
        Outcome::Rejected | Outcome::Withdrawn => "draft",
    };
    sqlx::query("UPDATE quotes SET state = $2, reject_reason = $3, updated_at = $4 WHERE id = $1")
        .bind(id)
        .bind(state)
        .bind((outcome == Outcome::Rejected).then(|| reason.to_string()))
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

