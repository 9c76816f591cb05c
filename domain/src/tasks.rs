//! Tasks: one person asks another (in any department) to do something by a date, optionally about
//! a record. The assignee owns the task, so managers see their units' tasks through the policy;
//! whoever assigned it keeps sight of it. Progress and status are the assignee's to report; a
//! reminder event goes out when a task falls due.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::events;
use crate::objects::{Action, ObjectType, Scope};
use crate::policy::{record_filter, require_on};

const OBJECT: ObjectType = ObjectType::Task;

macro_rules! choice {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $text),+ } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($text => Some($name::$variant),)+ _ => None } }
        }
    };
}

choice!(Priority { Low => "low", Normal => "normal", High => "high", Urgent => "urgent" });
choice!(Status { Open => "open", InProgress => "in_progress", Done => "done", Cancelled => "cancelled" });

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTask {
    pub title: String,
    pub description: String,
    pub assignee_id: i64,
    pub due_at: Option<i64>,
    pub priority: Priority,
    /// The record the task is about.
    pub linked: Option<(ObjectType, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub assignee_id: i64,
    pub assignee: String,
    pub creator_id: i64,
    pub creator: String,
    pub unit_name: String,
    pub due_at: Option<i64>,
    pub priority: String,
    pub progress: i64,
    pub status: String,
    pub linked_object: Option<String>,
    pub linked_record_id: Option<i64>,
    /// The linked record's name, when the viewer may read it.
    pub linked_title: Option<String>,
    pub overdue: bool,
    pub updated_at: i64,
}

const SELECT: &str = "SELECT t.id, t.title, t.description, t.owner_id, a.display_name AS assignee, t.creator_id, \
    c.display_name AS creator, o.name AS unit_name, t.due_at, t.priority, t.progress, t.status, t.linked_object, \
    t.linked_record_id, t.updated_at FROM tasks t JOIN users a ON a.id = t.owner_id JOIN users c ON c.id = t.creator_id \
    JOIN org_units o ON o.id = t.unit_id";

fn task_from_row(r: &AnyRow, now: i64) -> DomainResult<Task> {
    let due_at: Option<i64> = r.try_get("due_at")?;
    let status: String = r.try_get("status")?;
    Ok(Task {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        assignee_id: r.try_get("owner_id")?,
        assignee: r.try_get("assignee")?,
        creator_id: r.try_get("creator_id")?,
        creator: r.try_get("creator")?,
        unit_name: r.try_get("unit_name")?,
        overdue: due_at.is_some_and(|d| d < now) && matches!(status.as_str(), "open" | "in_progress"),
        due_at,
        priority: r.try_get("priority")?,
        progress: r.try_get("progress")?,
        status,
        linked_object: r.try_get("linked_object")?,
        linked_record_id: r.try_get("linked_record_id")?,
        linked_title: None,
        updated_at: r.try_get("updated_at")?,
    })
}

/// Fills in linked records' names where the viewer may read them.
async fn attach_links(conn: &mut sqlx::AnyConnection, actor: &Actor, tasks: &mut [Task]) -> DomainResult<()> {
    for t in tasks.iter_mut() {
        let (Some(object), Some(id)) = (t.linked_object.as_deref().and_then(ObjectType::parse), t.linked_record_id) else { continue };
        if crate::policy::decide_on(conn, actor, object, Action::Read, id).await.map(|d| d.allowed).unwrap_or(false) {
            t.linked_title = Some(crate::notifications::title_of(conn, object, id).await?);
        }
    }
    Ok(())
}

fn clean_title(title: &str) -> DomainResult<String> {
    let title = title.trim();
    if title.is_empty() {
        return Err(DomainError::invalid("task_title", "required"));
    }
    if title.chars().count() > 200 {
        return Err(DomainError::invalid("task_title", "too_long"));
    }
    Ok(title.to_string())
}

fn clean_description(d: &str) -> DomainResult<String> {
    if d.chars().count() > 4000 {
        return Err(DomainError::invalid("description", "too_long"));
    }
    Ok(d.trim().to_string())
}

/// The unit of an active user, or an "unknown user" refusal.
async fn assignee_unit(tx: &mut Tx, user: i64) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT primary_unit_id FROM users WHERE id = $1 AND active = 1")
        .bind(user)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(DomainError::invalid("assignee", "unknown_user"))?
        .try_get("primary_unit_id")?)
}

/// Inserts a task in the caller's transaction and tells the assignee (work other modules hand out,
/// such as "invoice this signed contract" for finance).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_tx(
    tx: &mut Tx,
    creator: i64,
    assignee: i64,
    title: &str,
    description: &str,
    due_at: Option<i64>,
    priority: Priority,
    linked: Option<(ObjectType, i64)>,
) -> DomainResult<i64> {
    let unit = assignee_unit(tx, assignee).await?;
    let now = now_ms();
    let id: i64 = sqlx::query(
        "INSERT INTO tasks (title, description, owner_id, unit_id, creator_id, due_at, priority, progress, status, \
         linked_object, linked_record_id, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'open', $8, $9, $10, $10, $5) RETURNING id",
    )
    .bind(title)
    .bind(description)
    .bind(assignee)
    .bind(unit)
    .bind(creator)
    .bind(due_at)
    .bind(priority.as_str())
    .bind(linked.map(|(o, _)| o.as_str()))
    .bind(linked.map(|(_, id)| id))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    events::write(tx, "task.assigned", OBJECT, id, Some(creator), Some(assignee), json!({ "title": title })).await?;
    Ok(id)
}

/// Assigns a task to anyone active in the group. Needs the right to create tasks; a linked record
/// must be one the assigner may read.
pub async fn create(db: &Db, actor: &Actor, t: &NewTask) -> DomainResult<i64> {
    if actor.scope(OBJECT, Action::Create) == Scope::None {
        return Err(DomainError::Forbidden);
    }
    let title = clean_title(&t.title)?;
    let description = clean_description(&t.description)?;
    let mut tx = db.begin_write().await?;
    if let Some((object, id)) = t.linked {
        require_on(&mut tx, actor, object, Action::Read, id).await?;
    }
    let id = insert_tx(&mut tx, actor.user_id, t.assignee_id, &title, &description, t.due_at, t.priority, t.linked).await?;
    tx.commit().await?;
    Ok(id)
}

/// One task the actor may read.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> DomainResult<Task> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, id).await?;
    let sql = format!("{SELECT} WHERE t.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *conn).await?;
    let mut task = [task_from_row(&row, now_ms())?];
    attach_links(&mut conn, actor, &mut task).await?;
    let [task] = task;
    Ok(task)
}

/// Reports progress (0–100) and status: the assignee, or whoever may update the task.
pub async fn report(db: &Db, actor: &Actor, id: i64, progress: i64, status: Status) -> DomainResult<()> {
    if !(0..=100).contains(&progress) {
        return Err(DomainError::invalid("progress", "out_of_range"));
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, id).await?;
    let row = sqlx::query("SELECT creator_id, status FROM tasks WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
    let creator: i64 = row.try_get("creator_id")?;
    let before: String = row.try_get("status")?;
    let now = now_ms();
    let progress = if status == Status::Done { 100 } else { progress };
    sqlx::query("UPDATE tasks SET progress = $2, status = $3, completed_at = $4, updated_at = $5 WHERE id = $1")
        .bind(id)
        .bind(progress)
        .bind(status.as_str())
        .bind((status == Status::Done).then_some(now))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let (kind, target) = if status == Status::Done && before != "done" { ("task.done", Some(creator)) } else { ("task.updated", None) };
    events::write(&mut tx, kind, OBJECT, id, Some(actor.user_id), target, json!({ "progress": progress, "status": status.as_str() })).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskChanges {
    pub title: String,
    pub description: String,
    pub due_at: Option<i64>,
    pub priority: Priority,
    pub assignee_id: i64,
}

/// Edits a task (title, description, due date, priority, assignee): its creator or whoever may
/// update it. A new assignee is told.
pub async fn edit(db: &Db, actor: &Actor, id: i64, c: &TaskChanges) -> DomainResult<()> {
    let title = clean_title(&c.title)?;
    let description = clean_description(&c.description)?;
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, id).await?;
    let before: i64 = sqlx::query("SELECT owner_id FROM tasks WHERE id = $1").bind(id).fetch_one(&mut *tx).await?.try_get("owner_id")?;
    let unit = assignee_unit(&mut tx, c.assignee_id).await?;
    sqlx::query("UPDATE tasks SET title = $2, description = $3, due_at = $4, priority = $5, owner_id = $6, unit_id = $7, \
                 reminded_at = NULL, updated_at = $8 WHERE id = $1")
        .bind(id)
        .bind(&title)
        .bind(&description)
        .bind(c.due_at)
        .bind(c.priority.as_str())
        .bind(c.assignee_id)
        .bind(unit)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    let (kind, target) = if before != c.assignee_id { ("task.assigned", Some(c.assignee_id)) } else { ("task.updated", None) };
    events::write(&mut tx, kind, OBJECT, id, Some(actor.user_id), target, json!({ "title": title })).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum View {
    /// Assigned to me.
    Mine,
    /// Assigned by me to others.
    AssignedByMe,
    /// Everything the actor's task scope reaches (a manager's units), besides their own.
    Team,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskQuery {
    /// Only open and in-progress tasks.
    pub open_only: bool,
    pub overdue_only: bool,
    /// Keyset: tasks with a smaller id.
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// A page of tasks, newest first.
pub async fn list(db: &Db, actor: &Actor, view: View, q: &TaskQuery) -> DomainResult<Vec<Task>> {
    let now = now_ms();
    let f = record_filter(actor, OBJECT, Action::Read, "t", 1, now);
    let n = f.next_param(1);
    let which = match view {
        View::Mine => format!("t.owner_id = ${n}"),
        View::AssignedByMe => format!("t.creator_id = ${n} AND t.owner_id <> ${n}"),
        View::Team => format!("t.owner_id <> ${n} AND t.creator_id <> ${n}"),
    };
    let mut sql = format!("{SELECT} WHERE {} AND {which} AND t.id < ${}", f.sql, n + 1);
    if q.open_only || q.overdue_only {
        sql.push_str(" AND t.status IN ('open', 'in_progress')");
    }
    if q.overdue_only {
        sql.push_str(&format!(" AND t.due_at IS NOT NULL AND t.due_at < ${}", n + 3));
    }
    sql.push_str(&format!(" ORDER BY t.id DESC LIMIT ${}", n + 2));
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        query = query.bind(*b);
    }
    query = query.bind(actor.user_id).bind(q.before_id.unwrap_or(i64::MAX)).bind(q.limit.clamp(1, 200));
    if q.overdue_only {
        query = query.bind(now);
    }
    let mut conn = db.pool().acquire().await?;
    let rows = query.fetch_all(&mut *conn).await?;
    let mut tasks = rows.iter().map(|r| task_from_row(r, now)).collect::<DomainResult<Vec<_>>>()?;
    attach_links(&mut conn, actor, &mut tasks).await?;
    Ok(tasks)
}

/// The tasks about one record that the actor may read (for the record's page).
pub async fn for_record(db: &Db, actor: &Actor, object: ObjectType, record_id: i64) -> DomainResult<Vec<Task>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, object, Action::Read, record_id).await?;
    let now = now_ms();
    let f = record_filter(actor, OBJECT, Action::Read, "t", 1, now);
    let n = f.next_param(1);
    let sql = format!("{SELECT} WHERE {} AND t.linked_object = ${n} AND t.linked_record_id = ${} ORDER BY t.id DESC LIMIT 100", f.sql, n + 1);
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        query = query.bind(*b);
    }
    let rows = query.bind(object.as_str()).bind(record_id).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| task_from_row(r, now)).collect()
}

/// The reminder job: tells the assignee of each open task that fell due, once per due date.
/// Running it again changes nothing.
pub async fn remind_due(db: &Db, now: i64) -> DomainResult<Vec<i64>> {
    let due: Vec<(i64, i64)> = sqlx::query(
        "SELECT id, owner_id FROM tasks WHERE status IN ('open', 'in_progress') AND due_at IS NOT NULL AND due_at <= $1 \
         AND reminded_at IS NULL ORDER BY id",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("owner_id")?)))
    .collect::<DomainResult<_>>()?;
    let mut reminded = Vec::new();
    for (id, owner) in due {
        let mut tx = db.begin_write().await?;
        // Only one of several instances running the job wins each reminder.
        let won = sqlx::query("UPDATE tasks SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL").bind(id).bind(now).execute(&mut *tx).await?.rows_affected();
        if won == 1 {
            events::write(&mut tx, "task.due", OBJECT, id, None, Some(owner), json!({})).await?;
            tx.commit().await?;
            reminded.push(id);
        }
    }
    Ok(reminded)
}
