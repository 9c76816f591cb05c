//! The transitions of an approval: submit, approve, reject (the document goes back to draft with
//! the reason), return to an earlier step, withdraw (by the submitter, before anyone decided),
//! delegate, comment. Each is one transaction that writes the history, an audit entry and the
//! events.
//!
//! Every decision first bumps the approval's `version` with a conditional UPDATE on a pending
//! approval. On PostgreSQL that takes the row lock, so decisions on one approval run one after
//! another and each re-reads what the previous one did; on SQLite the write transaction already
//! serializes them. A decision whose step was already decided (by someone else, or by the same
//! person clicking twice) finds no pending task of its own and is refused with who decided and
//! when.

use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::documents::{self, facts_of, follow_up, Outcome};
use super::flows;
use super::routing::{route_step, Facts, RouteContext, Routed};
use super::{name_of, ApprovalDetail, ApprovalView, AskedRow, DocType, FlowDefinition, HistoryEntry, Mode};
use crate::acting::Actor;
use crate::audit;
use crate::clock::{now_ms, HOUR_MS};
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::events;
use crate::objects::{Action, ObjectType};
use crate::policy::{decide_on, require_on};

/// A running approval as the engine needs it.
#[derive(Debug, Clone)]
struct Running {
    id: i64,
    flow_id: i64,
    doc_type: DocType,
    object: ObjectType,
    record_id: i64,
    subject: Option<(ObjectType, i64)>,
    submitter_id: i64,
    submitter_unit_id: i64,
    facts: Facts,
    step_index: i64,
    state: String,
    title: String,
}

async fn load(conn: &mut AnyConnection, id: i64) -> DomainResult<Option<Running>> {
    let Some(r) = sqlx::query(
        "SELECT id, flow_id, doc_type, object, record_id, subject_object, subject_id, submitter_id, submitter_unit_id, facts, \
         step_index, state, title FROM approvals WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let doc_type: String = r.try_get("doc_type")?;
    let object: String = r.try_get("object")?;
    let subject_object: Option<String> = r.try_get("subject_object")?;
    let subject_id: Option<i64> = r.try_get("subject_id")?;
    let bad = |what: &str| DomainError::Internal(format!("approval {id}: unknown {what}"));
    Ok(Some(Running {
        id,
        flow_id: r.try_get("flow_id")?,
        doc_type: DocType::parse(&doc_type).ok_or_else(|| bad("document type"))?,
        object: ObjectType::parse(&object).ok_or_else(|| bad("object"))?,
        record_id: r.try_get("record_id")?,
        subject: match (subject_object.as_deref().and_then(ObjectType::parse), subject_id) {
            (Some(o), Some(i)) => Some((o, i)),
            _ => None,
        },
        submitter_id: r.try_get("submitter_id")?,
        submitter_unit_id: r.try_get("submitter_unit_id")?,
        facts: serde_json::from_str(&r.try_get::<String, _>("facts")?).map_err(|_| bad("facts"))?,
        step_index: r.try_get("step_index")?,
        state: r.try_get("state")?,
        title: r.try_get("title")?,
    }))
}

/// The guard of every transition: bumps the version of a pending approval (taking its row lock on
/// PostgreSQL) and reads it back; None when it is not pending (any more).
async fn lock_pending(tx: &mut Tx, id: i64) -> DomainResult<Option<Running>> {
    let won = sqlx::query("UPDATE approvals SET version = version + 1, updated_at = $2 WHERE id = $1 AND state = 'pending'")
        .bind(id)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if won == 0 {
        return Ok(None);
    }
    load(tx, id).await
}

/// Who made the newest decision (at a step, or at all) and when.
async fn latest_decision(conn: &mut AnyConnection, approval: i64, step: Option<i64>) -> DomainResult<Option<(String, i64)>> {
    let r = sqlx::query(
        "SELECT COALESCE(u.display_name, '') AS name, h.at FROM approval_history h LEFT JOIN users u ON u.id = h.actor_id \
         WHERE h.approval_id = $1 AND h.action IN ('approve', 'reject', 'return', 'withdraw', 'delegate') \
           AND ($2 < 0 OR h.step_index = $2) ORDER BY h.id DESC LIMIT 1",
    )
    .bind(approval)
    .bind(step.unwrap_or(-1))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match r {
        Some(r) => Some((r.try_get("name")?, r.try_get("at")?)),
        None => None,
    })
}

async fn was_asked(conn: &mut AnyConnection, approval: i64, user: i64) -> DomainResult<bool> {
    Ok(sqlx::query("SELECT 1 AS one FROM approval_tasks WHERE approval_id = $1 AND approver_id = $2 LIMIT 1")
        .bind(approval)
        .bind(user)
        .fetch_optional(&mut *conn)
        .await?
        .is_some())
}

/// Why someone without a pending task at the current step may not decide: it was decided (by
/// whom, when) if they were asked; otherwise the approval does not concern them and stays
/// invisible (the submitter, who sees it, is told it is not theirs to decide).
async fn refusal(conn: &mut AnyConnection, actor: &Actor, approval: i64, step: Option<i64>) -> DomainResult<DomainError> {
    let submitter: Option<i64> = sqlx::query("SELECT submitter_id FROM approvals WHERE id = $1")
        .bind(approval)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("submitter_id"))
        .transpose()?;
    let Some(submitter) = submitter else { return Ok(DomainError::NotFound) };
    if was_asked(conn, approval, actor.user_id).await? {
        let decided = match latest_decision(conn, approval, step).await? {
            Some(d) => Some(d),
            None => latest_decision(conn, approval, None).await?,
        };
        if let Some((by, at)) = decided {
            return Ok(DomainError::AlreadyDecided { by, at });
        }
        return Ok(DomainError::Forbidden);
    }
    Ok(if submitter == actor.user_id { DomainError::Forbidden } else { DomainError::NotFound })
}

async fn my_pending_task(conn: &mut AnyConnection, ap: &Running, user: i64) -> DomainResult<Option<i64>> {
    Ok(sqlx::query("SELECT id FROM approval_tasks WHERE approval_id = $1 AND step_index = $2 AND approver_id = $3 AND state = 'pending'")
        .bind(ap.id)
        .bind(ap.step_index)
        .bind(user)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?)
}

async fn history(tx: &mut Tx, approval: i64, step: i64, actor: Option<i64>, action: &str, target: Option<i64>, comment: &str) -> DomainResult<()> {
    sqlx::query("INSERT INTO approval_history (approval_id, step_index, actor_id, action, target_id, comment, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(approval)
        .bind(step)
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(comment)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Asks one person at a step. Time limits count from now.
/// `now` is the transition's time (the deadline job's clock for an escalation).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn ask(tx: &mut Tx, ap_id: i64, doc_type: &str, submitted_at: i64, step: i64, user: i64, via: &str, from: Option<i64>, limit_hours: Option<i64>, now: i64) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO approval_tasks (approval_id, step_index, approver_id, state, via, delegated_from, doc_type, submitted_at, \
         due_at, escalate_at, created_at) VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(ap_id)
    .bind(step)
    .bind(user)
    .bind(via)
    .bind(from)
    .bind(doc_type)
    .bind(submitted_at)
    .bind(limit_hours.map(|h| now + h * HOUR_MS))
    .bind(limit_hours.map(|h| now + 2 * h * HOUR_MS))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn event(tx: &mut Tx, ap: &Running, kind: &str, actor: Option<i64>, target: Option<i64>, extra: serde_json::Value) -> DomainResult<()> {
    let mut payload = json!({ "approval_id": ap.id, "doc_type": ap.doc_type.as_str(), "step": ap.step_index });
    if let (Some(p), Some(e)) = (payload.as_object_mut(), extra.as_object()) {
        p.extend(e.clone());
    }
    events::write(tx, kind, ap.object, ap.record_id, actor, target, payload).await?;
    Ok(())
}

/// Closes the still-pending tasks of a step (an any-one step decided, a rejection, a return).
async fn close_pending(tx: &mut Tx, approval: i64, step: Option<i64>) -> DomainResult<()> {
    sqlx::query("UPDATE approval_tasks SET state = 'closed', decided_at = $3 WHERE approval_id = $1 AND state = 'pending' AND ($2 < 0 OR step_index = $2)")
        .bind(approval)
        .bind(step.unwrap_or(-1))
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Ends an approval and runs the document's follow-up; the submitter is told.
async fn finish(tx: &mut Tx, ap: &Running, outcome: Outcome, actor: i64, reason: &str) -> DomainResult<()> {
    let state = match outcome {
        Outcome::Approved => "approved",
        Outcome::Rejected => "rejected",
        Outcome::Withdrawn => "withdrawn",
        Outcome::Submitted => return Err(DomainError::Internal("finish with submitted".into())),
    };
    close_pending(tx, ap.id, None).await?;
    sqlx::query("UPDATE approvals SET state = $2, finished_at = $3 WHERE id = $1")
        .bind(ap.id)
        .bind(state)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    follow_up(tx, actor, ap.doc_type, ap.object, ap.record_id, outcome, reason).await?;
    event(tx, ap, "approval.finished", Some(actor), Some(ap.submitter_id), json!({ "state": state })).await
}

/// The approver of the newest approval before step `index` (for "previous approver's manager").
async fn previous_approver(conn: &mut AnyConnection, approval: i64, index: i64) -> DomainResult<Option<i64>> {
    Ok(sqlx::query("SELECT actor_id FROM approval_history WHERE approval_id = $1 AND action = 'approve' AND step_index < $2 ORDER BY id DESC LIMIT 1")
        .bind(approval)
        .bind(index)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<Option<i64>, _>("actor_id"))
        .transpose()?
        .flatten())
}

/// Enters step `from` (or the first later one that applies) and asks its approvers; past the last
/// step the approval is approved.
async fn enter(tx: &mut Tx, ap: &mut Running, flow: &FlowDefinition, from: i64, actor: i64) -> DomainResult<()> {
    let submitted_at: i64 = sqlx::query("SELECT submitted_at FROM approvals WHERE id = $1").bind(ap.id).fetch_one(&mut **tx).await?.try_get("submitted_at")?;
    let mut index = from;
    loop {
        if index as usize >= flow.steps.len() {
            return finish(tx, ap, Outcome::Approved, actor, "").await;
        }
        let ctx = RouteContext {
            submitter_id: ap.submitter_id,
            submitter_unit_id: ap.submitter_unit_id,
            facts: ap.facts.clone(),
            previous_approver: previous_approver(tx, ap.id, index).await?,
        };
        match route_step(tx, flow, index as usize, &ctx).await? {
            Routed::Skip => {
                history(tx, ap.id, index, None, "skip", None, "").await?;
                index += 1;
            }
            Routed::Ask { users } => {
                sqlx::query("UPDATE approvals SET step_index = $2 WHERE id = $1").bind(ap.id).bind(index).execute(&mut **tx).await?;
                ap.step_index = index;
                let limit = flow.steps[index as usize].time_limit_hours;
                for (u, via) in &users {
                    ask(tx, ap.id, ap.doc_type.as_str(), submitted_at, index, *u, via.as_str(), None, limit, now_ms()).await?;
                    history(tx, ap.id, index, None, if via.as_str() == "fallback" { "fallback" } else { "ask" }, Some(*u), "").await?;
                    event(tx, ap, "approval.waiting", Some(actor), Some(*u), json!({})).await?;
                }
                return Ok(());
            }
        }
    }
}

/// Submits a document to its type's current flow. The submitter needs the update right on the
/// document; it must be a draft and not already under approval.
pub async fn submit(db: &Db, actor: &Actor, object: ObjectType, record_id: i64) -> DomainResult<i64> {
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, object, Action::Update, record_id).await?;
    super::ensure_not_under_approval(&mut tx, object.as_str(), record_id).await?;
    let sub = facts_of(&mut tx, object, record_id).await?;
    if sub.state != "draft" {
        return Err(DomainError::Conflict("document_not_draft".into()));
    }
    if let Some((o, i)) = sub.subject {
        super::ensure_not_under_approval(&mut tx, o.as_str(), i).await?;
    }
    let flow = flows::current(&mut tx, sub.doc_type).await?.ok_or(DomainError::Conflict("no_flow".into()))?;
    let now = now_ms();
    let facts = serde_json::to_string(&sub.facts).map_err(|e| DomainError::Internal(e.to_string()))?;
    let id: i64 = sqlx::query(
        "INSERT INTO approvals (flow_id, doc_type, object, record_id, subject_object, subject_id, title, submitter_id, submitter_unit_id, \
         facts, state, step_index, decisions, version, submitted_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', 0, 0, 0, $11, $11) RETURNING id",
    )
    .bind(flow.id)
    .bind(sub.doc_type.as_str())
    .bind(object.as_str())
    .bind(record_id)
    .bind(sub.subject.map(|(o, _)| o.as_str()))
    .bind(sub.subject.map(|(_, i)| i))
    .bind(&sub.title)
    .bind(actor.user_id)
    .bind(actor.units[0])
    .bind(&facts)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let mut ap = load(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    history(&mut tx, id, 0, Some(actor.user_id), "submit", None, "").await?;
    follow_up(&mut tx, actor.user_id, sub.doc_type, object, record_id, Outcome::Submitted, "").await?;
    enter(&mut tx, &mut ap, &flow.definition, 0, actor.user_id).await?;
    audit::record(&mut tx, Some(actor.user_id), "approval", Some(id), "submit", None, Some(json!({"flow_version": flow.version, "document": record_id}))).await?;
    tx.commit().await?;
    Ok(id)
}

/// A decision on the current step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// The approval ends; the document goes back to draft with the reason.
    Reject { reason: String },
    /// Back to an earlier step, whose approvers are asked again.
    Return { to_step: i64 },
}

impl Decision {
    fn action(&self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject { .. } => "reject",
            Decision::Return { .. } => "return",
        }
    }
}

fn clean_comment(c: &str) -> DomainResult<String> {
    if c.chars().count() > 2000 {
        return Err(DomainError::invalid("comment", "too_long"));
    }
    Ok(c.trim().to_string())
}

pub async fn approve(db: &Db, actor: &Actor, approval: i64, comment: &str) -> DomainResult<()> {
    decide(db, actor, approval, Decision::Approve, comment).await
}

pub async fn reject(db: &Db, actor: &Actor, approval: i64, reason: &str) -> DomainResult<()> {
    decide(db, actor, approval, Decision::Reject { reason: reason.to_string() }, reason).await
}

pub async fn return_to(db: &Db, actor: &Actor, approval: i64, to_step: i64, comment: &str) -> DomainResult<()> {
    decide(db, actor, approval, Decision::Return { to_step }, comment).await
}

/// Decides the actor's pending task at the current step.
pub async fn decide(db: &Db, actor: &Actor, approval: i64, decision: Decision, comment: &str) -> DomainResult<()> {
    let comment = clean_comment(comment)?;
    if matches!(decision, Decision::Reject { .. }) && comment.is_empty() {
        return Err(DomainError::invalid("reason", "required"));
    }
    let mut tx = db.begin_write().await?;
    let Some(mut ap) = lock_pending(&mut tx, approval).await? else {
        return Err(refusal(&mut tx, actor, approval, None).await?);
    };
    let Some(task) = my_pending_task(&mut tx, &ap, actor.user_id).await? else {
        return Err(refusal(&mut tx, actor, approval, Some(ap.step_index)).await?);
    };
    if let Decision::Return { to_step } = decision {
        if !(0..ap.step_index).contains(&to_step) {
            return Err(DomainError::Conflict("no_earlier_step".into()));
        }
    }
    let now = now_ms();
    let state = match decision {
        Decision::Approve => "approved",
        Decision::Reject { .. } => "rejected",
        Decision::Return { .. } => "returned",
    };
    let won = sqlx::query("UPDATE approval_tasks SET state = $2, decided_at = $3, comment = $4 WHERE id = $1 AND state = 'pending'")
        .bind(task)
        .bind(state)
        .bind(now)
        .bind(&comment)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if won != 1 {
        return Err(refusal(&mut tx, actor, approval, Some(ap.step_index)).await?);
    }
    sqlx::query("UPDATE approvals SET decisions = decisions + 1 WHERE id = $1").bind(ap.id).execute(&mut *tx).await?;
    let step = ap.step_index;
    history(&mut tx, ap.id, step, Some(actor.user_id), decision.action(), None, &comment).await?;
    let flow = flows::load(&mut tx, ap.flow_id).await?.definition;
    match &decision {
        Decision::Approve => {
            let mode = flow.steps.get(step as usize).map(|s| s.mode).unwrap_or(Mode::AnyOne);
            if mode == Mode::AnyOne {
                close_pending(&mut tx, ap.id, Some(step)).await?;
            }
            let left: i64 = sqlx::query("SELECT COUNT(*) AS n FROM approval_tasks WHERE approval_id = $1 AND step_index = $2 AND state = 'pending'")
                .bind(ap.id)
                .bind(step)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
            event(&mut tx, &ap, "approval.decided", Some(actor.user_id), Some(ap.submitter_id), json!({ "decision": "approve" })).await?;
            if left == 0 {
                enter(&mut tx, &mut ap, &flow, step + 1, actor.user_id).await?;
            }
        }
        Decision::Reject { .. } => {
            finish(&mut tx, &ap, Outcome::Rejected, actor.user_id, &comment).await?;
        }
        Decision::Return { to_step } => {
            close_pending(&mut tx, ap.id, Some(step)).await?;
            event(&mut tx, &ap, "approval.decided", Some(actor.user_id), Some(ap.submitter_id), json!({ "decision": "return", "to_step": to_step })).await?;
            enter(&mut tx, &mut ap, &flow, *to_step, actor.user_id).await?;
        }
    }
    audit::record(&mut tx, Some(actor.user_id), "approval", Some(ap.id), decision.action(), Some(json!({"step": step})), Some(json!({"step": ap.step_index, "comment": comment}))).await?;
    tx.commit().await?;
    Ok(())
}

/// The submitter takes the document back before anyone decided; it returns to draft.
pub async fn withdraw(db: &Db, actor: &Actor, approval: i64) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    let won = sqlx::query(
        "UPDATE approvals SET version = version + 1, updated_at = $3 WHERE id = $1 AND submitter_id = $2 AND state = 'pending' AND decisions = 0",
    )
    .bind(approval)
    .bind(actor.user_id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if won == 0 {
        let Some(ap) = load(&mut tx, approval).await? else { return Err(DomainError::NotFound) };
        if ap.submitter_id != actor.user_id {
            return Err(if was_asked(&mut tx, approval, actor.user_id).await? { DomainError::Forbidden } else { DomainError::NotFound });
        }
        return Err(DomainError::Conflict(if ap.state == "pending" { "withdraw_after_decision" } else { "approval_finished" }.into()));
    }
    let ap = load(&mut tx, approval).await?.ok_or(DomainError::NotFound)?;
    history(&mut tx, ap.id, ap.step_index, Some(actor.user_id), "withdraw", None, "").await?;
    finish(&mut tx, &ap, Outcome::Withdrawn, actor.user_id, "").await?;
    audit::record(&mut tx, Some(actor.user_id), "approval", Some(ap.id), "withdraw", None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `user` may read what an approval decides on (the subject, such as a transferred
/// customer, or else the document), by their own rights.
async fn may_read_document(conn: &mut AnyConnection, user: &Actor, ap: &Running) -> DomainResult<bool> {
    let (object, id) = ap.subject.unwrap_or((ap.object, ap.record_id));
    Ok(decide_on(conn, user, object, Action::Read, id).await?.allowed)
}

/// Hands the actor's pending task to someone else, who must be allowed to read the document.
pub async fn delegate(db: &Db, actor: &Actor, approval: i64, to_user: i64, comment: &str) -> DomainResult<()> {
    let comment = clean_comment(comment)?;
    let mut tx = db.begin_write().await?;
    let Some(ap) = lock_pending(&mut tx, approval).await? else {
        return Err(refusal(&mut tx, actor, approval, None).await?);
    };
    let Some(task) = my_pending_task(&mut tx, &ap, actor.user_id).await? else {
        return Err(refusal(&mut tx, actor, approval, Some(ap.step_index)).await?);
    };
    if to_user == actor.user_id {
        return Err(DomainError::invalid("user", "same_user"));
    }
    let delegate = match Actor::load_on(&mut tx, to_user).await {
        Ok(a) => a,
        Err(DomainError::Unauthenticated) => return Err(DomainError::invalid("user", "unknown_user")),
        Err(e) => return Err(e),
    };
    let asked: i64 = sqlx::query("SELECT COUNT(*) AS n FROM approval_tasks WHERE approval_id = $1 AND step_index = $2 AND approver_id = $3 AND state = 'pending'")
        .bind(ap.id)
        .bind(ap.step_index)
        .bind(to_user)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    if asked > 0 {
        return Err(DomainError::Conflict("already_asked".into()));
    }
    if !may_read_document(&mut tx, &delegate, &ap).await? {
        return Err(DomainError::CannotReadDocument { name: name_of(&mut tx, to_user).await? });
    }
    let due: Option<i64> = sqlx::query("SELECT due_at FROM approval_tasks WHERE id = $1").bind(task).fetch_one(&mut *tx).await?.try_get("due_at")?;
    sqlx::query("UPDATE approval_tasks SET state = 'delegated', decided_at = $2, comment = $3 WHERE id = $1")
        .bind(task)
        .bind(now_ms())
        .bind(&comment)
        .execute(&mut *tx)
        .await?;
    let flow = flows::load(&mut tx, ap.flow_id).await?.definition;
    let submitted_at: i64 = sqlx::query("SELECT submitted_at FROM approvals WHERE id = $1").bind(ap.id).fetch_one(&mut *tx).await?.try_get("submitted_at")?;
    let limit = flow.steps.get(ap.step_index as usize).and_then(|s| s.time_limit_hours);
    ask(&mut tx, ap.id, ap.doc_type.as_str(), submitted_at, ap.step_index, to_user, "delegate", Some(actor.user_id), limit.filter(|_| due.is_some()), now_ms()).await?;
    history(&mut tx, ap.id, ap.step_index, Some(actor.user_id), "delegate", Some(to_user), &comment).await?;
    event(&mut tx, &ap, "approval.waiting", Some(actor.user_id), Some(to_user), json!({ "delegated_by": actor.user_id })).await?;
    audit::record(&mut tx, Some(actor.user_id), "approval", Some(ap.id), "delegate", None, Some(json!({"to": to_user}))).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the actor may see an approval: its submitter, anyone asked in it, or whoever may read
/// the document by their own rights.
async fn may_see(conn: &mut AnyConnection, actor: &Actor, ap: &Running) -> DomainResult<bool> {
    if ap.submitter_id == actor.user_id || was_asked(conn, ap.id, actor.user_id).await? {
        return Ok(true);
    }
    match decide_on(conn, actor, ap.object, Action::Read, ap.record_id).await {
        Ok(d) => Ok(d.allowed),
        Err(DomainError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A comment on an approval by someone it concerns (submitter or anyone asked).
pub async fn comment(db: &Db, actor: &Actor, approval: i64, text: &str) -> DomainResult<()> {
    let text = clean_comment(text)?;
    if text.is_empty() {
        return Err(DomainError::invalid("comment", "required"));
    }
    let mut tx = db.begin_write().await?;
    let ap = load(&mut tx, approval).await?.ok_or(DomainError::NotFound)?;
    if ap.submitter_id != actor.user_id && !was_asked(&mut tx, approval, actor.user_id).await? {
        return Err(DomainError::NotFound);
    }
    history(&mut tx, ap.id, ap.step_index, Some(actor.user_id), "comment", None, &text).await?;
    event(&mut tx, &ap, "approval.comment", Some(actor.user_id), None, json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// An approval with who was asked and its history, for those who may see it.
pub async fn view(db: &Db, actor: &Actor, approval: i64) -> DomainResult<ApprovalView> {
    let mut conn = db.pool().acquire().await?;
    let ap = load(&mut conn, approval).await?.ok_or(DomainError::NotFound)?;
    if !may_see(&mut conn, actor, &ap).await? {
        return Err(DomainError::NotFound);
    }
    let flow = flows::load(&mut conn, ap.flow_id).await?;
    let asked = sqlx::query(
        "SELECT t.step_index, t.approver_id, u.display_name, t.state, t.via, t.decided_at, t.comment FROM approval_tasks t \
         JOIN users u ON u.id = t.approver_id WHERE t.approval_id = $1 ORDER BY t.id",
    )
    .bind(ap.id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(AskedRow {
            step_index: r.try_get("step_index")?,
            approver_id: r.try_get("approver_id")?,
            approver: r.try_get("display_name")?,
            state: r.try_get("state")?,
            via: r.try_get("via")?,
            decided_at: r.try_get("decided_at")?,
            comment: r.try_get("comment")?,
        })
    })
    .collect::<DomainResult<Vec<_>>>()?;
    let history = sqlx::query(
        "SELECT h.at, h.step_index, a.display_name AS actor, h.action, t.display_name AS target, h.comment FROM approval_history h \
         LEFT JOIN users a ON a.id = h.actor_id LEFT JOIN users t ON t.id = h.target_id WHERE h.approval_id = $1 ORDER BY h.id",
    )
    .bind(ap.id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(HistoryEntry {
            at: r.try_get("at")?,
            step_index: r.try_get("step_index")?,
            actor: r.try_get("actor")?,
            action: r.try_get("action")?,
            target: r.try_get("target")?,
            comment: r.try_get("comment")?,
        })
    })
    .collect::<DomainResult<Vec<_>>>()?;
    let my_turn = ap.state == "pending" && asked.iter().any(|a| a.approver_id == actor.user_id && a.state == "pending");
    let submitted_at: i64 = sqlx::query("SELECT submitted_at FROM approvals WHERE id = $1").bind(ap.id).fetch_one(&mut *conn).await?.try_get("submitted_at")?;
    Ok(ApprovalView {
        id: ap.id,
        doc_type: ap.doc_type,
        object: ap.object.as_str().to_string(),
        record_id: ap.record_id,
        title: ap.title.clone(),
        state: ap.state.clone(),
        step_index: ap.step_index,
        step_count: flow.definition.steps.len() as i64,
        flow_version: flow.version,
        submitter_id: ap.submitter_id,
        submitter: name_of(&mut conn, ap.submitter_id).await?,
        submitted_at,
        asked,
        history,
        my_turn,
    })
}

/// An approval with its document as the viewer may read it, for those who may see the
/// approval. The document goes through the policy (their own rights or the approval reach) with
/// the fields their role may not read left out; it is None when they may not read it now.
pub async fn detail(db: &Db, actor: &Actor, approval: i64) -> DomainResult<ApprovalDetail> {
    let approval = view(db, actor, approval).await?;
    let document = if approval.object == documents::OBJECT.as_str() {
        match documents::get(db, actor, approval.record_id).await {
            Ok(d) => Some(d),
            Err(DomainError::NotFound | DomainError::Forbidden) => None,
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    Ok(ApprovalDetail { approval, document })
}

/// The approval (if any) running on a document now.
pub async fn running_for(db: &Db, object: ObjectType, record_id: i64) -> DomainResult<Option<i64>> {
    Ok(sqlx::query("SELECT id FROM approvals WHERE object = $1 AND record_id = $2 AND state = 'pending'")
        .bind(object.as_str())
        .bind(record_id)
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?)
}

/// For the deadline job: escalates one overdue task inside its own guarded transaction.
pub(crate) async fn escalate_task(db: &Db, task: i64, now: i64) -> DomainResult<bool> {
    let mut tx = db.begin_write().await?;
    let r = sqlx::query("SELECT approval_id, step_index, approver_id FROM approval_tasks WHERE id = $1 AND state = 'pending'")
        .bind(task)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(r) = r else { return Ok(false) };
    let approval: i64 = r.try_get("approval_id")?;
    let approver: i64 = r.try_get("approver_id")?;
    let Some(ap) = lock_pending(&mut tx, approval).await? else { return Ok(false) };
    let won = sqlx::query("UPDATE approval_tasks SET state = 'escalated', decided_at = $2 WHERE id = $1 AND state = 'pending' AND step_index = $3")
        .bind(task)
        .bind(now)
        .bind(ap.step_index)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if won != 1 {
        return Ok(false);
    }
    let flow = flows::load(&mut tx, ap.flow_id).await?.definition;
    // The approver's manager takes over; with none, the flow's fallback (never skipped).
    let ctx = RouteContext { submitter_id: approver, submitter_unit_id: ap.submitter_unit_id, facts: ap.facts.clone(), previous_approver: None };
    let mut to = super::routing::resolve_rule(&mut tx, &super::ApproverRule::Manager { levels: 1 }, &ctx).await?;
    let mut via = "escalation";
    if to.is_empty() {
        to = super::routing::resolve_fallback(&mut tx, &flow.fallback, &ctx).await?;
        via = "fallback";
    }
    let submitted_at: i64 = sqlx::query("SELECT submitted_at FROM approvals WHERE id = $1").bind(ap.id).fetch_one(&mut *tx).await?.try_get("submitted_at")?;
    let limit = flow.steps.get(ap.step_index as usize).and_then(|s| s.time_limit_hours);
    to.sort_unstable();
    to.dedup();
    for u in to {
        let already: i64 = sqlx::query("SELECT COUNT(*) AS n FROM approval_tasks WHERE approval_id = $1 AND step_index = $2 AND approver_id = $3 AND state = 'pending'")
            .bind(ap.id)
            .bind(ap.step_index)
            .bind(u)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if already == 0 {
            ask(&mut tx, ap.id, ap.doc_type.as_str(), submitted_at, ap.step_index, u, via, Some(approver), limit, now).await?;
        }
        history(&mut tx, ap.id, ap.step_index, None, "escalate", Some(u), "").await?;
        event(&mut tx, &ap, "approval.escalated", None, Some(u), json!({ "from": approver })).await?;
    }
    audit::record(&mut tx, None, "approval", Some(ap.id), "escalate", Some(json!({"approver": approver})), None).await?;
    tx.commit().await?;
    Ok(true)
}
