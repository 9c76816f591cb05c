//! One customer, all around (customer 360): its fields as the user may see and edit them, tags,
//! contacts, follow-ups and the timeline, each unit's assessment side by side, private and shared
//! notes, field history with the customer as of a date, and its shares. Owners and managers share
//! it, revoke shares, release it to the pool and transfer it, each as far as the policy allows.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::drafts::Drafts;
use crate::ui::fields::column_key;
use crate::ui::format::{format_day, format_money};

pub use domain_types::customers::{Assessment as GradeDto, FieldChange as ChangeDto};
pub use domain_types::opportunities::Opportunity as OpportunityDto;
pub use domain_types::org::Directory as DirectoryDto;

/// A share as the page lists it: the grantee by name and whether it is a unit (the domain's Share
/// carries the grantee's id, the record and who made it, which the page does not show).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareDto {
    pub id: i64,
    pub grantee: String,
    pub to_unit: bool,
    pub access: String,
    pub expires_at: Option<i64>,
}

/// One field as the user may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDto {
    pub name: String,
    pub value: String,
    pub editable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub id: i64,
    pub name: String,
    /// Readable fields in display order (the name is not among them).
    pub fields: Vec<FieldDto>,
    pub name_editable: bool,
    /// None when the user may not read tags.
    pub tags: Option<Vec<String>>,
    pub can_edit_tags: bool,
    pub owner_name: Option<String>,
    pub unit_name: String,
    pub updated_at: i64,
    pub can_update: bool,
    pub can_share: bool,
    pub can_assign: bool,
    /// Owner or assigner of a held customer: may return it to the pool.
    pub can_release: bool,
    pub shares: Vec<ShareDto>,
}

/// One unit's grades; the domain's UnitAssessments under the names the grades view uses (`unit`
/// for the unit's name, no id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitGradesDto {
    pub unit: String,
    pub current: GradeDto,
    pub earlier: Vec<GradeDto>,
}

/// A note as the viewer sees it: `mine` says whether they wrote it (and may delete it), instead of
/// the author's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteDto {
    pub id: i64,
    pub author: String,
    pub mine: bool,
    pub body: String,
    pub private: bool,
    pub at: i64,
}

/// Everything the customer page shows, loaded in one call so the page hydrates from one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer360 {
    pub detail: CustomerDetail,
    pub activity: crate::activity::panel::Activity,
    pub directory: DirectoryDto,
    pub history: Vec<ChangeDto>,
    pub grades: Vec<UnitGradesDto>,
    pub notes: Vec<NoteDto>,
    /// The unit the user grades for.
    pub my_unit: String,
    pub tasks: Vec<crate::tasks::table::TaskDto>,
    pub can_create_task: bool,
    pub comments: Vec<crate::discussion::comments::CommentDto>,
    pub opportunities: Vec<OpportunityDto>,
}

/// The customer fields in display order.
#[cfg(feature = "ssr")]
const FIELDS: &[&str] = &["kind", "level", "industry", "province", "city", "address", "phone", "source", "status"];

#[cfg(feature = "ssr")]
fn fields_of(actor: &domain::policy::Actor, c: &domain::customers::CustomerView, can_update: bool) -> Vec<FieldDto> {
    use domain::policy::FieldAccess;
    use domain::roles::ObjectType;
    FIELDS
        .iter()
        .filter_map(|f| {
            let value = match *f {
                "kind" => c.kind.clone(),
                "level" => c.level.clone(),
                "industry" => c.industry.clone(),
                "province" => c.province.clone(),
                "city" => c.city.clone(),
                "address" => c.address.clone(),
                "phone" => c.phone.clone(),
                "source" => c.source.clone(),
                _ => c.status.clone(),
            }?;
            let editable = can_update && actor.fields.access(ObjectType::Customer, f) == FieldAccess::Edit;
            Some(FieldDto { name: f.to_string(), value, editable })
        })
        .collect()
}

/// The customer as the actor may see it. Takes the state and actor read at the start of the
/// request: no request context is needed after the first await.
#[cfg(feature = "ssr")]
async fn detail_of(st: &crate::server::AppState, actor: &domain::policy::Actor, id: i64) -> Result<CustomerDetail, AppError> {
    use crate::server::domain_err;
    use domain::policy::FieldAccess;
    use domain::roles::ObjectType;
    let c = domain::customers::get(&st.db, actor, id).await.map_err(domain_err)?;
    let rights = domain::policy::rights_on(&st.db, actor, ObjectType::Customer, id).await.map_err(domain_err)?;
    let shares = domain::sharing::list(&st.db, actor, ObjectType::Customer, id).await.map_err(domain_err)?;
    let edit = |f: &str| rights.update && actor.fields.access(ObjectType::Customer, f) == FieldAccess::Edit;
    Ok(CustomerDetail {
        id: c.id,
        fields: fields_of(actor, &c, rights.update),
        name_editable: edit("name"),
        can_edit_tags: c.tags.is_some() && edit("tags"),
        tags: c.tags,
        name: c.name,
        owner_name: c.owner_name,
        unit_name: c.unit_name,
        updated_at: c.updated_at,
        can_update: rights.update,
        can_share: rights.share,
        can_assign: rights.assign,
        can_release: rights.release,
        shares: shares
            .into_iter()
            .map(|s| ShareDto {
                id: s.id,
                grantee: s.grantee_name,
                to_unit: matches!(s.grantee, domain::sharing::Grantee::Unit(_)),
                access: s.access,
                expires_at: s.expires_at,
            })
            .collect(),
    })
}

#[server(endpoint = "customers/get")]
pub async fn get_customer(id: i64) -> Result<CustomerDetail, AppError> {
    let (st, actor) = crate::server::actor().await?;
    detail_of(&st, &actor, id).await
}

#[server(endpoint = "customers/page")]
pub async fn customer_page(id: i64) -> Result<Customer360, AppError> {
    use crate::server::domain_err;
    use domain::customers::{assessments, history, notes};
    let (st, actor) = crate::server::actor().await?;
    let detail = detail_of(&st, &actor, id).await?;
    let activity = crate::activity::panel::activity_of(&st, &actor, id).await?;
    let d = domain::org::directory(&st.db).await.map_err(domain_err)?;
    let history = history::field_history(&st.db, &actor, id).await.map_err(domain_err)?;
    let grades = assessments::assessments(&st.db, &actor, id).await.map_err(domain_err)?;
    let notes = notes::notes(&st.db, &actor, id).await.map_err(domain_err)?;
    let my_unit = d.units.iter().find(|(u, _)| *u == actor.units[0]).map(|(_, n)| n.clone()).unwrap_or_default();
    use domain::roles::{Action, ObjectType};
    let tasks = domain::tasks::for_record(&st.db, &actor, ObjectType::Customer, id).await.map_err(domain_err)?;
    let mut task_dtos = Vec::new();
    {
        let mut conn = st.db.pool().acquire().await.map_err(|e| domain_err(e.into()))?;
        for t in tasks {
            let can = domain::policy::decide_on(&mut conn, &actor, ObjectType::Task, Action::Update, t.id).await.map_err(domain_err)?.allowed;
            task_dtos.push(crate::tasks::table::task_dto(t, can));
        }
    }
    let comments = crate::discussion::comments::comments_of(&st, &actor, ObjectType::Customer, id).await?;
    let opportunities = opportunities_of(&st, &actor, id).await?;
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
        tasks: task_dtos,
        can_create_task: actor.grants.can(ObjectType::Task, Action::Create),
        comments,
        opportunities,
    })
}

/// The customer's opportunities, for those whose roles let them read opportunities (others see
/// no such section).
#[cfg(feature = "ssr")]
async fn opportunities_of(st: &crate::server::AppState, actor: &domain::policy::Actor, customer: i64) -> Result<Vec<OpportunityDto>, AppError> {
    match domain::opportunities::list_for_customer(&st.db, actor, customer).await {
        Ok(list) => Ok(list),
        Err(domain::DomainError::Forbidden) => Ok(vec![]),
        Err(e) => Err(crate::server::domain_err(e)),
    }
}

#[server(endpoint = "directory")]
pub async fn directory() -> Result<DirectoryDto, AppError> {
    use crate::server::{actor, domain_err};
    let (st, _) = actor().await?;
    domain::org::directory(&st.db).await.map_err(domain_err)
}

#[server(endpoint = "customers/update", input = leptos::server_fn::codec::Json)]
pub async fn update_customer(id: i64, changes: BTreeMap<String, String>, seen_updated_at: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::customers::update_checked(&st.db, &actor, id, &changes, Some(seen_updated_at)).await.map_err(domain_err)
}

#[server(endpoint = "customers/tags")]
pub async fn set_customer_tags(id: i64, tags: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let tags: Vec<String> = tags.split([',', '，', ' ', '、']).map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
    domain::customers::tags::set_tags(&st.db, &actor, id, &tags).await.map_err(domain_err)
}

/// The customer's readable fields at the end of a UTC date.
#[server(endpoint = "customers/as_of")]
pub async fn customer_as_of(id: i64, date: String) -> Result<(String, Vec<FieldDto>, Option<Vec<String>>), AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let at = domain::clock::end_of_day_ms(&date).ok_or_else(|| fail(AppError::Invalid { field: "date".into(), code: "format".into() }))?;
    let c = domain::customers::history::as_of(&st.db, &actor, id, at).await.map_err(domain_err)?;
    Ok((c.name.clone(), fields_of(&actor, &c, false), c.tags))
}

#[server(endpoint = "customers/assess")]
pub async fn assess_customer(id: i64, grade: String, comment: String) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::customers::assessments::assess(&st.db, &actor, id, &grade, &comment).await.map_err(domain_err)
}

#[server(endpoint = "customers/notes/add")]
pub async fn add_customer_note(id: i64, body: String, private: bool) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::customers::notes::add_note(&st.db, &actor, id, &body, private).await.map_err(domain_err)
}

#[server(endpoint = "customers/notes/delete")]
pub async fn delete_customer_note(note_id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::customers::notes::delete_note(&st.db, &actor, note_id).await.map_err(domain_err)
}

#[server(endpoint = "customers/share")]
pub async fn share_customer(id: i64, grantee: String, access: String, until: String) -> Result<i64, AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    use domain::sharing::{Grantee, ShareAccess};
    let (st, actor) = actor().await?;
    let invalid = |field: &str| fail(AppError::Invalid { field: field.into(), code: "format".into() });
    let grantee = match grantee.split_once(':') {
        Some(("user", id)) => Grantee::User(id.parse().map_err(|_| invalid("grantee"))?),
        Some(("unit", id)) => Grantee::Unit(id.parse().map_err(|_| invalid("grantee"))?),
        _ => return Err(invalid("grantee")),
    };
    let access = if access == "edit" { ShareAccess::Edit } else { ShareAccess::Read };
    let expires_at = if until.trim().is_empty() {
        None
    } else {
        Some(domain::clock::end_of_day_ms(&until).ok_or_else(|| invalid("until"))?)
    };
    domain::sharing::share(&st.db, &actor, domain::roles::ObjectType::Customer, id, grantee, access, expires_at)
        .await
        .map_err(domain_err)
}

#[server(endpoint = "customers/unshare")]
pub async fn revoke_share(share_id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sharing::revoke(&st.db, &actor, share_id).await.map_err(domain_err)
}

#[server(endpoint = "customers/transfer")]
pub async fn transfer_customer(id: i64, owner: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sharing::transfer(&st.db, &actor, domain::roles::ObjectType::Customer, id, owner, None).await.map_err(domain_err)
}

/// A field's value for people: codes become words.
fn shown_value(lang: crate::i18n::Lang, field: &str, value: &str) -> String {
    match (field, value) {
        ("kind", "company") => t(lang, "cust.kind_company").into(),
        ("kind", "person") => t(lang, "cust.kind_person").into(),
        ("status", "active") => t(lang, "cust.status_active").into(),
        ("status", "inactive") => t(lang, "cust.status_inactive").into(),
        _ => value.to_string(),
    }
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
    let release = ServerAction::<crate::pools::release::ReleaseCustomer>::new();
    let add_contact = ServerAction::<crate::activity::contacts::AddContact>::new();
    let follow = ServerAction::<crate::activity::follow_ups::LogFollowUp>::new();
    let update = ServerAction::<UpdateCustomer>::new();
    let set_tags = ServerAction::<SetCustomerTags>::new();
    let assess = ServerAction::<AssessCustomer>::new();
    let add_note = ServerAction::<AddCustomerNote>::new();
    let delete_note = ServerAction::<DeleteCustomerNote>::new();
    let create_task = ServerAction::<crate::tasks::form::CreateTask>::new();
    let report_task = ServerAction::<crate::tasks::table::ReportTask>::new();
    let comment = ServerAction::<crate::discussion::comments::AddComment>::new();
    // What the user is typing lives here, outside the part that reloads, so a live update never
    // wipes it; an open edit form defers the update until it is saved or cancelled.
    let drafts = Drafts { follow_note: RwSignal::new(String::new()), note: RwSignal::new(String::new()), editing: RwSignal::new(false) };
    provide_context(drafts);
    let comment_draft = RwSignal::new(String::new());
    provide_context(crate::discussion::comments::CommentDraft(comment_draft));
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
            let about_us = live.last.get().is_some_and(|e| (e.object == "customer" && e.record_id == id) || e.object == "task");
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
    let customer = Resource::new(versions, move |_| customer_page(id));
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
                                <crate::activity::panel::CustomerActivity id=cid can_update=c.can_update activity=page.activity.clone() add=add_contact follow/>
                                <Opportunities list=page.opportunities.clone()/>
                                <div class="card" data-testid="customer-tasks">
                                    <h2>{tr("nav.tasks")}</h2>
                                    {page.can_create_task.then(|| view! {
                                        <crate::tasks::form::NewTaskForm people=page.directory.users.clone() create=create_task link=("customer", cid)/>
                                    })}
                                    <crate::tasks::table::TaskTable tasks=page.tasks.clone() report=report_task/>
                                </div>
                                <crate::discussion::comments::Comments object="customer" record_id=cid comments=page.comments.clone() add=comment/>
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

/// The customer's fields; those the user may edit can be changed in place.
#[component]
fn Details(c: CustomerDetail, update: ServerAction<UpdateCustomer>) -> impl IntoView {
    let lang = use_lang();
    let editing = expect_context::<Drafts>().editing;
    let any_editable = c.name_editable || c.fields.iter().any(|f| f.editable);
    let draft = RwSignal::new(
        c.fields.iter().filter(|f| f.editable).map(|f| (f.name.clone(), f.value.clone())).chain(c.name_editable.then(|| ("name".to_string(), c.name.clone()))).collect::<BTreeMap<_, _>>(),
    );
    let original = draft.get_untracked();
    let (cid, seen) = (c.id, c.updated_at);
    let editable_fields: Vec<FieldDto> = c.fields.iter().filter(|f| f.editable).cloned().collect();
    let name_editable = c.name_editable;
    view! {
        <div class="card">
            <div class="card-head">
                <h2>{tr("cust.details")}</h2>
                <Show when=move || any_editable && !editing.get()>
                    <button class="link" data-testid="edit-customer" on:click=move |_| editing.set(true)>{tr("admin.edit")}</button>
                </Show>
            </div>
            <Show when=move || !editing.get()>
                <dl class="fields" data-testid="customer-fields">
                    <dt>{tr("cust.owner")}</dt>
                    <dd data-testid="customer-owner">{
                        let owner = c.owner_name.clone();
                        move || owner.clone().unwrap_or_else(|| t(lang.get(), "cust.pool").to_string())
                    }</dd>
                    <dt>{tr("cust.unit")}</dt>
                    <dd>{c.unit_name.clone()}</dd>
                    {c.fields.iter().map(|f| {
                        let key = column_key(&f.name);
                        let (name, value) = (f.name.clone(), f.value.clone());
                        view! { <dt>{move || t(lang.get(), key)}</dt><dd data-field=f.name.clone()>{move || shown_value(lang.get(), &name, &value)}</dd> }
                    }).collect_view()}
                </dl>
            </Show>
            <Show when=move || editing.get()>
                <form class="inline-form stacked" data-testid="edit-form" on:submit={
                    let original = original.clone();
                    move |ev| {
                        ev.prevent_default();
                        let changes: BTreeMap<String, String> = draft.get_untracked().into_iter().filter(|(k, v)| original.get(k) != Some(v)).collect();
                        if !changes.is_empty() {
                            update.dispatch(UpdateCustomer { id: cid, changes, seen_updated_at: seen });
                        }
                        editing.set(false);
                    }
                }>
                    <Show when=move || name_editable>
                        <label><span>{tr("cust.name")}</span>
                            <input data-testid="edit-name" prop:value=move || draft.get().get("name").cloned().unwrap_or_default()
                                on:input=move |ev| draft.update(|d| { d.insert("name".into(), event_target_value(&ev)); })/></label>
                    </Show>
                    {editable_fields.iter().map(|f| {
                        let key = column_key(&f.name);
                        let name = f.name.clone();
                        let n2 = name.clone();
                        let value = move || draft.get().get(&n2).cloned().unwrap_or_default();
                        let setter = { let name = name.clone(); move |v: String| draft.update(|d| { d.insert(name.clone(), v); }) };
                        let choices: Option<Vec<(&'static str, &'static str)>> = match name.as_str() {
                            "level" => Some(vec![("A", ""), ("B", ""), ("C", ""), ("D", "")]),
                            "kind" => Some(vec![("company", "cust.kind_company"), ("person", "cust.kind_person")]),
                            "status" => Some(vec![("active", "cust.status_active"), ("inactive", "cust.status_inactive")]),
                            _ => None,
                        };
                        let testid = format!("edit-{name}");
                        match choices {
                            Some(options) => view! {
                                <label><span>{move || t(lang.get(), key)}</span>
                                    <select data-testid=testid on:change=move |ev| setter(event_target_value(&ev))>
                                        {options.into_iter().map(|(v, label)| {
                                            let current = value.clone();
                                            view! { <option value=v selected=move || current() == v>{move || if label.is_empty() { v.to_string() } else { t(lang.get(), label).to_string() }}</option> }
                                        }).collect_view()}
                                    </select></label>
                            }.into_any(),
                            None => view! {
                                <label><span>{move || t(lang.get(), key)}</span>
                                    <input data-testid=testid prop:value=value on:input=move |ev| setter(event_target_value(&ev))/></label>
                            }.into_any(),
                        }
                    }).collect_view()}
                    <div class="buttons">
                        <button type="submit" class="primary" data-testid="save-customer">{tr("admin.save")}</button>
                        <button type="button" class="secondary" on:click=move |_| editing.set(false)>{tr("admin.cancel")}</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}

#[component]
fn Tags(c: CustomerDetail, set_tags: ServerAction<SetCustomerTags>) -> impl IntoView {
    let Some(tags) = c.tags.clone() else { return ().into_any() };
    let text = RwSignal::new(tags.join(", "));
    let can_edit = c.can_edit_tags;
    let cid = c.id;
    let no_tags = tags.is_empty();
    view! {
        <div class="card tags-card">
            <h2>{tr("cust.tags")}</h2>
            <p class="chips" data-testid="customer-tags">
                {tags.into_iter().map(|t| view! { <span class="chip">{t}</span> }).collect_view()}
                <Show when=move || no_tags><span class="muted">{tr("cust.no_tags")}</span></Show>
            </p>
            <Show when=move || can_edit>
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    set_tags.dispatch(SetCustomerTags { id: cid, tags: text.get_untracked() });
                }>
                    <input bind:value=text data-testid="tags-input" placeholder="重点, VIP"/>
                    <button type="submit" class="secondary" data-testid="tags-save">{tr("admin.save")}</button>
                </form>
            </Show>
        </div>
    }
    .into_any()
}

/// Each unit's grade of the customer side by side; the user grades for their own unit.
#[component]
fn Grades(id: i64, grades: Vec<UnitGradesDto>, my_unit: String, assess: ServerAction<AssessCustomer>) -> impl IntoView {
    let lang = use_lang();
    let grade = RwSignal::new("B".to_string());
    let comment = RwSignal::new(String::new());
    let none = grades.is_empty();
    view! {
        <div class="card">
            <h2>{tr("grade.title")}</h2>
            <Show when=move || none><p class="empty">{tr("grade.none")}</p></Show>
            <div class="grades" data-testid="grades">
                {grades.into_iter().map(|u| view! {
                    <div class="grade" data-testid="grade" data-unit=u.unit.clone()>
                        <div class="grade-head"><span class="grade-letter">{u.current.grade.clone()}</span><strong>{u.unit.clone()}</strong></div>
                        <p>{u.current.comment.clone()}</p>
                        <p class="muted small">{u.current.author.clone()}" · "{format_day(u.current.at)}</p>
                        {(!u.earlier.is_empty()).then(|| view! {
                            <details class="small">
                                <summary>{move || t(lang.get(), "grade.earlier")}</summary>
                                <ul>
                                    {u.earlier.iter().map(|g| view! { <li>{g.grade.clone()}" · "{g.author.clone()}" · "{format_day(g.at)}" "{g.comment.clone()}</li> }).collect_view()}
                                </ul>
                            </details>
                        })}
                    </div>
                }).collect_view()}
            </div>
            <form class="inline" data-testid="grade-form" on:submit=move |ev| {
                ev.prevent_default();
                assess.dispatch(AssessCustomer { id, grade: grade.get_untracked(), comment: comment.get_untracked() });
                comment.set(String::new());
            }>
                <span class="muted small">{move || t(lang.get(), "grade.for").replace("{unit}", &my_unit)}</span>
                <select bind:value=grade data-testid="grade-value">
                    {["A", "B", "C", "D"].into_iter().map(|g| view! { <option value=g>{g}</option> }).collect_view()}
                </select>
                <input bind:value=comment placeholder=move || t(lang.get(), "grade.comment") data-testid="grade-comment"/>
                <button type="submit" class="secondary" data-testid="grade-submit">{tr("grade.add")}</button>
            </form>
        </div>
    }
}

#[component]
fn Notes(id: i64, notes: Vec<NoteDto>, add: ServerAction<AddCustomerNote>, delete: ServerAction<DeleteCustomerNote>) -> impl IntoView {
    let lang = use_lang();
    let body = expect_context::<Drafts>().note;
    let private = RwSignal::new(false);
    view! {
        <div class="card">
            <h2>{tr("note.title")}</h2>
            <form class="note-form" data-testid="note-form" on:submit=move |ev| {
                ev.prevent_default();
                add.dispatch(AddCustomerNote { id, body: body.get_untracked(), private: private.get_untracked() });
            }>
                <textarea rows="2" bind:value=body required data-testid="note-body" placeholder=move || t(lang.get(), "note.placeholder")></textarea>
                <label class="check"><input type="checkbox" bind:checked=private data-testid="note-private"/>{tr("note.private")}</label>
                <button type="submit" class="secondary" data-testid="note-submit">{tr("note.add")}</button>
            </form>
            <ul class="notes" data-testid="notes">
                {notes.into_iter().map(|n| {
                    let nid = n.id;
                    view! {
                        <li data-testid="note" class:private=n.private>
                            <p>{n.body.clone()}</p>
                            <p class="muted small">
                                {n.author.clone()}" · "{format_day(n.at)}
                                {n.private.then(|| view! { <span class="badge">{move || t(lang.get(), "note.private_badge")}</span> })}
                                {n.mine.then(|| view! {
                                    <button class="link danger" data-testid="note-delete" on:click=move |_| { delete.dispatch(DeleteCustomerNote { note_id: nid }); }>
                                        {move || t(lang.get(), "note.delete")}
                                    </button>
                                })}
                            </p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// Who changed which field, and the customer as it was on a chosen date.
#[component]
fn History(id: i64, history: Vec<ChangeDto>) -> impl IntoView {
    let lang = use_lang();
    let date = RwSignal::new(String::new());
    let as_of = Action::new(move |d: &String| {
        let d = d.clone();
        async move { customer_as_of(id, d).await }
    });
    let none = history.is_empty();
    view! {
        <div class="card">
            <h2>{tr("hist.title")}</h2>
            <Show when=move || none><p class="empty">{tr("hist.none")}</p></Show>
            <table class="records compact" data-testid="field-history">
                <tbody>
                    {history.into_iter().map(|h| {
                        let key = column_key(&h.field);
                        view! {
                            <tr data-testid="change" data-field=h.field.clone()>
                                <td data-label=move || t(lang.get(), "admin.when")>{format_day(h.at)}</td>
                                <td data-label=move || t(lang.get(), "admin.who")>{h.who.clone()}</td>
                                <td data-label=move || t(lang.get(), "admin.field")>{move || t(lang.get(), key)}</td>
                                <td data-label=move || t(lang.get(), "admin.before")><s>{h.old.clone()}</s>" → "{h.new.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <form class="inline" on:submit=move |ev| {
                ev.prevent_default();
                as_of.dispatch(date.get_untracked());
            }>
                <label><span class="muted small">{tr("hist.as_of")}</span><input type="date" bind:value=date required data-testid="as-of-date"/></label>
                <button type="submit" class="secondary" data-testid="as-of-go">{tr("hist.show")}</button>
            </form>
            {move || as_of.value().get().map(|r| match r {
                Ok((name, fields, tags)) => view! {
                    <dl class="fields as-of" data-testid="as-of">
                        <dt>{move || t(lang.get(), "cust.name")}</dt><dd>{name.clone()}</dd>
                        {fields.iter().map(|f| {
                            let key = column_key(&f.name);
                            let (n, v) = (f.name.clone(), f.value.clone());
                            view! { <dt>{move || t(lang.get(), key)}</dt><dd data-field=f.name.clone()>{move || shown_value(lang.get(), &n, &v)}</dd> }
                        }).collect_view()}
                        {tags.clone().map(|tg| view! { <dt>{move || t(lang.get(), "cust.tags")}</dt><dd>{tg.join("、")}</dd> })}
                    </dl>
                }.into_any(),
                Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
            })}
        </div>
    }
}

/// Shares and collaborators, release to the pool, transfer to another owner.
#[component]
fn Shares(
    c: CustomerDetail,
    dir: DirectoryDto,
    share: ServerAction<ShareCustomer>,
    unshare: ServerAction<RevokeShare>,
    release: ServerAction<crate::pools::release::ReleaseCustomer>,
    transfer: ServerAction<TransferCustomer>,
) -> impl IntoView {
    let lang = use_lang();
    let cid = c.id;
    let (can_share, can_assign, can_release) = (c.can_share, c.can_assign, c.can_release);
    let grantee = RwSignal::new(String::new());
    let access = RwSignal::new("read".to_string());
    let until = RwSignal::new(String::new());
    let new_owner = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let owner_choices = dir.users.clone();
    view! {
        <div class="card">
            <h2>{tr("share.title")}</h2>
            <ul class="shares" data-testid="shares">
                {c.shares.iter().map(|s| {
                    let sid = s.id;
                    let label = s.grantee.clone();
                    let acc = s.access.clone();
                    let until = s.expires_at.map(crate::ui::format::format_utc);
                    view! {
                        <li data-testid="share">
                            <span>{label}</span>
                            <span class="badge">{move || t(lang.get(), if acc == "edit" { "share.edit" } else { "share.read" })}</span>
                            {until.map(|u| view! { <span class="muted small">" · "{move || t(lang.get(), "share.until")}" "{u.clone()}</span> })}
                            <Show when=move || can_share>
                                <button class="link danger" data-testid="unshare" on:click=move |_| { unshare.dispatch(RevokeShare { share_id: sid }); }>
                                    {tr("share.revoke")}
                                </button>
                            </Show>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || can_share>
                <form class="inline-form" data-testid="share-form" on:submit=move |ev| {
                    ev.prevent_default();
                    share.dispatch(ShareCustomer { id: cid, grantee: grantee.get_untracked(), access: access.get_untracked(), until: until.get_untracked() });
                }>
                    <label>
                        <span>{tr("share.with")}</span>
                        <select bind:value=grantee required data-testid="share-grantee">
                            <option value="">"—"</option>
                            <optgroup label=move || t(lang.get(), "admin.users")>
                                {dir.users.iter().map(|(id, n)| view! { <option value=format!("user:{id}")>{n.clone()}</option> }).collect_view()}
                            </optgroup>
                            <optgroup label=move || t(lang.get(), "admin.org")>
                                {dir.units.iter().map(|(id, n)| view! { <option value=format!("unit:{id}")>{n.clone()}</option> }).collect_view()}
                            </optgroup>
                        </select>
                    </label>
                    <label>
                        <span>{tr("share.access")}</span>
                        <select bind:value=access data-testid="share-access">
                            <option value="read">{tr("share.read")}</option>
                            <option value="edit">{tr("share.edit")}</option>
                        </select>
                    </label>
                    <label>
                        <span>{tr("share.until")}</span>
                        <input type="date" bind:value=until data-testid="share-until"/>
                    </label>
                    <button type="submit" class="primary" data-testid="share-submit">{tr("share.add")}</button>
                </form>
            </Show>
            <Show when=move || can_release>
                <form class="inline-form" data-testid="release-form" on:submit=move |ev| {
                    ev.prevent_default();
                    release.dispatch(crate::pools::release::ReleaseCustomer { id: cid, reason: reason.get_untracked() });
                }>
                    <label>
                        <span>{tr("pool.reason")}</span>
                        <input bind:value=reason required data-testid="release-reason"/>
                    </label>
                    <button type="submit" class="secondary" data-testid="release-submit">{tr("pool.release")}</button>
                </form>
            </Show>
            <Show when=move || can_assign>
                <form class="inline-form" data-testid="transfer-form" on:submit=move |ev| {
                    ev.prevent_default();
                    if let Ok(owner) = new_owner.get_untracked().parse() {
                        transfer.dispatch(TransferCustomer { id: cid, owner });
                    }
                }>
                    <label>
                        <span>{tr("share.transfer_to")}</span>
                        <select bind:value=new_owner required data-testid="transfer-owner">
                            <option value="">"—"</option>
                            {owner_choices.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="primary" data-testid="transfer-submit">{tr("share.transfer")}</button>
                </form>
            </Show>
        </div>
    }
}

/// The customer's opportunities, when there are any.
#[component]
fn Opportunities(list: Vec<OpportunityDto>) -> impl IntoView {
    let lang = use_lang();
    (!list.is_empty()).then(|| view! {
        <div class="card" data-testid="opportunities">
            <h2>{tr("nav.opportunities")}</h2>
            <ul class="plain">
                {list.into_iter().map(|o| {
                    let amount = format_money(o.amount_minor, &o.currency);
                    let stage = o.stage.clone();
                    view! { <li><strong>{o.name}</strong>" · "{amount}" · "<span class="badge">{move || t(lang.get(), match stage.as_str() { "won" => "opp.won", "lost" => "opp.lost", _ => "opp.open" })}</span></li> }
                }).collect_view()}
            </ul>
        </div>
    })
}
