//! Assigning a task to anyone in the group, across departments, with a due date, priority and
//! description; on a record's page the task is linked to that record.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::tasks::words::{t, tr};
use crate::tasks::table::priority_key;

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
