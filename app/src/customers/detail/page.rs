//! The customer page (360): loads everything about the customer in one call so the page hydrates
//! from one resource, owns the page's actions, and lays out the parts — fields, tags, contacts,
//! follow-ups and timeline, opportunities, tasks, the discussion, grades, notes, history, shares.
//! The page updates live; what is being typed survives (see [`Drafts`]).

use domain_types::customers::FieldChange;
use domain_types::opportunities::Opportunity;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::activity::contacts::AddContact;
use crate::activity::follow_ups::LogFollowUp;
use crate::activity::panel::{Activity, CustomerActivity};
use crate::customers::detail::fields::{Details, UpdateCustomer};
use crate::customers::detail::grades::{AssessCustomer, Grades, UnitGradesDto};
use crate::customers::detail::history::History;
use crate::customers::detail::notes::{AddCustomerNote, DeleteCustomerNote, NoteDto, Notes};
use crate::customers::detail::opportunities::Opportunities;
use crate::customers::detail::record::CustomerDetail;
use crate::customers::detail::shares::{RevokeShare, ShareCustomer, Shares, TransferCustomer};
use crate::customers::detail::tags::{SetCustomerTags, Tags};
use crate::discussion::comments::{AddComment, CommentDraft, CommentDto, Comments};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::customers::detail::words::tr;
use crate::pools::release::ReleaseCustomer;
use crate::tasks::form::{CreateTask, NewTaskForm};
use crate::tasks::table::{ReportTask, TaskDto, TaskTable};
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::drafts::Drafts;
use crate::ui::loading::resource;

/// Everything the customer page shows, loaded in one call so the page hydrates from one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer360 {
    pub detail: CustomerDetail,
    pub activity: Activity,
    pub directory: domain_types::org::Directory,
    pub history: Vec<FieldChange>,
    pub grades: Vec<UnitGradesDto>,
    pub notes: Vec<NoteDto>,
    /// The unit the user grades for.
    pub my_unit: String,
    pub tasks: Vec<TaskDto>,
    pub can_create_task: bool,
    pub comments: Vec<CommentDto>,
    pub opportunities: Vec<Opportunity>,
    pub contracts: Vec<domain_types::sales::ContractRow>,
    pub tickets: Vec<domain_types::service::TicketRow>,
}

#[server(endpoint = "customers/page")]
pub async fn customer_page(id: i64) -> Result<Customer360, AppError> {
    use crate::customers::detail::opportunities::opportunities_of;
    use crate::customers::detail::record::detail_of;
    use crate::server::domain_err;
    use domain::customers::{assessments, history, notes};
    use domain::roles::{Action, ObjectType};
    let (st, actor) = crate::server::actor().await?;
    let detail = detail_of(&st, &actor, id).await?;
    let activity = crate::activity::panel::activity_of(&st, &actor, id).await?;
    let d = domain::org::directory(&st.db).await.map_err(domain_err)?;
    let history = history::field_history(&st.db, &actor, id).await.map_err(domain_err)?;
    let grades = assessments::assessments(&st.db, &actor, id).await.map_err(domain_err)?;
    let notes = notes::notes(&st.db, &actor, id).await.map_err(domain_err)?;
    let my_unit = d.units.iter().find(|(u, _)| *u == actor.units[0]).map(|(_, n)| n.clone()).unwrap_or_default();
    let tasks = crate::tasks::table::tasks_of(&st, &actor, ObjectType::Customer, id).await?;
    let comments = crate::discussion::comments::comments_of(&st, &actor, ObjectType::Customer, id).await?;
    let opportunities = opportunities_of(&st, &actor, id).await?;
    let (contracts, tickets) = crate::customers::detail::deals::deals_of(&st, &actor, id).await?;
    Ok(Customer360 {
        detail,
        activity,
        directory: d,
        history,
        grades: grades.into_iter().map(|u| UnitGradesDto { unit: u.unit_name, current: u.current, earlier: u.earlier }).collect(),
        notes: notes
            .into_iter()
            .map(|n| NoteDto { id: n.id, mine: n.author_id == actor.user_id, author: n.author, body: n.body, private: n.private, at: n.created_at })
            .collect(),
        my_unit,
        tasks,
        can_create_task: actor.grants.can(ObjectType::Task, Action::Create),
        comments,
        opportunities,
        contracts,
        tickets,
    })
}

/// The org directory (users and units by name) on its own; the page loads it with the rest.
#[server(endpoint = "directory")]
pub async fn directory() -> Result<domain_types::org::Directory, AppError> {
    use crate::server::{actor, domain_err};
    let (st, _) = actor().await?;
    domain::org::directory(&st.db).await.map_err(domain_err)
}

#[component]
pub fn CustomerDetailPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    // Read once: a new customer address renders a new page (the source must not flip during
    // server rendering, or the page renders twice and hydration disagrees).
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let share = ServerAction::<ShareCustomer>::new();
    let unshare = ServerAction::<RevokeShare>::new();
    let transfer = ServerAction::<TransferCustomer>::new();
    let release = ServerAction::<ReleaseCustomer>::new();
    let add_contact = ServerAction::<AddContact>::new();
    let follow = ServerAction::<LogFollowUp>::new();
    let update = ServerAction::<UpdateCustomer>::new();
    let set_tags = ServerAction::<SetCustomerTags>::new();
    let assess = ServerAction::<AssessCustomer>::new();
    let add_note = ServerAction::<AddCustomerNote>::new();
    let delete_note = ServerAction::<DeleteCustomerNote>::new();
    let create_task = ServerAction::<CreateTask>::new();
    let report_task = ServerAction::<ReportTask>::new();
    let comment = ServerAction::<AddComment>::new();
    // What the user is typing lives here, outside the part that reloads, so a live update never
    // wipes it; an open edit form defers the update until it is saved or cancelled.
    let drafts = Drafts::new();
    provide_context(drafts);
    let comment_draft = RwSignal::new(String::new());
    provide_context(CommentDraft(comment_draft));
    Effect::new(move |_| {
        if let Some(Ok(_)) = comment.value().get() {
            comment_draft.set(String::new());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = follow.value().get() {
            drafts.follow_note.set(String::new());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = add_note.value().get() {
            drafts.note.set(String::new());
        }
    });
    let live_tick = RwSignal::new(0u32);
    let stale = RwSignal::new(false);
    let flash = RwSignal::new(false);
    if let Some(live) = crate::live::use_live() {
        Effect::new(move |_| {
            // A contract, ticket or opportunity event names its customer: a receipt on one of theirs shows here at once.
            let about_us = live.last.get().is_some_and(|e| {
                (e.object == "customer" && e.record_id == id)
                    || e.object == "task"
                    || (matches!(e.object.as_str(), "contract" | "ticket" | "opportunity") && e.data.customer_id == Some(id))
            });
            if about_us || live.reset.get() > 0 {
                if drafts.editing.get_untracked() {
                    stale.set(true);
                } else {
                    live_tick.update(|n| *n += 1);
                    flash.set(true);
                    set_timeout(move || flash.set(false), std::time::Duration::from_millis(1500));
                }
            }
        });
        Effect::new(move |_| {
            if !drafts.editing.get() && stale.get_untracked() {
                stale.set(false);
                live_tick.update(|n| *n += 1);
            }
        });
    }
    let versions = move || {
        [
            share.version().get(),
            unshare.version().get(),
            transfer.version().get(),
            release.version().get(),
            add_contact.version().get(),
            follow.version().get(),
            update.version().get(),
            set_tags.version().get(),
            assess.version().get(),
            add_note.version().get(),
            delete_note.version().get(),
            create_task.version().get(),
            report_task.version().get(),
            comment.version().get(),
            live_tick.get() as usize,
        ]
    };
    let customer = resource(versions, move |_| customer_page(id));
    let last_error = first_error(vec![
        error_of(share.value()),
        error_of(unshare.value()),
        error_of(transfer.value()),
        error_of(release.value()),
        error_of(add_contact.value()),
        error_of(follow.value()),
        error_of(update.value()),
        error_of(set_tags.value()),
        error_of(assess.value()),
        error_of(add_note.value()),
        error_of(delete_note.value()),
        error_of(create_task.value()),
        error_of(report_task.value()),
    ]);

    view! {
        <section class="customer-detail" class:flash=move || flash.get()>
            <Show when=move || stale.get()>
                <p class="notice" data-testid="changed-meanwhile">{tr("cust.changed_while_editing")}</p>
            </Show>
            <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    let page = match customer.await {
                        Ok(p) => p,
                        Err(e) => return view! {
                            <div class="forbidden" data-testid="customer-missing">
                                <h1>{tr("notfound.title")}</h1>
                                <p>{move || e.message(lang.get())}</p>
                            </div>
                        }.into_any(),
                    };
                    let c = page.detail.clone();
                    let cid = c.id;
                    view! {
                        <div class="page-head">
                            <h1 data-testid="customer-name">{c.name.clone()}</h1>
                            <leptos_router::components::A href="/customers" attr:class="button secondary">{tr("cust.back")}</leptos_router::components::A>
                        </div>
                        <ActionError error=last_error/>
                        <div class="c360">
                            <div class="c360-main">
                                <Details c=c.clone() update/>
                                <Tags c=c.clone() set_tags/>
                                <CustomerActivity id=cid can_update=c.can_update activity=page.activity.clone() add=add_contact follow/>
                                <Opportunities list=page.opportunities.clone()/>
                                <crate::customers::detail::deals::CustomerContracts list=page.contracts.clone()/>
                                <crate::customers::detail::deals::CustomerTickets list=page.tickets.clone()/>
                                <div class="card" data-testid="customer-tasks">
                                    <h2>{tr("nav.tasks")}</h2>
                                    {page.can_create_task.then(|| view! {
                                        <NewTaskForm people=page.directory.users.clone() create=create_task link=("customer", cid)/>
                                    })}
                                    <TaskTable tasks=page.tasks.clone() report=report_task/>
                                </div>
                                <Comments object="customer" record_id=cid comments=page.comments.clone() add=comment/>
                            </div>
                            <aside class="c360-side">
                                <Grades id=cid grades=page.grades.clone() my_unit=page.my_unit.clone() assess/>
                                <Notes id=cid notes=page.notes.clone() add=add_note delete=delete_note/>
                                <History id=cid history=page.history.clone()/>
                                <Shares c=c.clone() dir=page.directory.clone() share unshare release transfer/>
                            </aside>
                        </div>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}
