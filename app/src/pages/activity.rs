//! Creating customers and working on them: contacts, follow-ups (quick to log from a phone) and
//! the timeline of everything that happened.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::ui::action_error::{error_of, ActionError};
use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};

pub use domain_types::activity::{Contact as ContactDto, CustomerInput as NewCustomerForm, TimelineEntry as TimelineDto};

#[server(endpoint = "customers/create", input = Json)]
pub async fn create_customer(form: NewCustomerForm) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::activity::create_customer(&st.db, &actor, &form).await.map_err(domain_err)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub contacts: Vec<ContactDto>,
    pub timeline: Vec<TimelineDto>,
}

#[server(endpoint = "customers/activity")]
pub async fn customer_activity(id: i64) -> Result<Activity, AppError> {
    let (st, actor) = crate::server::actor().await?;
    activity_of(&st, &actor, id).await
}

#[cfg(feature = "ssr")]
pub async fn activity_of(st: &crate::server::AppState, actor: &domain::policy::Actor, id: i64) -> Result<Activity, AppError> {
    use crate::server::domain_err;
    let contacts = domain::activity::contacts(&st.db, actor, id).await.map_err(domain_err)?;
    let timeline = domain::activity::timeline(&st.db, actor, id).await.map_err(domain_err)?;
    Ok(Activity { contacts, timeline })
}

#[server(endpoint = "customers/contacts/add")]
pub async fn add_contact(id: i64, name: String, title: String, phone: String, email: String) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::activity::add_contact(&st.db, &actor, id, &name, &title, &phone, &email).await.map_err(domain_err)
}

#[server(endpoint = "customers/follow_up")]
pub async fn log_follow_up(id: i64, kind: String, note: String, next: String) -> Result<i64, AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let next_at = if next.trim().is_empty() {
        None
    } else {
        Some(domain::clock::end_of_day_ms(&next).ok_or_else(|| fail(AppError::Invalid { field: "next".into(), code: "format".into() }))?)
    };
    domain::activity::log_follow_up(&st.db, &actor, id, &kind, &note, next_at).await.map_err(domain_err)
}

fn timeline_key(kind: &str) -> &'static str {
    match kind {
        "follow_up:call" => "fu.call",
        "follow_up:visit" => "fu.visit",
        "follow_up:email" => "fu.email",
        "follow_up:message" => "fu.message",
        "create" => "tl.create",
        "claim" => "tl.claim",
        "release" => "tl.release",
        "recycle" => "tl.recycle",
        "recycle_reminder" => "tl.recycle_reminder",
        "assign" => "tl.assign",
        "pool_enter" => "tl.pool_enter",
        _ => "tl.contact_added",
    }
}

/// The form to create a customer, on the customer list.
#[component]
pub fn NewCustomer() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateCustomer>::new();
    let form = RwSignal::new(NewCustomerForm { kind: "company".into(), level: "C".into(), ..Default::default() });
    let field = move |f: fn(&mut NewCustomerForm) -> &mut String| {
        (move || {
            let mut copy = form.get();
            f(&mut copy).clone()
        }, move |v: String| form.update(|x| *f(x) = v))
    };
    let (name, set_name) = field(|x| &mut x.name);
    let (phone, set_phone) = field(|x| &mut x.phone);
    let (city, set_city) = field(|x| &mut x.city);
    let (province, set_province) = field(|x| &mut x.province);
    let (industry, set_industry) = field(|x| &mut x.industry);
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            let navigate = leptos_router::hooks::use_navigate();
            navigate(&format!("/customers/{id}"), Default::default());
        }
    });
    let existing = move || match create.value().get() {
        Some(Err(AppError::Duplicate { visible_id: Some(id), .. })) => Some(id),
        _ => None,
    };
    view! {
        <details class="new-customer" data-testid="new-customer">
            <summary class="button secondary">{tr("cust.new")}</summary>
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                create.dispatch(CreateCustomer { form: form.get_untracked() });
            }>
                <label><span>{tr("cust.name")}</span>
                    <input required data-testid="nc-name" prop:value=name on:input=move |ev| set_name(event_target_value(&ev))/></label>
                <label><span>{tr("cust.phone")}</span>
                    <input type="tel" data-testid="nc-phone" prop:value=phone on:input=move |ev| set_phone(event_target_value(&ev))/></label>
                <label><span>{tr("field.province")}</span>
                    <input data-testid="nc-province" prop:value=province on:input=move |ev| set_province(event_target_value(&ev))/></label>
                <label><span>{tr("cust.city")}</span>
                    <input data-testid="nc-city" prop:value=city on:input=move |ev| set_city(event_target_value(&ev))/></label>
                <label><span>{tr("cust.industry")}</span>
                    <input prop:value=industry on:input=move |ev| set_industry(event_target_value(&ev))/></label>
                <label><span>{tr("cust.level")}</span>
                    <select on:change=move |ev| form.update(|x| x.level = event_target_value(&ev)) prop:value=move || form.get().level>
                        {["A", "B", "C", "D"].into_iter().map(|l| view! { <option value=l>{l}</option> }).collect_view()}
                    </select></label>
                <label><span>{tr("admin.kind")}</span>
                    <select on:change=move |ev| form.update(|x| x.kind = event_target_value(&ev)) prop:value=move || form.get().kind>
                        <option value="company">{tr("cust.kind_company")}</option>
                        <option value="person">{tr("cust.kind_person")}</option>
                    </select></label>
                <label class="check"><input type="checkbox" prop:checked=move || form.get().to_pool
                    on:change=move |ev| form.update(|x| x.to_pool = event_target_checked(&ev))/>{tr("cust.to_pool")}</label>
                <button type="submit" class="primary" data-testid="nc-submit">{tr("admin.create")}</button>
            </form>
            <ActionError error=error_of(create.value())/>
            {move || existing().map(|id| view! {
                <a href=format!("/customers/{id}") data-testid="open-existing">{move || t(lang.get(), "cust.open_existing")}</a>
            })}
        </details>
    }
}

/// Contacts, the follow-up form and the timeline of one customer. The customer page loads the
/// data with the rest of the customer and owns the actions, so that one load hydrates the page.
#[component]
pub fn CustomerActivity(
    id: i64,
    can_update: bool,
    activity: Activity,
    add: ServerAction<AddContact>,
    follow: ServerAction<LogFollowUp>,
) -> impl IntoView {
    let lang = use_lang();
    let (c_name, c_title, c_phone, c_email) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    // The note being typed survives live reloads of the customer page.
    let note = use_context::<crate::ui::drafts::Drafts>().map(|d| d.follow_note).unwrap_or_else(|| RwSignal::new(String::new()));
    let (kind, next) = (RwSignal::new("call".to_string()), RwSignal::new(String::new()));
    let no_contacts = activity.contacts.is_empty();
    view! {
        <h2>{tr("fu.log")}</h2>
        <form class="inline-form follow-up" data-testid="follow-up-form" on:submit=move |ev| {
            ev.prevent_default();
            follow.dispatch(LogFollowUp { id, kind: kind.get_untracked(), note: note.get_untracked(), next: next.get_untracked() });
        }>
            <div class="kinds">
                {["call", "visit", "email", "message"].into_iter().map(|k| view! {
                    <label class="check"><input type="radio" name="kind" value=k prop:checked=move || kind.get() == k
                        on:change=move |_| kind.set(k.to_string())/>{move || t(lang.get(), timeline_key(&format!("follow_up:{k}")))}</label>
                }).collect_view()}
            </div>
            <label class="grow"><span>{tr("fu.note")}</span><textarea rows="2" required data-testid="fu-note" bind:value=note></textarea></label>
            <label><span>{tr("fu.next")}</span><input type="date" bind:value=next/></label>
            <button type="submit" class="primary" data-testid="fu-submit" disabled=move || follow.pending().get()>{tr("fu.log")}</button>
        </form>
        <h2>{tr("contact.title")}</h2>
        <Show when=move || no_contacts><p class="empty">{tr("contact.none")}</p></Show>
        <ul class="contacts" data-testid="contacts">
            {activity.contacts.into_iter().map(|c| view! {
                <li><strong>{c.name}</strong>" "<span class="muted">{c.title}</span>" "{c.phone}" "{c.email}</li>
            }).collect_view()}
        </ul>
        <Show when=move || can_update>
            <form class="inline-form" data-testid="contact-form" on:submit=move |ev| {
                ev.prevent_default();
                add.dispatch(AddContact { id, name: c_name.get_untracked(), title: c_title.get_untracked(), phone: c_phone.get_untracked(), email: c_email.get_untracked() });
            }>
                <label><span>{tr("contact.name")}</span><input required bind:value=c_name data-testid="contact-name"/></label>
                <label><span>{tr("contact.job")}</span><input bind:value=c_title/></label>
                <label><span>{tr("cust.phone")}</span><input type="tel" bind:value=c_phone/></label>
                <label><span>{tr("admin.email")}</span><input type="email" bind:value=c_email/></label>
                <button type="submit" class="secondary" data-testid="contact-submit">{tr("contact.add")}</button>
            </form>
        </Show>
        <h2>{tr("fu.title")}</h2>
        <ol class="timeline" data-testid="timeline">
            {activity.timeline.into_iter().map(|e| {
                let key = timeline_key(&e.kind);
                view! {
                    <li data-kind=e.kind.clone()>
                        <span class="muted small">{crate::ui::format::format_utc(e.at)}" · "{e.who.clone()}</span>
                        <span class="badge">{move || t(lang.get(), key)}</span>
                        <p>{e.text.clone()}</p>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
