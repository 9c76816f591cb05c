//! The tasks page: my tasks, tasks I assigned, and (for managers, through the task scope of their
//! role) my units' tasks; only open or only overdue ones. The list follows live events without a
//! reload.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::tasks::words::{t, tr};
use crate::live::use_live;
use crate::tasks::form::{CreateTask, NewTaskForm};
use crate::tasks::table::{ReportTask, TaskDto, TaskTable};
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::loading::resource;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TasksView {
    pub tasks: Vec<TaskDto>,
    pub people: Vec<(i64, String)>,
    pub can_create: bool,
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
        tasks: crate::tasks::table::task_dtos(&st, &actor, tasks).await?,
        people,
        can_create: actor.grants.can(domain::roles::ObjectType::Task, domain::roles::Action::Create),
    })
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
    let data = resource(
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
