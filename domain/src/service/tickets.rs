//! Tickets: opened by service people on a customer they may read (optionally on one of its
//! contracts), assigned to someone in a service unit, worked and resolved with a resolution.
//! The SLA due time comes from the priority's policy; the periodic job flags tickets past it once
//! and tells the head of the service unit (or of the nearest unit above that has one).

use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::{NewTicket, TicketRow, CATEGORIES, PRIORITIES, STATUSES};
use crate::acting::Actor;
use crate::audit;
use crate::clock::{now_ms, HOUR_MS};
use crate::db::{contains_pattern, Arg, Conditions, Db};
use crate::error::{DomainError, DomainResult};
use crate::events;
use crate::objects::{Action, ObjectType, Scope};
use crate::policy::{record_filter, require_on};
use domain_types::lists::ListFilter;

pub const OBJECT: ObjectType = ObjectType::Ticket;

async fn sla_hours(conn: &mut AnyConnection, priority: &str) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT hours FROM ticket_sla WHERE priority = $1").bind(priority).fetch_optional(&mut *conn).await?.map(|r| r.try_get("hours")).transpose()?.unwrap_or(24))
}

/// Whether the actor's assign grant on tickets reaches someone in `unit` (themselves always).
async fn may_assign_into(conn: &mut AnyConnection, actor: &Actor, unit: i64) -> DomainResult<bool> {
    Ok(match actor.scope(OBJECT, Action::Assign) {
        Scope::All => true,
        Scope::Unit => actor.units.contains(&unit),
        Scope::UnitAndBelow => {
            let mut covered = false;
            for mine in &actor.units {
                covered |= sqlx::query("SELECT 1 AS one FROM org_unit_closure WHERE ancestor_id = $1 AND descendant_id = $2")
                    .bind(*mine)
                    .bind(unit)
                    .fetch_optional(&mut *conn)
                    .await?
                    .is_some();
            }
            covered
        }
        _ => false,
    })
}

/// The primary unit of an active user who holds the service role.
async fn service_unit_of(conn: &mut AnyConnection, user: i64) -> DomainResult<i64> {
    sqlx::query(
        "SELECT u.primary_unit_id FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id \
         WHERE u.id = $1 AND u.active = 1 AND r.key IN ('service', 'administrator') LIMIT 1",
    )
    .bind(user)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::invalid("assignee", "not_service"))?
    .try_get("primary_unit_id")
    .map_err(Into::into)
}

pub async fn create(db: &Db, actor: &Actor, t: &NewTicket) -> DomainResult<i64> {
    if !actor.may_create(OBJECT) {
        return Err(DomainError::Forbidden);
    }
    let title = t.title.trim();
    if title.is_empty() {
        return Err(DomainError::invalid("ticket_title", "required"));
    }
    if title.chars().count() > 200 || t.description.trim().chars().count() > 4000 {
        return Err(DomainError::invalid(if title.chars().count() > 200 { "ticket_title" } else { "description" }, "too_long"));
    }
    if !CATEGORIES.contains(&t.category.as_str()) {
        return Err(DomainError::invalid("category", "unknown"));
    }
    if !PRIORITIES.contains(&t.priority.as_str()) {
        return Err(DomainError::invalid("priority", "unknown"));
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, ObjectType::Customer, Action::Read, t.customer_id).await?;
    if let Some(k) = t.contract_id {
        let of: Option<i64> = sqlx::query("SELECT customer_id FROM contracts WHERE id = $1").bind(k).fetch_optional(&mut *tx).await?.map(|r| r.try_get("customer_id")).transpose()?;
        if of != Some(t.customer_id) {
            return Err(DomainError::invalid("contract", "not_of_customer"));
        }
        require_on(&mut tx, actor, ObjectType::Contract, Action::Read, k).await.map_err(|_| DomainError::invalid("contract", "not_readable"))?;
    }
    if let Some(c) = t.contact_id {
        let of: Option<i64> = sqlx::query("SELECT customer_id FROM contacts WHERE id = $1").bind(c).fetch_optional(&mut *tx).await?.map(|r| r.try_get("customer_id")).transpose()?;
        if of != Some(t.customer_id) {
            return Err(DomainError::invalid("contact", "not_of_customer"));
        }
    }
    let assignee = t.assignee_id.unwrap_or(actor.user_id);
    let unit = service_unit_of(&mut tx, assignee).await?;
    // Handing a ticket to someone else needs an assign grant reaching them, and they must be able
    // to read the customer (a ticket never shows a customer to someone who may not see it).
    if assignee != actor.user_id && !may_assign_into(&mut tx, actor, unit).await? {
        return Err(DomainError::invalid("assignee", "out_of_scope"));
    }
    let taker = Actor::load_on(&mut tx, assignee).await?;
    if !crate::policy::decide_on(&mut tx, &taker, ObjectType::Customer, Action::Read, t.customer_id).await?.allowed {
        return Err(DomainError::invalid("assignee", "not_readable"));
    }
    let now = now_ms();
    let due = now + sla_hours(&mut tx, &t.priority).await? * HOUR_MS;
    let id: i64 = sqlx::query(
        "INSERT INTO tickets (customer_id, contact_id, contract_id, category, priority, title, description, status, sla_due_at, owner_id, unit_id, \
         created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $11, $11, $12) RETURNING id",
    )
    .bind(t.customer_id)
    .bind(t.contact_id)
    .bind(t.contract_id)
    .bind(&t.category)
    .bind(&t.priority)
    .bind(title)
    .bind(t.description.trim())
    .bind(due)
    .bind(assignee)
    .bind(unit)
    .bind(now)
    .bind(actor.user_id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    events::write(&mut tx, "ticket.assigned", OBJECT, id, Some(actor.user_id), Some(assignee), json!({ "customer_id": t.customer_id, "priority": t.priority })).await?;
    audit::record(&mut tx, Some(actor.user_id), "ticket", Some(id), "create", None, Some(json!({"title": title, "priority": t.priority}))).await?;
    tx.commit().await?;
    Ok(id)
}

/// The moves a ticket may make: worked, resolved (with a resolution), closed once resolved, and
/// reopened from resolved or closed.
pub fn may_move(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("open", "in_progress") | ("open", "resolved") | ("in_progress", "resolved") | ("in_progress", "open") | ("resolved", "closed") | ("resolved", "open") | ("closed", "open")
    )
}

/// Moves a ticket on (open → in progress → resolved → closed, or reopened). Resolving needs a
/// resolution; closing needs it resolved first.
pub async fn set_status(db: &Db, actor: &Actor, id: i64, status: &str, resolution: &str) -> DomainResult<()> {
    if !STATUSES.contains(&status) {
        return Err(DomainError::invalid("status", "unknown"));
    }
    let resolution = resolution.trim();
    if status == "resolved" && resolution.is_empty() {
        return Err(DomainError::invalid("resolution", "required"));
    }
    if resolution.chars().count() > 4000 {
        return Err(DomainError::invalid("resolution", "too_long"));
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, id).await?;
    let now = now_ms();
    let before: String = sqlx::query("SELECT status FROM tickets WHERE id = $1").bind(id).fetch_one(&mut *tx).await?.try_get("status")?;
    if !may_move(&before, status) {
        return Err(DomainError::Conflict("ticket_transition".into()));
    }
    sqlx::query(
        "UPDATE tickets SET status = $2, resolution = CASE WHEN $3 = '' THEN resolution ELSE $3 END, \
         resolved_at = CASE WHEN $2 IN ('resolved', 'closed') THEN COALESCE(resolved_at, $4) ELSE NULL END, updated_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(resolution)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let customer: i64 = sqlx::query("SELECT customer_id FROM tickets WHERE id = $1").bind(id).fetch_one(&mut *tx).await?.try_get("customer_id")?;
    events::write(&mut tx, "ticket.updated", OBJECT, id, Some(actor.user_id), None, json!({ "status": status, "customer_id": customer })).await?;
    audit::record(&mut tx, Some(actor.user_id), "ticket", Some(id), "status", Some(json!({"status": before})), Some(json!({"status": status}))).await?;
    tx.commit().await?;
    Ok(())
}

const ROW_SELECT: &str = "SELECT t.id, t.customer_id, c.name AS customer_name, t.contract_id, t.category, t.priority, t.title, t.description, \
    t.status, t.resolution, t.sla_due_at, t.breached_at, t.owner_id, u.display_name AS owner_name, o.name AS unit_name, t.created_at \
    FROM tickets t JOIN customers c ON c.id = t.customer_id LEFT JOIN users u ON u.id = t.owner_id JOIN org_units o ON o.id = t.unit_id";

fn row_of(actor: &Actor, r: &sqlx::any::AnyRow, now: i64) -> DomainResult<TicketRow> {
    let may = |f: &str| actor.fields.can_read(OBJECT, f);
    let status: String = r.try_get("status")?;
    let due: i64 = r.try_get("sla_due_at")?;
    let flagged: Option<i64> = r.try_get("breached_at")?;
    Ok(TicketRow {
        id: r.try_get("id")?,
        customer_id: r.try_get("customer_id")?,
        customer_name: r.try_get("customer_name")?,
        contract_id: r.try_get("contract_id")?,
        category: r.try_get("category")?,
        priority: r.try_get("priority")?,
        title: r.try_get("title")?,
        description: if may("description") { Some(r.try_get("description")?) } else { None },
        resolution: if may("resolution") { Some(r.try_get("resolution")?) } else { None },
        breached: flagged.is_some() || (matches!(status.as_str(), "open" | "in_progress") && due < now),
        status,
        sla_due_at: due,
        owner_id: r.try_get("owner_id")?,
        owner_name: r.try_get("owner_name")?,
        unit_name: r.try_get("unit_name")?,
        created_at: r.try_get("created_at")?,
    })
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketQuery {
    pub open_only: bool,
    pub customer_id: Option<i64>,
    /// Complaints, and anything not yet resolved (what the customer 360 shows).
    pub complaints_or_open: bool,
    pub status: Option<String>,
    pub category: Option<String>,
    pub priority: Option<String>,
    /// Only those assigned to the reader.
    pub mine_only: bool,
    /// Part of the title or of the customer's name.
    pub search: String,
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// A filter's code when it is one of `known`; empty means any, anything else is refused.
fn known_code(field: &'static str, value: &str, known: &[&str]) -> DomainResult<Option<String>> {
    let value = value.trim();
    if value.is_empty() {
        Ok(None)
    } else if known.contains(&value) {
        Ok(Some(value.to_string()))
    } else {
        Err(DomainError::invalid(field, "unknown_code"))
    }
}

impl TicketQuery {
    /// The query of the ticket list's filter; unknown codes are refused rather than ignored.
    pub fn of_filter(filter: &ListFilter, before_id: Option<i64>, limit: i64) -> DomainResult<Self> {
        Ok(TicketQuery {
            open_only: filter.open_only,
            status: known_code("status", &filter.state, STATUSES)?,
            category: known_code("category", &filter.category, CATEGORIES)?,
            priority: known_code("priority", &filter.priority, PRIORITIES)?,
            mine_only: filter.mine_only,
            search: filter.search.trim().to_string(),
            before_id,
            limit,
            ..Default::default()
        })
    }
}

/// The tickets the actor may read, newest first.
pub async fn list(db: &Db, actor: &Actor, q: &TicketQuery) -> DomainResult<Vec<TicketRow>> {
    if !actor.grants.can(OBJECT, Action::Read) {
        return Err(DomainError::Forbidden);
    }
    let now = now_ms();
    let f = record_filter(actor, OBJECT, Action::Read, "t", 1, now);
    let mut w = Conditions::starting_with(&f.sql, &f.binds);
    if q.open_only {
        w.add(" AND t.status IN ('open', 'in_progress')", vec![]);
    }
    if q.complaints_or_open {
        w.add(" AND (t.category = 'complaint' OR t.status IN ('open', 'in_progress'))", vec![]);
    }
    if let Some(c) = q.customer_id {
        w.add(" AND t.customer_id = $?0", vec![Arg::Int(c)]);
    }
    for (column, value) in [("t.status", &q.status), ("t.category", &q.category), ("t.priority", &q.priority)] {
        if let Some(v) = value {
            w.add(&format!(" AND {column} = $?0"), vec![Arg::Text(v.clone())]);
        }
    }
    if q.mine_only {
        w.add(" AND t.owner_id = $?0", vec![Arg::Int(actor.user_id)]);
    }
    if !q.search.is_empty() {
        w.add(" AND (LOWER(t.title) LIKE $?0 ESCAPE '\\' OR LOWER(c.name) LIKE $?0 ESCAPE '\\')", vec![Arg::Text(contains_pattern(&q.search))]);
    }
    if let Some(b) = q.before_id {
        w.add(" AND t.id < $?0", vec![Arg::Int(b)]);
    }
    let query = w.query(format!("{ROW_SELECT} WHERE {} ORDER BY t.id DESC LIMIT {}", w.sql, q.limit.clamp(1, 200)));
    query.fetch_all(db.pool()).await?.iter().map(|r| row_of(actor, r, now)).collect()
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> DomainResult<TicketRow> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, id).await?;
    let sql = format!("{ROW_SELECT} WHERE t.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *conn).await?;
    row_of(actor, &r, now_ms())
}

/// The head of a unit or, when it has none, of the nearest unit above it that has one.
async fn head_above(conn: &mut AnyConnection, unit: i64) -> DomainResult<Option<i64>> {
    Ok(sqlx::query(
        "SELECT o.head_user_id FROM org_unit_closure c JOIN org_units o ON o.id = c.ancestor_id \
         WHERE c.descendant_id = $1 AND o.head_user_id IS NOT NULL ORDER BY c.depth LIMIT 1",
    )
    .bind(unit)
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| r.try_get("head_user_id"))
    .transpose()?)
}

/// The periodic job: flags open tickets past their SLA due time, once each, and tells the head
/// of their service unit. Returns the tickets flagged now.
pub async fn flag_sla_breaches(db: &Db, now: i64) -> DomainResult<Vec<i64>> {
    let due: Vec<(i64, i64)> = sqlx::query(
        "SELECT id, unit_id FROM tickets WHERE status IN ('open', 'in_progress') AND sla_due_at < $1 AND breached_at IS NULL ORDER BY id LIMIT 1000",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("unit_id")?)))
    .collect::<DomainResult<_>>()?;
    let mut flagged = Vec::new();
    for (id, unit) in due {
        let mut tx = db.begin_write().await?;
        let won = sqlx::query("UPDATE tickets SET breached_at = $2 WHERE id = $1 AND breached_at IS NULL AND status IN ('open', 'in_progress')")
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if won == 1 {
            let head = head_above(&mut tx, unit).await?;
            events::write(&mut tx, "ticket.sla_breached", OBJECT, id, None, head, json!({})).await?;
            flagged.push(id);
        }
        tx.commit().await?;
    }
    Ok(flagged)
}

#[cfg(test)]
mod tests {
    use super::may_move;

    #[test]
    fn tickets_close_only_once_resolved_and_reopen_from_the_end() {
        assert!(may_move("open", "in_progress") && may_move("in_progress", "resolved") && may_move("resolved", "closed"));
        assert!(may_move("resolved", "open") && may_move("closed", "open"));
        assert!(!may_move("open", "closed") && !may_move("in_progress", "closed") && !may_move("closed", "in_progress"));
        assert!(!may_move("open", "open") && !may_move("open", "archived"));
    }
}
