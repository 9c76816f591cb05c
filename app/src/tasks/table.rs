//! Tasks as other parts show them: the task table (title, people, due date with overdue ones
//! highlighted, priority, progress and status, reporting progress in place). The tasks pages and
//! the customer page show it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::tasks::words::{t, tr};
use crate::ui::format::format_day;

/// A task as the viewer sees it: the linked record as one (object, id, title) and whether they
/// may update it, which the domain's Task does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDto {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub assignee_id: i64,
    pub assignee: String,
    pub creator: String,
    pub due_at: Option<i64>,
    pub priority: String,
    pub progress: i64,
    pub status: String,
    pub link: Option<(String, i64, String)>,
    pub overdue: bool,
    pub can_update: bool,
}

#[cfg(feature = "ssr")]
pub fn task_dto(t: domain::tasks::Task, can_update: bool) -> TaskDto {
    TaskDto {
        link: match (t.linked_object, t.linked_record_id, t.linked_title) {
            (Some(o), Some(id), Some(title)) => Some((o, id, title)),
            _ => None,
        },
        id: t.id,
        title: t.title,
        description: t.description,
        assignee_id: t.assignee_id,
        assignee: t.assignee,
        creator: t.creator,
        due_at: t.due_at,
        priority: t.priority,
        progress: t.progress,
        status: t.status,
        overdue: t.overdue,
        can_update,
    }
}

/// Tasks as the viewer sees them, each with whether they may update it.
#[cfg(feature = "ssr")]
pub async fn task_dtos(st: &crate::server::AppState, actor: &domain::policy::Actor, tasks: Vec<domain::tasks::Task>) -> Result<Vec<TaskDto>, AppError> {
    use domain::roles::{Action, ObjectType};
    let mut conn = st.db.pool().acquire().await.map_err(|e| crate::server::domain_err(e.into()))?;
    let mut out = Vec::new();
    for t in tasks {
        let can = domain::policy::decide_on(&mut conn, actor, ObjectType::Task, Action::Update, t.id).await.map_err(crate::server::domain_err)?.allowed;
        out.push(task_dto(t, can));
    }
    Ok(out)
}

/// The tasks about one record (the record's page shows them).
#[cfg(feature = "ssr")]
pub async fn tasks_of(st: &crate::server::AppState, actor: &domain::policy::Actor, object: domain::roles::ObjectType, id: i64) -> Result<Vec<TaskDto>, AppError> {
    let tasks = domain::tasks::for_record(&st.db, actor, object, id).await.map_err(crate::server::domain_err)?;
    task_dtos(st, actor, tasks).await
}

#[server(endpoint = "tasks/report")]
pub async fn report_task(id: i64, progress: i64, status: String) -> Result<(), AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let status = domain::tasks::Status::parse(&status).ok_or_else(|| fail(AppError::Invalid { field: "status".into(), code: "format".into() }))?;
    domain::tasks::report(&st.db, &actor, id, progress, status).await.map_err(domain_err)
}

fn status_key(s: &str) -> &'static str {
    match s {
        "in_progress" => "task.in_progress",
        "done" => "task.done",
        "cancelled" => "task.cancelled",
        _ => "task.open",
    }
}

pub fn priority_key(p: &str) -> &'static str {
    match p {
        "low" => "task.low",
        "high" => "task.high",
        "urgent" => "task.urgent",
        _ => "task.normal",
    }
}

/// One task as a row: title, people, due date (overdue highlighted), progress and status.
#[component]
pub fn TaskLine(task: TaskDto, report: ServerAction<ReportTask>) -> impl IntoView {
    let lang = use_lang();
    let id = task.id;
    let progress = RwSignal::new(task.progress.to_string());
    let status = RwSignal::new(task.status.clone());
    let can = task.can_update;
    let (status_text, priority_text) = (status_key(&task.status), priority_key(&task.priority));
    let due = task.due_at.map(format_day).unwrap_or_default();
    let pct = task.progress;
    view! {
        <tr data-testid="task-row" data-id=id.to_string() class:overdue=task.overdue class:done=task.status == "done">
            <td class="name" data-label=move || t(lang.get(), "task.title_field")>
                <a href=format!("/tasks/{id}")>{task.title.clone()}</a>
                {task.link.clone().map(|(o, rid, title)| view! {
                    <span class="muted small">" · "<a href=crate::live::record_href(&o, rid).unwrap_or_default()>{title}</a></span>
                })}
            </td>
            <td data-label=move || t(lang.get(), "task.assignee")>{task.assignee.clone()}<span class="muted small">" ← "{task.creator.clone()}</span></td>
            <td data-label=move || t(lang.get(), "task.due") data-testid="task-due-cell">{due}
                {task.overdue.then(|| view! { <span class="badge overdue-badge">{move || t(lang.get(), "task.overdue")}</span> })}</td>
            <td data-label=move || t(lang.get(), "task.priority")><span class=format!("badge prio-{}", task.priority)>{move || t(lang.get(), priority_text)}</span></td>
            <td data-label=move || t(lang.get(), "task.progress")>
                <div class="progress"><div class="bar" style=format!("width:{pct}%")></div></div>
                <span class="small" data-testid="task-status">{move || t(lang.get(), status_text)}" · "{pct}"%"</span>
            </td>
            <td class="row-actions">
                <Show when=move || can>
                    <form class="inline" on:submit=move |ev| {
                        ev.prevent_default();
                        report.dispatch(ReportTask { id, progress: progress.get_untracked().parse().unwrap_or(-1), status: status.get_untracked() });
                    }>
                        <select bind:value=progress data-testid="task-progress">
                            {[0, 25, 50, 75, 100].into_iter().map(|p| view! { <option value=p.to_string()>{format!("{p}%")}</option> }).collect_view()}
                        </select>
                        <select bind:value=status data-testid="task-status-pick">
                            {["open", "in_progress", "done", "cancelled"].into_iter().map(|s| view! { <option value=s>{move || t(lang.get(), status_key(s))}</option> }).collect_view()}
                        </select>
                        <button type="submit" class="secondary small-button" data-testid="task-report">{tr("admin.save")}</button>
                    </form>
                </Show>
            </td>
        </tr>
    }
}

#[component]
pub fn TaskTable(tasks: Vec<TaskDto>, report: ServerAction<ReportTask>) -> impl IntoView {
    let none = tasks.is_empty();
    view! {
        <Show when=move || none><p class="empty" data-testid="no-tasks">{tr("task.none")}</p></Show>
        <table class="records tasks" class:hidden=none data-testid="task-list">
            <thead><tr>
                <th>{tr("task.title_field")}</th><th>{tr("task.assignee")}</th><th>{tr("task.due")}</th>
                <th>{tr("task.priority")}</th><th>{tr("task.progress")}</th><th></th>
            </tr></thead>
            <tbody>{tasks.into_iter().map(|task| view! { <TaskLine task report/> }).collect_view()}</tbody>
        </table>
    }
}
