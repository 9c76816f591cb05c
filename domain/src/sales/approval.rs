//! Contracts and quotes as documents of the approval engine: what a submission copies from them
//! (amount, largest discount, product line, customer level) and how their state follows the
//! approval (pending while it runs, approved, back to draft with the reason when rejected). Both
//! tables have the same columns for this, so one implementation serves both.

use sqlx::{AnyConnection, Row};

use crate::approvals::hooks::{Outcome, Submission};
use crate::approvals::routing::Facts;
use crate::approvals::DocType;
use crate::clock::now_ms;
use crate::db::Tx;
use crate::error::{DomainError, DomainResult};

/// The table of a sales document type (fixed names, never input).
fn table_of(doc_type: DocType) -> DomainResult<&'static str> {
    match doc_type {
        DocType::Contract => Ok("contracts"),
        DocType::Quote => Ok("quotes"),
        other => Err(DomainError::Internal(format!("{} is not a sales document", other.as_str()))),
    }
}

/// For the approval engine: what a submission of the contract or quote copies.
pub(crate) async fn submission(conn: &mut AnyConnection, doc_type: DocType, id: i64) -> DomainResult<Submission> {
    let sql = format!(
        "SELECT d.number, d.title, d.state, d.amount_minor, d.currency, d.max_discount_bp, d.product_line, c.level \
         FROM {} d JOIN customers c ON c.id = d.customer_id WHERE d.id = $1",
        table_of(doc_type)?
    );
    let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *conn).await?.ok_or(DomainError::NotFound)?;
    Ok(Submission {
        doc_type,
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

/// For the approval engine: the document's state follows its approval.
pub(crate) async fn follow_up(tx: &mut Tx, doc_type: DocType, id: i64, outcome: Outcome, reason: &str) -> DomainResult<()> {
    let state = match outcome {
        Outcome::Submitted => "pending",
        Outcome::Approved => "approved",
        Outcome::Rejected | Outcome::Withdrawn => "draft",
    };
    let sql = format!("UPDATE {} SET state = $2, reject_reason = $3, updated_at = $4 WHERE id = $1", table_of(doc_type)?);
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(state)
        .bind((outcome == Outcome::Rejected).then(|| reason.to_string()))
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
