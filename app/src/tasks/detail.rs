//! A task's page: the task with its progress, and its discussion. Follows live events about it.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::discussion::comments::{AddComment, CommentDraft, CommentDto, Comments};
use crate::error::AppError;
use crate::i18n::{tr, use_lang};
use crate::live::use_live;
use crate::tasks::table::{ReportTask, TaskDto, TaskTable};
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::loading::resource;

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
    let task = crate::tasks::table::task_dtos(&st, &actor, vec![task]).await?.remove(0);
    let comments = crate::discussion::comments::comments_of(&st, &actor, domain::roles::ObjectType::Task, id).await?;
    Ok(TaskPageData { task, comments })
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
    let data = resource(move || (report.version().get(), comment.version().get(), live_tick.get()), move |_| task_page(id));
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
