//! Flow definitions per document type, versioned. Administrators save a draft version and publish
//! it; a published version is never changed, and every running approval keeps the version it
//! started with. Publishing reports which running approvals stay on an older version.

use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::{ApproverRule, DocType, FlowDefinition, FlowVersion, PublishReport, RunningOnOld};
use crate::acting::Actor;
use crate::audit;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};

/// Refuses definitions the engine could not run.
pub fn check(def: &FlowDefinition) -> DomainResult<()> {
    if def.steps.is_empty() {
        return Err(DomainError::invalid("steps", "required"));
    }
    if def.steps.len() > 20 {
        return Err(DomainError::invalid("steps", "too_many"));
    }
    for s in &def.steps {
        if s.name.trim().is_empty() {
            return Err(DomainError::invalid("name", "required"));
        }
        if s.time_limit_hours.is_some_and(|h| !(1..=24 * 90).contains(&h)) {
            return Err(DomainError::invalid("time_limit", "out_of_range"));
        }
    }
    Ok(())
}

/// Refuses rules that name what does not exist: an unknown role, an inactive unit, no or
/// unknown users, a manager level out of range.
async fn check_references(tx: &mut Tx, def: &FlowDefinition) -> DomainResult<()> {
    // Collected first: an iterator of closures held across the awaits below would keep the
    // future from being provably Send (which a server function needs).
    let mut rules: Vec<&ApproverRule> = Vec::new();
    for s in &def.steps {
        for b in s.branches.iter().chain(std::iter::once(&s.default)) {
            rules.extend(b.approvers.iter());
        }
    }
    rules.extend(def.fallback.iter());
    for rule in rules {
        match rule {
            ApproverRule::Manager { levels } if !(1..=10).contains(levels) => return Err(DomainError::invalid("manager_levels", "out_of_range")),
            ApproverRule::RoleInUnit { role, unit_id } => {
                role_exists(tx, role).await?;
                if sqlx::query("SELECT id FROM org_units WHERE id = $1 AND active = 1").bind(*unit_id).fetch_optional(&mut **tx).await?.is_none() {
                    return Err(DomainError::invalid("unit", "unknown_unit"));
                }
            }
            ApproverRule::RoleInOwnSubsidiary { role } => role_exists(tx, role).await?,
            ApproverRule::Users { user_ids } => {
                if user_ids.is_empty() {
                    return Err(DomainError::invalid("user", "required"));
                }
                for u in user_ids {
                    if sqlx::query("SELECT id FROM users WHERE id = $1").bind(*u).fetch_optional(&mut **tx).await?.is_none() {
                        return Err(DomainError::invalid("user", "unknown_user"));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

async fn role_exists(tx: &mut Tx, key: &str) -> DomainResult<()> {
    match sqlx::query("SELECT id FROM roles WHERE key = $1").bind(key).fetch_optional(&mut **tx).await? {
        Some(_) => Ok(()),
        None => Err(DomainError::invalid("role", "unknown_role")),
    }
}

fn parse_definition(text: &str) -> DomainResult<FlowDefinition> {
    serde_json::from_str(text).map_err(|e| DomainError::Internal(format!("stored flow definition unreadable: {e}")))
}

/// One stored version by id.
pub async fn load(conn: &mut AnyConnection, flow_id: i64) -> DomainResult<FlowVersion> {
    let r = sqlx::query("SELECT id, doc_type, version, name, status, published_at, definition FROM approval_flows WHERE id = $1")
        .bind(flow_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(DomainError::NotFound)?;
    version_from_row(&r)
}

fn version_from_row(r: &sqlx::any::AnyRow) -> DomainResult<FlowVersion> {
    let doc_type: String = r.try_get("doc_type")?;
    Ok(FlowVersion {
        id: r.try_get("id")?,
        doc_type: DocType::parse(&doc_type).ok_or(DomainError::Internal(format!("unknown document type {doc_type}")))?,
        version: r.try_get("version")?,
        name: r.try_get("name")?,
        status: r.try_get("status")?,
        published_at: r.try_get("published_at")?,
        definition: parse_definition(&r.try_get::<String, _>("definition")?)?,
    })
}

/// The published version new submissions of a document type use.
pub async fn current(conn: &mut AnyConnection, doc_type: DocType) -> DomainResult<Option<FlowVersion>> {
    let r = sqlx::query(
        "SELECT id, doc_type, version, name, status, published_at, definition FROM approval_flows \
         WHERE doc_type = $1 AND status = 'published' ORDER BY version DESC LIMIT 1",
    )
    .bind(doc_type.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref().map(version_from_row).transpose()
}

/// Every version of a document type's flow, newest first (administrators).
pub async fn versions(db: &Db, actor: &Actor, doc_type: DocType) -> DomainResult<Vec<FlowVersion>> {
    actor.require_admin()?;
    sqlx::query(
        "SELECT id, doc_type, version, name, status, published_at, definition FROM approval_flows \
         WHERE doc_type = $1 ORDER BY version DESC",
    )
    .bind(doc_type.as_str())
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(version_from_row)
    .collect()
}

/// Saves the draft version of a document type's flow (creating the next version number when there
/// is no draft yet). Administrators only.
pub async fn save_draft(db: &Db, actor: &Actor, doc_type: DocType, name: &str, def: &FlowDefinition) -> DomainResult<i64> {
    actor.require_admin()?;
    check(def)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid("name", "required"));
    }
    let mut tx = db.begin_write().await?;
    check_references(&mut tx, def).await?;
    let id = save_draft_tx(&mut tx, Some(actor.user_id), doc_type, name, def).await?;
    audit::record(&mut tx, Some(actor.user_id), "approval_flow", Some(id), "save_draft", None, Some(json!({"doc_type": doc_type.as_str(), "name": name}))).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn save_draft_tx(tx: &mut Tx, by: Option<i64>, doc_type: DocType, name: &str, def: &FlowDefinition) -> DomainResult<i64> {
    let text = serde_json::to_string(def).map_err(|e| DomainError::Internal(e.to_string()))?;
    let now = now_ms();
    let draft = sqlx::query("SELECT id FROM approval_flows WHERE doc_type = $1 AND status = 'draft'")
        .bind(doc_type.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(r) = draft {
        let id: i64 = r.try_get("id")?;
        sqlx::query("UPDATE approval_flows SET name = $2, definition = $3, updated_at = $4 WHERE id = $1")
            .bind(id)
            .bind(name)
            .bind(&text)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        return Ok(id);
    }
    let next: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) + 1 AS v FROM approval_flows WHERE doc_type = $1")
        .bind(doc_type.as_str())
        .fetch_one(&mut **tx)
        .await?
        .try_get("v")?;
    Ok(sqlx::query(
        "INSERT INTO approval_flows (doc_type, version, name, definition, status, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, 'draft', $5, $5, $6) RETURNING id",
    )
    .bind(doc_type.as_str())
    .bind(next)
    .bind(name)
    .bind(&text)
    .bind(now)
    .bind(by)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

/// Publishes a draft: new submissions use it from now on; the report names the running approvals
/// that stay on the version they started with.
pub async fn publish(db: &Db, actor: &Actor, flow_id: i64) -> DomainResult<PublishReport> {
    actor.require_admin()?;
    let mut tx = db.begin_write().await?;
    let report = publish_tx(&mut tx, flow_id).await?;
    audit::record(&mut tx, Some(actor.user_id), "approval_flow", Some(flow_id), "publish", None, Some(json!({"version": report.version, "staying_on_old": report.staying_on_old.len()}))).await?;
    tx.commit().await?;
    Ok(report)
}

pub(crate) async fn publish_tx(tx: &mut Tx, flow_id: i64) -> DomainResult<PublishReport> {
    let flow = load(tx, flow_id).await?;
    if flow.status != "draft" {
        return Err(DomainError::Conflict("flow_not_draft".into()));
    }
    let now = now_ms();
    sqlx::query("UPDATE approval_flows SET status = 'retired', updated_at = $2 WHERE doc_type = $1 AND status = 'published'")
        .bind(flow.doc_type.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    // Only a draft publishes: two administrators publishing at once cannot both win.
    let won = sqlx::query("UPDATE approval_flows SET status = 'published', published_at = $2, updated_at = $2 WHERE id = $1 AND status = 'draft'")
        .bind(flow_id)
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if won != 1 {
        return Err(DomainError::Conflict("flow_not_draft".into()));
    }
    let staying_on_old = sqlx::query(
        "SELECT a.id, a.title, f.version FROM approvals a JOIN approval_flows f ON f.id = a.flow_id \
         WHERE f.doc_type = $1 AND a.flow_id <> $2 AND a.state = 'pending' ORDER BY a.id",
    )
    .bind(flow.doc_type.as_str())
    .bind(flow_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| Ok(RunningOnOld { approval_id: r.try_get("id")?, title: r.try_get("title")?, version: r.try_get("version")? }))
    .collect::<DomainResult<Vec<_>>>()?;
    Ok(PublishReport { flow_id, version: flow.version, staying_on_old })
}
