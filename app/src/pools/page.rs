//! The pools (公海) page: the pools the user belongs to and the customers waiting in them, with a
//! claim button for those who may own customers. Exactly one of simultaneous claims wins; the
//! others are told who has the customer.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::customers::rows::CustomerRow;
use crate::error::AppError;
use crate::i18n::{use_lang, Lang};
use crate::pools::words::{t, tr};
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::loading::resource;

/// A pool as its members see it: name and how many wait (`waiting`); no settings, members or
/// entry rules, which the domain's Pool carries for administrators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolDto {
    pub id: i64,
    pub name: String,
    pub name_en: String,
    pub unit_name: String,
    pub waiting: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolsOverview {
    pub pools: Vec<PoolDto>,
    /// The pool shown (the one asked for, else the first) and its waiting customers.
    pub shown: Option<i64>,
    pub customers: Vec<CustomerRow>,
    /// Whether the user may own (and so claim) customers.
    pub can_claim: bool,
    /// Whether the user may hand customers to people (a manager); with whom to choose from.
    pub can_assign: bool,
    pub people: Vec<(i64, String)>,
}

#[server(endpoint = "pools/view")]
pub async fn pools_view(pool_id: Option<i64>) -> Result<PoolsOverview, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let pools = domain::pools::list_pools_for(&st.db, &actor).await.map_err(domain_err)?;
    let shown = pool_id.filter(|id| pools.iter().any(|p| p.id == *id)).or_else(|| pools.first().map(|p| p.id));
    let customers = match shown {
        Some(id) => domain::customers::list_pool(&st.db, &actor, id, None, 200).await.map_err(domain_err)?,
        None => vec![],
    };
    Ok(PoolsOverview {
        pools: pools
            .into_iter()
            .map(|p| PoolDto { id: p.id, name: p.name, name_en: p.name_en, unit_name: p.unit_name, waiting: p.customers })
            .collect(),
        shown,
        customers: customers.into_iter().map(crate::customers::rows::row_of).collect(),
        can_claim: domain::pools::may_claim(&actor),
        can_assign: actor.grants.can(domain::roles::ObjectType::Customer, domain::roles::Action::Assign),
        people: domain::org::directory(&st.db).await.map_err(domain_err)?.users,
    })
}

#[server(endpoint = "pools/claim")]
pub async fn claim_customer(id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::pools::claim(&st.db, &actor, id).await.map_err(domain_err)
}

#[server(endpoint = "pools/assign")]
pub async fn assign_pool_customer(id: i64, to_user: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::pools::assign(&st.db, &actor, id, to_user).await.map_err(domain_err)
}

#[component]
pub fn PoolsPage() -> impl IntoView {
    let lang = use_lang();
    let claim = ServerAction::<ClaimCustomer>::new();
    let assign = ServerAction::<AssignPoolCustomer>::new();
    let selected = RwSignal::new(None::<i64>);
    let data = resource(move || (selected.get(), claim.version().get(), assign.version().get()), |(pool, _, _)| pools_view(pool));
    let claimed = Signal::derive(move || matches!(claim.value().get(), Some(Ok(()))));
    let assigned = Signal::derive(move || matches!(assign.value().get(), Some(Ok(()))));

    view! {
        <section class="pools" data-testid="pools">
            <h1>{tr("pool.title")}</h1>
            <ActionError error=first_error(vec![error_of(claim.value()), error_of(assign.value())])/>
            <Show when=move || claimed.get()>
                <p class="notice" data-testid="claimed">{tr("pool.claimed")}</p>
            </Show>
            <Show when=move || assigned.get()>
                <p class="notice" data-testid="assigned">{tr("pool.assigned")}</p>
            </Show>
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    let data = match data.await {
                        Ok(d) => d,
                        Err(e) => return view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                    };
                    let can_claim = data.can_claim;
                    let can_assign = data.can_assign;
                    let people = data.people.clone();
                    let shown = data.shown;
                    let no_pools = data.pools.is_empty();
                    let no_customers = data.customers.is_empty();
                    view! {
                        <Show when=move || no_pools>
                            <p class="empty">{tr("pool.none")}</p>
                        </Show>
                        <div class="tabs" data-testid="pool-tabs">
                            {data.pools.iter().map(|p| {
                                let id = p.id;
                                let (zh, en) = (p.name.clone(), p.name_en.clone());
                                let n = p.waiting;
                                view! {
                                    <button class="tab" class:active=shown == Some(id) data-pool=p.name.clone()
                                        on:click=move |_| selected.set(Some(id))>
                                        {move || if lang.get() == Lang::En && !en.is_empty() { en.clone() } else { zh.clone() }}
                                        <span class="muted small">" · "{move || t(lang.get(), "pool.waiting").replace("{n}", &n.to_string())}</span>
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                        <Show when=move || !no_pools && no_customers>
                            <p class="empty">{tr("pool.empty")}</p>
                        </Show>
                        <table class="records" data-testid="pool-list">
                            <thead>
                                <tr>
                                    <th>{tr("cust.name")}</th>
                                    <th>{tr("cust.city")}</th>
                                    <th>{tr("cust.level")}</th>
                                    <th>{tr("cust.industry")}</th>
                                    <th></th>
                                </tr>
                            </thead>
                            <tbody>
                                {data.customers.into_iter().map(|r| {
                                    let id = r.id;
                                    let to = RwSignal::new(String::new());
                                    let people = people.clone();
                                    view! {
                                        <tr data-testid="pool-row" data-id=id.to_string()>
                                            <td class="name" data-label=move || t(lang.get(), "cust.name")>{r.name.clone()}</td>
                                            <td data-label=move || t(lang.get(), "cust.city")>{r.city.clone().unwrap_or_default()}</td>
                                            <td data-label=move || t(lang.get(), "cust.level")>{r.level.clone().unwrap_or_default()}</td>
                                            <td data-label=move || t(lang.get(), "cust.industry")>{r.industry.clone().unwrap_or_default()}</td>
                                            <td class="row-actions">
                                                <Show when=move || can_claim>
                                                    <button class="primary small-button" data-testid="claim"
                                                        disabled=move || claim.pending().get()
                                                        on:click=move |_| { claim.dispatch(ClaimCustomer { id }); }>
                                                        {tr("pool.claim")}
                                                    </button>
                                                </Show>
                                                <Show when=move || can_assign>
                                                    <select bind:value=to data-testid="assign-to">
                                                        <option value="">{tr("pool.assign")}</option>
                                                        {people.iter().map(|(pid, n)| view! { <option value=pid.to_string()>{n.clone()}</option> }).collect_view()}
                                                    </select>
                                                    <button class="secondary small-button" data-testid="assign"
                                                        on:click=move |_| { if let Ok(u) = to.get_untracked().parse() { assign.dispatch(AssignPoolCustomer { id, to_user: u }); } }>
                                                        {tr("pool.assign_to")}
                                                    </button>
                                                </Show>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}
