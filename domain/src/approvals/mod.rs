//! Approvals (审批): flows defined per document type and versioned ([`flows`]), who is asked at
//! each step ([`routing`]), the transitions of a running approval ([`engine`]), the documents and
//! what their approval or rejection does ([`documents`]), time limits ([`deadlines`]) and the
//! inbox ([`inbox`]).
//!
//! Access: the policy's "approval" reach lets the people asked read the document (and, for a
//! customer transfer, the customer) while they are asked, and read-only afterwards if they
//! decided; everyone else learns nothing about an approval that does not concern them.

pub mod deadlines;
pub mod documents;
pub mod engine;
pub mod flows;
pub mod hooks;
pub mod inbox;
pub mod routing;

use sqlx::{AnyConnection, Row};

use crate::error::{DomainError, DomainResult};
use crate::objects::ObjectType;

pub use domain_types::approvals::*;

/// Task states in which the person asked has acted (and keeps read access to the document).
const ACTED: &str = "('approved', 'rejected', 'returned', 'delegated')";

/// The approval reach of `user` on a record: the newest approval of it (as the document or its
/// subject) that asks them now (`true`) or that they acted on (`false`).
pub async fn reach_on(conn: &mut AnyConnection, user: i64, object: ObjectType, record_id: i64) -> DomainResult<Option<(i64, bool)>> {
    if !matches!(object, ObjectType::Approval | ObjectType::Customer | ObjectType::Contract | ObjectType::Quote) {
        return Ok(None);
    }
    // Driven from the record's approvals (indexed by document and by subject), not from the
    // user's tasks: a busy approver may have thousands of tasks.
    let sql = format!(
        "SELECT a.id, t.state FROM approvals a JOIN approval_tasks t ON t.approval_id = a.id \
         WHERE a.id IN (SELECT id FROM approvals WHERE object = $2 AND record_id = $3 \
                        UNION SELECT id FROM approvals WHERE subject_object = $2 AND subject_id = $3) \
           AND t.approver_id = $1 AND (t.state = 'pending' OR t.state IN {ACTED}) \
         ORDER BY CASE WHEN t.state = 'pending' THEN 0 ELSE 1 END, a.id DESC LIMIT 1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user).bind(object.as_str()).bind(record_id).fetch_optional(&mut *conn).await?;
    Ok(match row {
        Some(r) => Some((r.try_get("id")?, r.try_get::<String, _>("state")? == "pending")),
        None => None,
    })
}

/// Refuses a change of a record while an approval of it (as the document or as its subject, such
/// as the customer of a pending transfer) is running.
pub async fn ensure_not_under_approval(conn: &mut AnyConnection, object: &str, record_id: i64) -> DomainResult<()> {
    let running = sqlx::query(
        "SELECT id FROM approvals WHERE object = $1 AND record_id = $2 AND state = 'pending' \
         UNION SELECT id FROM approvals WHERE subject_object = $1 AND subject_id = $2 AND state = 'pending' ORDER BY id LIMIT 1",
    )
    .bind(object)
    .bind(record_id)
    .fetch_optional(&mut *conn)
    .await?;
    match running {
        Some(r) => Err(DomainError::UnderApproval { approval_id: r.try_get("id")? }),
        None => Ok(()),
    }
}

/// A user's display name (for messages such as "already decided by X").
pub(crate) async fn name_of(conn: &mut AnyConnection, user: i64) -> DomainResult<String> {
    Ok(sqlx::query("SELECT display_name FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<String, _>("display_name"))
        .transpose()?
        .unwrap_or_default())
}
