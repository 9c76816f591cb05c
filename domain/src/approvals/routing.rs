//! Who is asked at a step: the first branch whose conditions hold on the document's facts (or the
//! step's default branch) names approver rules, and the rules resolve to active users through the
//! org tree (closure table) and the manager chain. A rule that finds nobody never skips the step:
//! the flow's fallback is asked instead (administrators when the fallback finds nobody too).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use super::{ApproverRule, Branch, Condition, FlowDefinition, Step, UnitLevel, UnitOf};
use crate::error::{DomainError, DomainResult};

/// What the conditions look at, copied from the document when it is submitted (so a running
/// approval routes on what was submitted). Money in minor units.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub discount_bp: Option<i64>,
    pub product_line: Option<String>,
    pub customer_level: Option<String>,
    pub target_unit_id: Option<i64>,
}

/// Everything routing needs besides the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteContext {
    pub submitter_id: i64,
    pub submitter_unit_id: i64,
    pub facts: Facts,
    /// Whoever approved the step before the one being routed.
    pub previous_approver: Option<i64>,
}

/// How the people asked at a step were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Rule,
    Fallback,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Rule => "rule",
            Via::Fallback => "fallback",
        }
    }
}

/// The outcome of routing one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routed {
    /// The matching branch names no rules: the step does not apply to this document.
    Skip,
    Ask { users: Vec<(i64, Via)> },
}

/// Units from `unit` upwards (itself first) with their kind, by the closure table.
async fn ancestors(conn: &mut AnyConnection, unit: i64) -> DomainResult<Vec<(i64, String, Option<i64>)>> {
    sqlx::query(
        "SELECT o.id, o.kind, o.head_user_id FROM org_unit_closure c JOIN org_units o ON o.id = c.ancestor_id \
         WHERE c.descendant_id = $1 ORDER BY c.depth",
    )
    .bind(unit)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("kind")?, r.try_get("head_user_id")?)))
    .collect()
}

/// The unit at `level` counted from `unit`: itself, the nearest branch, or the nearest
/// subsidiary (the top of the tree when there is none).
pub(crate) async fn unit_at(conn: &mut AnyConnection, unit: i64, level: UnitLevel) -> DomainResult<Option<(i64, Option<i64>)>> {
    let chain = ancestors(conn, unit).await?;
    let pick = |kind: &str| chain.iter().find(|(_, k, _)| k == kind).map(|(id, _, head)| (*id, *head));
    Ok(match level {
        UnitLevel::Own => chain.first().map(|(id, _, head)| (*id, *head)),
        UnitLevel::Branch => pick("branch"),
        UnitLevel::Subsidiary => pick("subsidiary").or_else(|| chain.last().map(|(id, _, head)| (*id, *head))),
    })
}

async fn active(conn: &mut AnyConnection, user: Option<i64>) -> DomainResult<Option<i64>> {
    let Some(user) = user else { return Ok(None) };
    Ok(sqlx::query("SELECT id FROM users WHERE id = $1 AND active = 1").bind(user).fetch_optional(&mut *conn).await?.map(|_| user))
}

async fn manager_of(conn: &mut AnyConnection, user: i64) -> DomainResult<Option<i64>> {
    Ok(sqlx::query("SELECT manager_id FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<Option<i64>, _>("manager_id"))
        .transpose()?
        .flatten())
}

/// Active holders of a role (by key) whose primary or extra unit lies in `unit` or below.
pub(crate) async fn role_holders(conn: &mut AnyConnection, role: &str, unit: i64) -> DomainResult<Vec<i64>> {
    sqlx::query(
        "SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id \
         WHERE r.key = $1 AND u.active = 1 AND ( \
           u.primary_unit_id IN (SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = $2) \
           OR EXISTS (SELECT 1 FROM user_units uu JOIN org_unit_closure c ON c.descendant_id = uu.unit_id \
                      WHERE uu.user_id = u.id AND c.ancestor_id = $2)) \
         ORDER BY u.id",
    )
    .bind(role)
    .bind(unit)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get::<i64, _>("id").map_err(Into::into))
    .collect()
}

/// The active users one rule names (possibly none).
pub async fn resolve_rule(conn: &mut AnyConnection, rule: &ApproverRule, ctx: &RouteContext) -> DomainResult<Vec<i64>> {
    let one = |u: Option<i64>| u.into_iter().collect::<Vec<_>>();
    let mut found = match rule {
        ApproverRule::Manager { levels } => {
            let mut current = Some(ctx.submitter_id);
            for _ in 0..(*levels).max(1) {
                current = match current {
                    Some(u) => manager_of(conn, u).await?,
                    None => None,
                };
            }
            one(active(conn, current).await?)
        }
        ApproverRule::UnitHead { of, level } => {
            let start = match of {
                UnitOf::Submitter => Some(ctx.submitter_unit_id),
                UnitOf::Target => ctx.facts.target_unit_id,
            };
            let head = match start {
                Some(unit) => unit_at(conn, unit, *level).await?.and_then(|(_, head)| head),
                None => None,
            };
            one(active(conn, head).await?)
        }
        ApproverRule::RoleInUnit { role, unit_id } => role_holders(conn, role, *unit_id).await?,
        ApproverRule::RoleInOwnSubsidiary { role } => match unit_at(conn, ctx.submitter_unit_id, UnitLevel::Subsidiary).await? {
            Some((unit, _)) => role_holders(conn, role, unit).await?,
            None => vec![],
        },
        ApproverRule::Users { user_ids } => {
            let mut out = Vec::new();
            for u in user_ids {
                out.extend(active(conn, Some(*u)).await?);
            }
            out
        }
        ApproverRule::PreviousApproverManager => match ctx.previous_approver {
            Some(p) => {
                let m = manager_of(conn, p).await?;
                one(active(conn, m).await?)
            }
            None => vec![],
        },
        ApproverRule::Administrators => {
            sqlx::query(
                "SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id \
                 WHERE r.key = 'administrator' AND u.active = 1 ORDER BY u.id",
            )
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>("id").map_err(DomainError::from))
            .collect::<DomainResult<_>>()?
        }
    };
    found.sort_unstable();
    found.dedup();
    Ok(found)
}

/// Whether one condition holds.
async fn holds(conn: &mut AnyConnection, c: &Condition, ctx: &RouteContext) -> DomainResult<bool> {
    let f = &ctx.facts;
    Ok(match c {
        Condition::AmountAbove { minor } => f.amount_minor.is_some_and(|a| a > *minor),
        Condition::AmountAtMost { minor } => f.amount_minor.is_some_and(|a| a <= *minor),
        Condition::DiscountAbove { bp } => f.discount_bp.is_some_and(|d| d > *bp),
        Condition::ProductLine { line } => f.product_line.as_deref() == Some(line.as_str()),
        Condition::CustomerLevel { levels } => f.customer_level.as_ref().is_some_and(|l| levels.contains(l)),
        Condition::SubmitterUnder { unit_id } => ancestors(conn, ctx.submitter_unit_id).await?.iter().any(|(id, _, _)| id == unit_id),
        Condition::CrossBranch => match f.target_unit_id {
            Some(target) => {
                let mine = unit_at(conn, ctx.submitter_unit_id, UnitLevel::Branch).await?.map(|(id, _)| id);
                let theirs = unit_at(conn, target, UnitLevel::Branch).await?.map(|(id, _)| id);
                mine != theirs
            }
            None => false,
        },
    })
}

/// The branch of a step that applies: the first whose conditions all hold, else the default.
pub async fn branch_of<'a>(conn: &mut AnyConnection, step: &'a Step, ctx: &RouteContext) -> DomainResult<&'a Branch> {
    'branches: for b in &step.branches {
        for c in &b.conditions {
            if !holds(conn, c, ctx).await? {
                continue 'branches;
            }
        }
        return Ok(b);
    }
    Ok(&step.default)
}

/// Who the flow's fallback names (administrators when it names nobody either).
pub async fn resolve_fallback(conn: &mut AnyConnection, fallback: &[ApproverRule], ctx: &RouteContext) -> DomainResult<Vec<i64>> {
    let mut users = BTreeSet::new();
    for rule in fallback {
        users.extend(resolve_rule(conn, rule, ctx).await?);
    }
    if users.is_empty() {
        users.extend(resolve_rule(conn, &ApproverRule::Administrators, ctx).await?);
    }
    Ok(users.into_iter().collect())
}

/// Who is asked at step `index` of a flow, each with how they were found. Every rule of the
/// branch that finds nobody brings in the fallback, so a vacant head is replaced rather than
/// dropped beside the rules that did find someone.
pub async fn route_step(conn: &mut AnyConnection, flow: &FlowDefinition, index: usize, ctx: &RouteContext) -> DomainResult<Routed> {
    let step = flow.steps.get(index).ok_or(DomainError::Internal(format!("no step {index}")))?;
    let branch = branch_of(conn, step, ctx).await?;
    if branch.approvers.is_empty() {
        return Ok(Routed::Skip);
    }
    let mut asked: Vec<(i64, Via)> = Vec::new();
    for rule in &branch.approvers {
        let (found, via) = match resolve_rule(conn, rule, ctx).await? {
            v if v.is_empty() => (resolve_fallback(conn, &flow.fallback, ctx).await?, Via::Fallback),
            v => (v, Via::Rule),
        };
        for u in found {
            match asked.iter_mut().find(|(a, _)| *a == u) {
                // Someone a rule found is asked as such, even if the fallback names them too.
                Some(existing) => {
                    if via == Via::Rule {
                        existing.1 = Via::Rule;
                    }
                }
                None => asked.push((u, via)),
            }
        }
    }
    if asked.is_empty() {
        // No active administrator at all: refuse the submission rather than skip the step.
        return Err(DomainError::Conflict("no_approver".into()));
    }
    asked.sort_unstable_by_key(|(u, _)| *u);
    Ok(Routed::Ask { users: asked })
}
