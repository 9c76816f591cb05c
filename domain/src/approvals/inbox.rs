//! The approval inbox: "waiting for me", "submitted by me", "decided by me", newest first, with
//! filters by document type and submission date, in keyset pages. Each folder reads one index
//! (approval_tasks by approver and state, approvals by submitter), so a page costs the same with
//! a hundred or a hundred thousand approvals around it.

use sqlx::Row;

pub use super::{Folder, InboxQuery};
use super::{DocType, InboxRow};
use crate::acting::Actor;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};

const COLUMNS: &str = "a.id AS approval_id, a.doc_type, a.title, s.display_name AS submitter, a.submitted_at, a.state, a.step_index";

/// One page of a folder, and the key to ask for the next (None at the end).
pub async fn page(db: &Db, actor: &Actor, q: &InboxQuery) -> DomainResult<(Vec<InboxRow>, Option<i64>)> {
    let limit = q.limit.clamp(1, 200);
    // Fixed statements per folder; the optional filters are "parameter is empty or matches".
    let sql = match q.folder {
        Folder::Waiting => format!(
            "SELECT t.id AS k, {COLUMNS}, t.decided_at, t.due_at FROM approval_tasks t JOIN approvals a ON a.id = t.approval_id \
             JOIN users s ON s.id = a.submitter_id \
             WHERE t.approver_id = $1 AND t.state = 'pending' AND ($2 = '' OR t.doc_type = $2) \
               AND t.submitted_at >= $3 AND t.submitted_at <= $4 AND t.id < $5 ORDER BY t.id DESC LIMIT $6"
        ),
        Folder::Decided => format!(
            "SELECT t.id AS k, {COLUMNS}, t.decided_at, t.due_at FROM approval_tasks t JOIN approvals a ON a.id = t.approval_id \
             JOIN users s ON s.id = a.submitter_id \
             WHERE t.approver_id = $1 AND t.state IN ('approved', 'rejected', 'returned', 'delegated') AND ($2 = '' OR t.doc_type = $2) \
               AND t.submitted_at >= $3 AND t.submitted_at <= $4 AND t.id < $5 ORDER BY t.id DESC LIMIT $6"
        ),
        Folder::Submitted => format!(
            "SELECT a.id AS k, {COLUMNS}, a.finished_at AS decided_at, CAST(NULL AS BIGINT) AS due_at FROM approvals a \
             JOIN users s ON s.id = a.submitter_id \
             WHERE a.submitter_id = $1 AND ($2 = '' OR a.doc_type = $2) \
               AND a.submitted_at >= $3 AND a.submitted_at <= $4 AND a.id < $5 ORDER BY a.id DESC LIMIT $6"
        ),
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(actor.user_id)
        .bind(q.doc_type.map(|d| d.as_str()).unwrap_or(""))
        .bind(q.from.unwrap_or(i64::MIN))
        .bind(q.until.unwrap_or(i64::MAX))
        .bind(q.before_key.unwrap_or(i64::MAX))
        .bind(limit + 1)
        .fetch_all(db.pool())
        .await?;
    let mut out = rows
        .iter()
        .map(|r| {
            let doc_type: String = r.try_get("doc_type")?;
            Ok(InboxRow {
                key: r.try_get("k")?,
                approval_id: r.try_get("approval_id")?,
                doc_type: DocType::parse(&doc_type).ok_or(DomainError::Internal(format!("unknown document type {doc_type}")))?,
                title: r.try_get("title")?,
                submitter: r.try_get("submitter")?,
                submitted_at: r.try_get("submitted_at")?,
                state: r.try_get("state")?,
                step_index: r.try_get("step_index")?,
                decided_at: r.try_get("decided_at")?,
                due_at: r.try_get("due_at")?,
            })
        })
        .collect::<DomainResult<Vec<_>>>()?;
    let next = if out.len() as i64 > limit {
        out.truncate(limit as usize);
        out.last().map(|r| r.key)
    } else {
        None
    };
    Ok((out, next))
}

/// The number on the inbox badge: approvals waiting for the actor.
pub async fn waiting_count(db: &Db, actor: &Actor) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM approval_tasks WHERE approver_id = $1 AND state = 'pending'")
        .bind(actor.user_id)
        .fetch_one(db.pool())
        .await?
        .try_get("n")?)
}
