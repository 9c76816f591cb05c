//! Tasks: my tasks, tasks I assigned, and (for managers) my units' tasks; assigning a task to
//! anyone in the group, reporting progress, overdue ones highlighted, a task's page with comments.
//! The lists follow live events without a reload.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};
use crate::live::use_live;
use crate::pages::comments::{AddComment, CommentDraft, CommentDto, Comments};

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TasksView {
    pub tasks: Vec<TaskDto>,
    pub people: Vec<(i64, String)>,
    pub can_create: bool,
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

#[cfg(feature = "ssr")]
async fn dtos(st: &crate::server::AppState, actor: &domain::policy::Actor, tasks: Vec<domain::tasks::Task>) -> Result<Vec<TaskDto>, AppError> {
    use domain::roles::{Action, ObjectType};
    let mut conn = st.db.pool().acquire().await.map_err(|e| crate::server::domain_err(e.into()))?;
    let mut out = Vec::new();
    for t in tasks {
        let can = domain::policy::decide_on(&mut conn, actor, ObjectType::Task, Action::Update, t.id).await.map_err(crate::server::domain_err)?.allowed;
        out.push(task_dto(t, can));
    }
    Ok(out)
}

#[server(endpoint = "tasks/list")]
pub async fn list_tasks(view: String, open_only: bool, overdue_only: bool) -> Result<TasksView, AppError> {
    use crate::server::{actor, domain_err};
    use domain::tasks::{list, TaskQuery, View};
    let (st, actor) = actor().await?;
    let v = match view.as_str() {
        "assigned" => View::AssignedByMe,
        "team" => View::Team,
        _ => View::Mine,
    };
    let tasks = list(&st.db, &actor, v, &TaskQuery { open_only, overdue_only, before_id: None, limit: 200 }).await.map_err(domain_err)?;
    let people = domain::org::directory(&st.db).await.map_err(domain_err)?.users;
    Ok(TasksView {
        tasks: dtos(&st, &actor, tasks).await?,
        people,
        can_create: actor.grants.can(domain::roles::ObjectType::Task, domain::roles::Action::Create),
    })
}

#[server(endpoint = "tasks/create")]
pub async fn create_task(title: String, description: String, assignee: i64, due: String, priority: String, object: String, record_id: Option<i64>) -> Result<i64, AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    use domain::tasks::{create, NewTask, Priority};
    let (st, actor) = actor().await?;
    let due_at = if due.trim().is_empty() {
        None
    } else {
        Some(domain::clock::end_of_day_ms(&due).ok_or_else(|| fail(AppError::Invalid { field: "due".into(), code: "format".into() }))?)
    };
    let linked = match (domain::roles::ObjectType::parse(&object), record_id) {
        (Some(o), Some(id)) => Some((o, id)),
        _ => None,
    };
    let priority = Priority::parse(&priority).unwrap_or(Priority::Normal);
    create(&st.db, &actor, &NewTask { title, description, assignee_id: assignee, due_at, priority, linked }).await.map_err(domain_err)
}

#[server(endpoint = "tasks/report")]
pub async fn report_task(id: i64, progress: i64, status: String) -> Result<(), AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let status = domain::tasks::Status::parse(&status).ok_or_else(|| fail(AppError::Invalid { field: "status".into(), code: "format".into() }))?;
    domain::tasks::report(&st.db, &actor, id, progress, status).await.map_err(domain_err)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskPageData {
    pub task: TaskDto,
    pub comments: Vec<CommentDto>,
}

#[server(endpoint = "tasks/page")]
pub async fn task_page(id: i64) -> Result<TaskPageData, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let task = domain::tasks::get(&st.db, &actor, id).await.map_err(domain_err)?;
    let task = dtos(&st, &actor, vec![task]).await?.remove(0);
    let comments = crate::pages::comments::comments_of(&st, &actor, domain::roles::ObjectType::Task, id).await?;
    Ok(TaskPageData { task, comments })
}

fn status_key(s: &str) -> &'static str {
    match s {
        "in_progress" => "task.in_progress",
        "done" => "task.done",
        "cancelled" => "task.cancelled",
        _ => "task.open",
    }
}

fn priority_key(p: &str) -> &'static str {
    match p {
        "low" => "task.low",
        "high" => "task.high",
        "urgent" => "task.urgent",
        _ => "task.normal",
    }
}

/// The form that assigns a task; on a record's page it is linked to that record.
#[component]
pub fn NewTaskForm(people: Vec<(i64, String)>, create: ServerAction<CreateTask>, #[prop(optional)] link: Option<(&'static str, i64)>) -> impl IntoView {
    let lang = use_lang();
    let (title, description, assignee, due, priority) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new("normal".to_string()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            title.set(String::new());
            description.set(String::new());
        }
    });
    view! {
        <details class="new-task" data-testid="new-task">
            <summary class="button secondary">{tr("task.new")}</summary>
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                let Ok(assignee) = assignee.get_untracked().parse() else { return };
                create.dispatch(CreateTask {
                    title: title.get_untracked(),
                    description: description.get_untracked(),
                    assignee,
                    due: due.get_untracked(),
                    priority: priority.get_untracked(),
                    object: link.map(|(o, _)| o.to_string()).unwrap_or_default(),
                    record_id: link.map(|(_, id)| id),
                });
            }>
                <label><span>{tr("task.title_field")}</span><input required bind:value=title data-testid="task-title"/></label>
                <label><span>{tr("task.assignee")}</span>
                    <select required bind:value=assignee data-testid="task-assignee">
                        <option value="">"—"</option>
                        {people.into_iter().map(|(id, n)| view! { <option value=id.to_string()>{n}</option> }).collect_view()}
                    </select></label>
                <label><span>{tr("task.due")}</span><input type="date" bind:value=due data-testid="task-due"/></label>
                <label><span>{tr("task.priority")}</span>
                    <select bind:value=priority data-testid="task-priority">
                        {["low", "normal", "high", "urgent"].into_iter().map(|p| view! { <option value=p>{move || t(lang.get(), priority_key(p))}</option> }).collect_view()}
                    </select></label>
                <label class="grow"><span>{tr("task.description")}</span><input bind:value=description/></label>
                <button type="submit" class="primary" data-testid="task-submit" disabled=move || create.pending().get()>{tr("task.assign")}</button>
            </form>
        </details>
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
    let due = task.due_at.map(crate::ui::format::format_day).unwrap_or_default();
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

#[component]
pub fn TasksPage() -> impl IntoView {
    let lang = use_lang();
    let view_name = RwSignal::new("mine".to_string());
    let open_only = RwSignal::new(true);
    let overdue_only = RwSignal::new(false);
    let create = ServerAction::<CreateTask>::new();
    let report = ServerAction::<ReportTask>::new();
    // A task event (assigned, done, due) reloads the list in place.
    let live_tick = RwSignal::new(0u32);
    if let Some(live) = use_live() {
        Effect::new(move |_| {
            if live.last.get().is_some_and(|e| e.object == "task") {
                live_tick.update(|n| *n += 1);
            }
        });
    }
    let data = Resource::new(
        move || (view_name.get(), open_only.get(), overdue_only.get(), create.version().get(), report.version().get(), live_tick.get()),
        |(v, open, overdue, ..)| list_tasks(v, open, overdue),
    );
    let errors = first_error(vec![error_of(create.value()), error_of(report.value())]);
    view! {
        <section class="tasks-page">
            <h1>{tr("nav.tasks")}</h1>
            <nav class="tabs" data-testid="task-tabs">
                {[("mine", "task.mine"), ("assigned", "task.assigned_by_me"), ("team", "task.team")].into_iter().map(|(v, key)| view! {
                    <button class="tab" class:active=move || view_name.get() == v data-view=v on:click=move |_| view_name.set(v.to_string())>
                        {move || t(lang.get(), key)}
                    </button>
                }).collect_view()}
            </nav>
            <div class="inline filters">
                <label class="check"><input type="checkbox" bind:checked=open_only data-testid="open-only"/>{tr("task.open_only")}</label>
                <label class="check"><input type="checkbox" bind:checked=overdue_only data-testid="overdue-only"/>{tr("task.overdue_only")}</label>
            </div>
            <ActionError error=errors/>
            <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Ok(v) => {
                            let can_create = v.can_create;
                            view! {
                                <Show when=move || can_create>
                                    <NewTaskForm people=v.people.clone() create/>
                                </Show>
                                <TaskTable tasks=v.tasks report/>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn TaskDetailPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let report = ServerAction::<ReportTask>::new();
    let comment = ServerAction::<AddComment>::new();
    let draft = RwSignal::new(String::new());
    provide_context(CommentDraft(draft));
    Effect::new(move |_| {
        if let Some(Ok(_)) = comment.value().get() {
            draft.set(String::new());
        }
    });
    let live_tick = RwSignal::new(0u32);
    if let Some(live) = use_live() {
        Effect::new(move |_| {
            if live.last.get().is_some_and(|e| e.object == "task" && e.record_id == id) {
                live_tick.update(|n| *n += 1);
            }
        });
    }
    let data = Resource::new(move || (report.version().get(), comment.version().get(), live_tick.get()), move |_| task_page(id));
    view! {
        <section class="task-detail">
            <ActionError error=error_of(report.value())/>
            <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <div class="forbidden" data-testid="task-missing"><h1>{tr("notfound.title")}</h1><p>{move || e.message(lang.get())}</p></div> }.into_any(),
                        Ok(p) => {
                            let task = p.task.clone();
                            view! {
                                <div class="page-head">
                                    <h1 data-testid="task-name">{task.title.clone()}</h1>
                                    <a href="/tasks" class="button secondary">{tr("nav.tasks")}</a>
                                </div>
                                <p class="task-description">{task.description.clone()}</p>
                                <TaskTable tasks=vec![task] report/>
                                <Comments object="task" record_id=id comments=p.comments add=comment/>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
