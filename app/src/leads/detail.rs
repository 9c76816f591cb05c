//! One lead: its fields as the user may see them, its follow-ups, and what may be done with it —
//! log a follow-up, assign it (managers), convert it into a customer with an optional
//! opportunity, or disqualify it with a reason. Buttons show only for those whose rights let the
//! action succeed; the server checks again.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::leads::words::{t, tr};
use crate::leads::status::status_key;
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::loading::resource;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadDetail {
    pub id: i64,
    pub name: String,
    pub company: String,
    /// (text key of the label, value) for each field the user may read and that is filled in.
    pub fields: Vec<(String, String)>,
    pub status: String,
    pub owner_name: Option<String>,
    pub unit_name: String,
    pub disqualify_reason: String,
    pub converted_customer_id: Option<i64>,
    pub created_at: i64,
    pub can_follow_up: bool,
    pub can_assign: bool,
    pub can_convert: bool,
    pub can_disqualify: bool,
    /// People the user may hand the lead to (empty unless they may assign it).
    pub owners: Vec<(i64, String)>,
    /// (`domain_types::leads::LeadFollowUp`, named in full: the server function `lead_follow_up`
    /// below is `LeadFollowUp` too.)
    pub follow_ups: Vec<domain_types::leads::LeadFollowUp>,
    pub comments: Vec<crate::discussion::comments::CommentDto>,
    /// The campaign the lead came from, and the campaigns to choose from: (id, name).
    pub campaign: Option<i64>,
    pub campaigns: Vec<(i64, String)>,
}

#[server(endpoint = "leads/get")]
pub async fn lead_page(id: i64) -> Result<LeadDetail, AppError> {
    use crate::server::domain_err;
    use domain::roles::ObjectType;
    let (st, actor) = crate::server::actor().await?;
    let l = domain::leads::get(&st.db, &actor, id).await.map_err(domain_err)?;
    let rights = domain::policy::rights_on(&st.db, &actor, ObjectType::Lead, id).await.map_err(domain_err)?;
    let open = !matches!(l.status.as_str(), "converted" | "disqualified");
    let owners = if rights.assign && open { domain::leads::assignable_owners(&st.db, &actor, id).await.map_err(domain_err)? } else { vec![] };
    let follow_ups = domain::leads::follow_ups(&st.db, &actor, id).await.map_err(domain_err)?;
    let comments = crate::discussion::comments::comments_of(&st, &actor, ObjectType::Lead, id).await?;
    let (campaign, campaigns) = crate::marketing::lead_campaign::campaign_choices(&st, &actor, id).await?;
    let fields = [
        ("lead.job", l.title),
        ("cust.phone", l.phone),
        ("admin.email", l.email),
        ("field.province", l.province),
        ("cust.city", l.city),
        ("field.source", l.source),
        ("lead.note", l.note),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k.to_string(), v)))
    .collect();
    Ok(LeadDetail {
        id: l.id,
        name: l.name,
        company: l.company,
        fields,
        status: l.status,
        owner_name: l.owner_name,
        unit_name: l.unit_name,
        disqualify_reason: l.disqualify_reason,
        converted_customer_id: l.converted_customer_id,
        created_at: l.created_at,
        can_follow_up: rights.update && open,
        can_assign: rights.assign && open,
        can_convert: rights.update && open && actor.may_create(ObjectType::Customer),
        can_disqualify: rights.update && open,
        owners,
        follow_ups,
        comments,
        campaign,
        campaigns,
    })
}

#[server(endpoint = "leads/follow_up")]
pub async fn lead_follow_up(id: i64, kind: String, note: String, next: String) -> Result<i64, AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let next_at = if next.trim().is_empty() {
        None
    } else {
        Some(domain::clock::end_of_day_ms(&next).ok_or_else(|| fail(AppError::Invalid { field: "next".into(), code: "format".into() }))?)
    };
    domain::leads::log_follow_up(&st.db, &actor, id, &kind, &note, next_at).await.map_err(domain_err)
}

#[server(endpoint = "leads/assign")]
pub async fn assign_lead(id: i64, owner: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::leads::assign(&st.db, &actor, id, owner).await.map_err(domain_err)
}

/// Converts a lead; with an opportunity name, also an opportunity of `amount` yuan (CNY).
/// Answers the new customer's id.
#[server(endpoint = "leads/convert")]
pub async fn convert_lead(id: i64, opportunity: String, amount: String) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    use domain::opportunities::{parse_major_units, NewOpportunity};
    let (st, actor) = actor().await?;
    let opportunity = if opportunity.trim().is_empty() {
        None
    } else {
        Some(NewOpportunity { name: opportunity, amount_minor: parse_major_units(&amount).map_err(domain_err)?, currency: "CNY".into(), ..Default::default() })
    };
    domain::leads::convert(&st.db, &actor, id, opportunity).await.map(|c| c.customer_id).map_err(domain_err)
}

#[server(endpoint = "leads/disqualify")]
pub async fn disqualify_lead(id: i64, reason: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::leads::disqualify(&st.db, &actor, id, &reason).await.map_err(domain_err)
}

fn kind_key(kind: &str) -> &'static str {
    match kind {
        "visit" => "fu.visit",
        "email" => "fu.email",
        "message" => "fu.message",
        _ => "fu.call",
    }
}

fn field_key(k: &str) -> &'static str {
    match k {
        "lead.job" => "lead.job",
        "cust.phone" => "cust.phone",
        "admin.email" => "admin.email",
        "field.province" => "field.province",
        "cust.city" => "cust.city",
        "field.source" => "field.source",
        _ => "lead.note",
    }
}

#[component]
pub fn LeadDetailPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    // Read once: another lead's address renders a new page (see the customer page).
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let follow = ServerAction::<LeadFollowUp>::new();
    let assign = ServerAction::<AssignLead>::new();
    let convert = ServerAction::<ConvertLead>::new();
    let disqualify = ServerAction::<DisqualifyLead>::new();
    let comment = ServerAction::<crate::discussion::comments::AddComment>::new();
    let comment_draft = RwSignal::new(String::new());
    provide_context(crate::discussion::comments::CommentDraft(comment_draft));
    Effect::new(move |_| {
        if let Some(Ok(_)) = comment.value().get() {
            comment_draft.set(String::new());
        }
    });
    // Someone else's change to this lead shows at once; what is being typed stays.
    let live_tick = RwSignal::new(0u32);
    if let Some(live) = crate::live::use_live() {
        Effect::new(move |_| {
            if live.last.get().is_some_and(|e| e.object == "lead" && e.record_id == id) {
                live_tick.update(|n| *n += 1);
            }
        });
    }
    let lead = resource(
        move || (follow.version().get(), assign.version().get(), convert.version().get(), disqualify.version().get(), comment.version().get(), live_tick.get()),
        move |_| lead_page(id),
    );
    let last_error = first_error(vec![error_of(follow.value()), error_of(assign.value()), error_of(convert.value()), error_of(disqualify.value())]);
    let (kind, note, next) = (RwSignal::new("call".to_string()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let new_owner = RwSignal::new(String::new());
    let (opportunity, amount) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let reason = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = follow.value().get() {
            note.set(String::new());
        }
    });

    view! {
        <section class="lead-detail">
            <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    let l = match lead.await {
                        Ok(l) => l,
                        Err(e) => return view! {
                            <div class="forbidden" data-testid="lead-missing">
                                <h1>{tr("notfound.title")}</h1>
                                <p>{move || e.message(lang.get())}</p>
                            </div>
                        }.into_any(),
                    };
                    let lid = l.id;
                    let (can_follow_up, can_assign, can_convert, can_disqualify) = (l.can_follow_up, l.can_assign, l.can_convert, l.can_disqualify);
                    let skey = status_key(&l.status);
                    let title = if l.name.is_empty() { l.company.clone() } else { l.name.clone() };
                    let no_follow_ups = l.follow_ups.is_empty();
                    view! {
                        <div class="page-head">
                            <h1 data-testid="lead-name">{title}</h1>
                            <span class=format!("status status-{}", l.status) data-testid="lead-status" data-status=l.status.clone()>{move || t(lang.get(), skey)}</span>
                        </div>
                        <dl class="fields card" data-testid="lead-fields">
                            <dt>{tr("lead.company")}</dt>
                            <dd>{if l.company.is_empty() { "—".to_string() } else { l.company.clone() }}</dd>
                            <dt>{tr("cust.owner")}</dt>
                            <dd data-testid="lead-owner">{
                                let owner = l.owner_name.clone();
                                move || owner.clone().unwrap_or_else(|| t(lang.get(), "lead.unassigned").to_string())
                            }</dd>
                            <dt>{tr("cust.unit")}</dt>
                            <dd>{l.unit_name.clone()}</dd>
                            {l.fields.iter().map(|(k, v)| {
                                let key = field_key(k);
                                view! { <dt>{move || t(lang.get(), key)}</dt><dd data-field=k.clone()>{v.clone()}</dd> }
                            }).collect_view()}
                            <dt>{tr("lead.created_at")}</dt>
                            <dd>{crate::ui::format::format_utc(l.created_at)}</dd>
                        </dl>
                        <crate::marketing::lead_campaign::LeadCampaign lead_id=lid editable=can_follow_up current=l.campaign campaigns=l.campaigns.clone()/>
                        {l.converted_customer_id.map(|cid| view! {
                            <p class="notice" data-testid="lead-converted">
                                {tr("lead.converted_to")}" "
                                <A href=format!("/customers/{cid}") attr:data-testid="converted-customer">{tr("lead.open_customer")}</A>
                            </p>
                        })}
                        <Show when={
                            let reason = l.disqualify_reason.clone();
                            move || !reason.is_empty()
                        }>
                            <p class="notice muted" data-testid="lead-disqualified">{tr("lead.disqualified_because")}" "{l.disqualify_reason.clone()}</p>
                        </Show>
                        <ActionError error=last_error/>
                        <Show when=move || can_follow_up>
                            <h2>{tr("fu.log")}</h2>
                            <form class="inline-form follow-up" data-testid="lead-follow-up-form" on:submit=move |ev| {
                                ev.prevent_default();
                                follow.dispatch(LeadFollowUp { id: lid, kind: kind.get_untracked(), note: note.get_untracked(), next: next.get_untracked() });
                            }>
                                <div class="kinds">
                                    {["call", "visit", "email", "message"].into_iter().map(|k| view! {
                                        <label class="check"><input type="radio" name="kind" value=k prop:checked=move || kind.get() == k
                                            on:change=move |_| kind.set(k.to_string())/>{move || t(lang.get(), kind_key(k))}</label>
                                    }).collect_view()}
                                </div>
                                <label class="grow"><span>{tr("fu.note")}</span><textarea rows="2" required data-testid="lfu-note" bind:value=note></textarea></label>
                                <label><span>{tr("fu.next")}</span><input type="date" bind:value=next/></label>
                                <button type="submit" class="primary" data-testid="lfu-submit" disabled=move || follow.pending().get()>{tr("fu.log")}</button>
                            </form>
                        </Show>
                        <div class="lead-actions">
                            <Show when=move || can_convert>
                                <form class="inline-form" data-testid="convert-form" on:submit=move |ev| {
                                    ev.prevent_default();
                                    convert.dispatch(ConvertLead { id: lid, opportunity: opportunity.get_untracked(), amount: amount.get_untracked() });
                                }>
                                    <h2>{tr("lead.convert")}</h2>
                                    <label><span>{tr("lead.opportunity")}</span><input bind:value=opportunity data-testid="convert-opportunity"/></label>
                                    <label><span>{tr("lead.amount")}</span><input inputmode="decimal" bind:value=amount data-testid="convert-amount"/></label>
                                    <button type="submit" class="primary" data-testid="convert-submit" disabled=move || convert.pending().get()>{tr("lead.convert")}</button>
                                </form>
                            </Show>
                            <Show when=move || can_assign>
                                <form class="inline-form" data-testid="assign-form" on:submit=move |ev| {
                                    ev.prevent_default();
                                    if let Ok(owner) = new_owner.get_untracked().parse() {
                                        assign.dispatch(AssignLead { id: lid, owner });
                                    }
                                }>
                                    <h2>{tr("lead.assign")}</h2>
                                    <label>
                                        <span>{tr("pool.assign")}</span>
                                        <select bind:value=new_owner required data-testid="assign-owner">
                                            <option value="">"—"</option>
                                            {l.owners.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                                        </select>
                                    </label>
                                    <button type="submit" class="secondary" data-testid="assign-submit">{tr("lead.assign")}</button>
                                </form>
                            </Show>
                            <Show when=move || can_disqualify>
                                <form class="inline-form" data-testid="disqualify-form" on:submit=move |ev| {
                                    ev.prevent_default();
                                    disqualify.dispatch(DisqualifyLead { id: lid, reason: reason.get_untracked() });
                                }>
                                    <h2>{tr("lead.disqualify")}</h2>
                                    <label><span>{tr("pool.reason")}</span><input bind:value=reason required data-testid="disqualify-reason"/></label>
                                    <button type="submit" class="secondary danger" data-testid="disqualify-submit">{tr("lead.disqualify")}</button>
                                </form>
                            </Show>
                        </div>
                        <h2>{tr("fu.title")}</h2>
                        <Show when=move || no_follow_ups><p class="empty">{tr("lead.no_follow_ups")}</p></Show>
                        <ol class="timeline" data-testid="lead-timeline">
                            {l.follow_ups.into_iter().map(|f| {
                                let key = kind_key(&f.kind);
                                view! {
                                    <li data-kind=f.kind.clone()>
                                        <span class="muted small">{crate::ui::format::format_utc(f.at)}" · "{f.who.clone()}</span>
                                        <span class="badge">{move || t(lang.get(), key)}</span>
                                        <p>{f.note.clone()}</p>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                        <crate::discussion::comments::Comments object="lead" record_id=lid comments=l.comments.clone() add=comment/>
                        <p><A href="/leads" attr:data-testid="back-to-leads">{tr("lead.back")}</A></p>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}
