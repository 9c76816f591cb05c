//! Capturing one lead from the form on the lead list: a name or a company is required; the
//! person who captures it keeps it, or the assignment rules decide whose it is.

use domain_types::leads::{Captured, LeadInput};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::leads::words::{t, tr};
use crate::ui::action_error::{error_of, ActionError};

#[server(endpoint = "leads/create", input = Json)]
pub async fn create_lead(form: LeadInput) -> Result<Captured, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::leads::create_lead(&st.db, &actor, &form).await.map_err(domain_err)
}

/// The form to capture one lead: assign it to oneself or let the rules decide.
#[component]
pub fn NewLead(create: ServerAction<CreateLead>) -> impl IntoView {
    let lang = use_lang();
    let form = RwSignal::new(LeadInput { keep: true, ..Default::default() });
    let field = move |f: fn(&mut LeadInput) -> &mut String| {
        (move || form.with(|x| {
            let mut copy = x.clone();
            f(&mut copy).clone()
        }), move |v: String| form.update(|x| *f(x) = v))
    };
    let inputs: Vec<(&'static str, &'static str, &'static str, fn(&mut LeadInput) -> &mut String)> = vec![
        ("lead.name", "nl-name", "text", |x| &mut x.name),
        ("lead.company", "nl-company", "text", |x| &mut x.company),
        ("lead.job", "nl-title", "text", |x| &mut x.title),
        ("cust.phone", "nl-phone", "tel", |x| &mut x.phone),
        ("admin.email", "nl-email", "email", |x| &mut x.email),
        ("field.province", "nl-province", "text", |x| &mut x.province),
        ("cust.city", "nl-city", "text", |x| &mut x.city),
        ("field.source", "nl-source", "text", |x| &mut x.source),
        ("lead.note", "nl-note", "text", |x| &mut x.note),
    ];
    Effect::new(move |_| {
        if let Some(Ok(c)) = create.value().get() {
            if c.visible {
                let navigate = leptos_router::hooks::use_navigate();
                navigate(&format!("/leads/{}", c.id), Default::default());
            } else {
                form.set(LeadInput { keep: form.get_untracked().keep, ..Default::default() });
            }
        }
    });
    let created_elsewhere = move || match create.value().get() {
        Some(Ok(c)) if !c.visible => Some(c),
        _ => None,
    };
    view! {
        <details class="new-customer" data-testid="new-lead">
            <summary class="button secondary">{tr("lead.new")}</summary>
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                create.dispatch(CreateLead { form: form.get_untracked() });
            }>
                {inputs.into_iter().map(|(label, testid, kind, f)| {
                    let (value, set) = field(f);
                    view! {
                        <label><span>{move || t(lang.get(), label)}</span>
                            <input type=kind data-testid=testid prop:value=value on:input=move |ev| set(event_target_value(&ev))/></label>
                    }
                }).collect_view()}
                <div class="kinds">
                    <label class="check"><input type="radio" name="lead-keep" data-testid="nl-keep" prop:checked=move || form.with(|x| x.keep)
                        on:change=move |_| form.update(|x| x.keep = true)/>{tr("lead.keep")}</label>
                    <label class="check"><input type="radio" name="lead-keep" data-testid="nl-rules" prop:checked=move || form.with(|x| !x.keep)
                        on:change=move |_| form.update(|x| x.keep = false)/>{tr("lead.by_rules")}</label>
                </div>
                <button type="submit" class="primary" data-testid="nl-submit" disabled=move || create.pending().get()>{tr("admin.create")}</button>
            </form>
            <ActionError error=error_of(create.value())/>
            {move || created_elsewhere().map(|c| {
                let text = move || match &c.owner_name {
                    Some(o) => t(lang.get(), "lead.created_to").replace("{owner}", o).replace("{unit}", &c.unit_name),
                    None => t(lang.get(), "lead.created_waiting").replace("{unit}", &c.unit_name),
                };
                view! { <p class="notice" data-testid="lead-created">{text}</p> }
            })}
        </details>
    }
}
