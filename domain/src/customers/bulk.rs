//! Bulk actions on a selection of customers: assign, tag, untag, release to the pool. The policy
//! decides each record on its own; records it refuses are reported and left exactly as they were,
//! the others are changed together in one transaction.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::tags::{change_one_tx, Tag};
use crate::acting::Actor;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType};
use crate::policy::decide_on;

/// The most records one bulk action may touch.
pub const MAX_SELECTION: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkAction {
    Assign { to_user: i64 },
    AddTag(String),
    RemoveTag(String),
    Release { reason: String },
}

/// Why one record was left alone. The name is given only for records the actor may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub id: i64,
    pub name: Option<String>,
    /// "not_found", "forbidden", "read_only_field", "already_in_pool", "no_pool", "invalid"
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkResult {
    pub done: Vec<i64>,
    /// Records the action did not need to change (already so).
    pub unchanged: Vec<i64>,
    pub refused: Vec<Refusal>,
}

/// What a per-record refusal is called; other errors abort the whole action.
fn refusal_reason(e: &DomainError) -> Option<&'static str> {
    Some(match e {
        DomainError::NotFound => "not_found",
        DomainError::Forbidden => "forbidden",
        DomainError::ReadOnlyField(_) => "read_only_field",
        DomainError::Conflict(c) if c == "already_in_pool" => "already_in_pool",
        DomainError::Conflict(c) if c == "no_pool" => "no_pool",
        DomainError::Invalid { .. } => "invalid",
        _ => return None,
    })
}

async fn name_if_readable(tx: &mut Tx, actor: &Actor, id: i64) -> DomainResult<Option<String>> {
    if !decide_on(tx, actor, ObjectType::Customer, Action::Read, id).await?.allowed {
        return Ok(None);
    }
    Ok(sqlx::query("SELECT name FROM customers WHERE id = $1").bind(id).fetch_optional(&mut **tx).await?.map(|r| r.try_get("name")).transpose()?)
}

/// Applies `action` to each selected customer the policy allows it on.
pub async fn apply(db: &Db, actor: &Actor, ids: &[i64], action: &BulkAction) -> DomainResult<BulkResult> {
    if ids.is_empty() {
        return Err(DomainError::invalid("selection", "required"));
    }
    if ids.len() > MAX_SELECTION {
        return Err(DomainError::invalid("selection", "too_many"));
    }
    // Input errors that concern every record refuse the whole action before anything happens.
    let tag = match action {
        BulkAction::AddTag(t) | BulkAction::RemoveTag(t) => Some(Tag::parse(t)?),
        BulkAction::Release { reason } if reason.trim().is_empty() => return Err(DomainError::invalid("reason", "required")),
        _ => None,
    };
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut result = BulkResult::default();
    let mut tx = db.begin_write().await?;
    for id in ids {
        let outcome = match action {
            BulkAction::Assign { to_user } => crate::pools::assign_tx(&mut tx, actor, id, *to_user).await.map(|_| true),
            BulkAction::AddTag(_) => change_one_tx(&mut tx, actor, id, tag.as_ref().expect("parsed above"), true).await,
            BulkAction::RemoveTag(_) => change_one_tx(&mut tx, actor, id, tag.as_ref().expect("parsed above"), false).await,
            BulkAction::Release { reason } => crate::pools::release_tx(&mut tx, actor, id, reason).await.map(|_| true),
        };
        match outcome {
            Ok(true) => result.done.push(id),
            Ok(false) => result.unchanged.push(id),
            // An unknown new owner is wrong for every record: refuse the whole action.
            Err(e @ DomainError::Invalid { field: "owner", .. }) => return Err(e),
            Err(e) => match refusal_reason(&e) {
                Some(reason) => {
                    let name = name_if_readable(&mut tx, actor, id).await?;
                    result.refused.push(Refusal { id, name, reason: reason.to_string() });
                }
                None => return Err(e),
            },
        }
    }
    tx.commit().await?;
    Ok(result)
}
