//! Time limits of steps, run by the periodic jobs with the time they run at: an approver who has
//! not decided by the step's limit is reminded once; one who still has not after the limit again
//! is replaced by their manager (the flow's fallback when they have none). Running the job again
//! changes nothing; with several instances each reminder and escalation happens once.

use serde_json::json;
use sqlx::Row;

use crate::db::Db;
use crate::error::DomainResult;
use crate::events;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeadlineReport {
    /// Approval tasks whose approver was reminded.
    pub reminded: Vec<i64>,
    /// Approval tasks handed to the approver's manager.
    pub escalated: Vec<i64>,
}

pub async fn run(db: &Db, now: i64) -> DomainResult<DeadlineReport> {
    let mut report = DeadlineReport::default();
    let overdue: Vec<i64> = sqlx::query("SELECT id FROM approval_tasks WHERE state = 'pending' AND escalate_at IS NOT NULL AND escalate_at <= $1 ORDER BY id")
        .bind(now)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    for task in overdue {
        if super::engine::escalate_task(db, task, now).await? {
            report.escalated.push(task);
        }
    }
    let due: Vec<(i64, i64, i64, i64)> = sqlx::query(
        "SELECT t.id, t.approver_id, t.approval_id, t.step_index FROM approval_tasks t \
         WHERE t.state = 'pending' AND t.due_at IS NOT NULL AND t.due_at <= $1 AND t.reminded_at IS NULL ORDER BY t.id",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("approver_id")?, r.try_get("approval_id")?, r.try_get("step_index")?)))
    .collect::<DomainResult<_>>()?;
    for (task, approver, approval, step) in due {
        let mut tx = db.begin_write().await?;
        // The approval's row first, as every transition takes it: a decision and a reminder on
        // one approval then wait for each other instead of deadlocking on the event order lock.
        let lock = format!("SELECT id FROM approvals WHERE id = $1{}", db.for_update());
        sqlx::query(sqlx::AssertSqlSafe(lock)).bind(approval).fetch_optional(&mut *tx).await?;
        // Only one of several instances running the job wins each reminder.
        let won = sqlx::query("UPDATE approval_tasks SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL AND state = 'pending'")
            .bind(task)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if won != 1 {
            continue;
        }
        let r = sqlx::query("SELECT object, record_id, doc_type FROM approvals WHERE id = $1").bind(approval).fetch_one(&mut *tx).await?;
        let object: String = r.try_get("object")?;
        let Some(object) = crate::objects::ObjectType::parse(&object) else { continue };
        sqlx::query("INSERT INTO approval_history (approval_id, step_index, actor_id, action, target_id, comment, at) VALUES ($1, $2, NULL, 'remind', $3, '', $4)")
            .bind(approval)
            .bind(step)
            .bind(approver)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let payload = json!({ "approval_id": approval, "doc_type": r.try_get::<String, _>("doc_type")?, "step": step });
        events::write(&mut tx, "approval.reminder", object, r.try_get("record_id")?, None, Some(approver), payload).await?;
        tx.commit().await?;
        report.reminded.push(task);
    }
    Ok(report)
}
