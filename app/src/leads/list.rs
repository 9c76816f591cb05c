//! The lead list (线索), through the policy: filters, keyset paging and a count capped at
//! "10,000+"; a table on the desktop, cards on a phone. Above it: capturing a lead (assign to me
//! or by the rules), importing a CSV file with a dry-run preview, and how each salesperson does
//! with the leads they were given.

use domain_types::leads::RepStats;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::leads::words::{t, tr};
use crate::leads::capture::{CreateLead, NewLead};
use crate::leads::import::{ImportLeads, ImportLeadsPanel};
use crate::leads::stats::RepStatsPanel;
use crate::leads::status::{status_key, STATUSES};
use crate::ui::list::capped_count;
use crate::ui::loading::resource;

/// The list's filters as typed: `owner` is "" (anyone), "none" (unassigned) or a user id (the
/// domain's ListFilter holds an OwnerFilter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadFilter {
    pub text: String,
    pub status: String,
    pub owner: String,
    pub source: String,
    pub region: String,
}

/// A lead as a row of the list: only the columns it shows, province and city already joined into
/// `region` (the domain's LeadView is the whole lead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadRow {
    pub id: i64,
    pub name: String,
    pub company: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Province and city as far as the user may read them.
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub status: String,
    pub owner_name: Option<String>,
    pub unit_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadPage {
    pub rows: Vec<LeadRow>,
    pub total: i64,
    /// Where the next page starts (leads are newest first).
    pub next_before: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadsData {
    pub page: LeadPage,
    pub stats: Vec<RepStats>,
    pub can_create: bool,
    pub is_admin: bool,
}

#[cfg(feature = "ssr")]
fn domain_filter(f: LeadFilter) -> Result<domain::leads::ListFilter, AppError> {
    use domain::leads::OwnerFilter;
    let owner = match f.owner.trim() {
        "" => OwnerFilter::Any,
        "none" => OwnerFilter::Unassigned,
        id => OwnerFilter::User(id.parse().map_err(|_| crate::error::fail(AppError::Invalid { field: "owner".into(), code: "format".into() }))?),
    };
    Ok(domain::leads::ListFilter { text: f.text, status: f.status, owner, source: f.source, region: f.region })
}

#[cfg(feature = "ssr")]
async fn page_of(st: &crate::server::AppState, actor: &domain::policy::Actor, filter: LeadFilter, before: Option<i64>) -> Result<LeadPage, AppError> {
    use crate::server::domain_err;
    use crate::ui::list::PAGE_SIZE;
    let f = domain_filter(filter)?;
    let views = domain::leads::list_filtered(&st.db, actor, &f, before, PAGE_SIZE).await.map_err(domain_err)?;
    let total = domain::leads::count_filtered(&st.db, actor, &f).await.map_err(domain_err)?;
    let next_before = if views.len() as i64 == PAGE_SIZE { views.last().map(|v| v.id) } else { None };
    Ok(LeadPage { rows: views.into_iter().map(row_of).collect(), total, next_before })
}

#[cfg(feature = "ssr")]
fn row_of(v: domain::leads::LeadView) -> LeadRow {
    let mut region: Vec<String> = [v.province, v.city].into_iter().flatten().filter(|s| !s.is_empty()).collect();
    region.dedup();
    LeadRow {
        id: v.id,
        name: v.name,
        company: v.company,
        phone: v.phone,
        region: region.join(" "),
        source: v.source,
        status: v.status,
        owner_name: v.owner_name,
        unit_name: v.unit_name,
    }
}

/// The first page, the per-rep numbers and what the user may do: one call per page load.
#[server(endpoint = "leads/overview", input = Json)]
pub async fn leads_overview(filter: LeadFilter) -> Result<LeadsData, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let page = page_of(&st, &actor, filter, None).await?;
    let stats = domain::leads::rep_stats(&st.db, &actor).await.map_err(domain_err)?;
    Ok(LeadsData {
        page,
        stats,
        can_create: actor.may_create(domain::roles::ObjectType::Lead),
        is_admin: actor.is_admin(),
    })
}

#[server(endpoint = "leads/list", input = Json)]
pub async fn list_leads(filter: LeadFilter, before: Option<i64>) -> Result<LeadPage, AppError> {
    let (st, actor) = crate::server::actor().await?;
    page_of(&st, &actor, filter, before).await
}

#[component]
pub fn LeadsPage() -> impl IntoView {
    let lang = use_lang();
    let applied = RwSignal::new(LeadFilter::default());
    let text = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let source = RwSignal::new(String::new());
    let region = RwSignal::new(String::new());
    let create = ServerAction::<CreateLead>::new();
    let import = ServerAction::<ImportLeads>::new();
    let overview = resource(
        move || (applied.get(), create.version().get(), import.version().get()),
        |(f, _, _)| leads_overview(f),
    );
    let more_rows = RwSignal::new(Vec::<LeadRow>::new());
    let next = RwSignal::new(None::<Option<i64>>);
    let load_more = Action::new(move |before: &i64| {
        let before = *before;
        let filter = applied.get_untracked();
        async move { list_leads(filter, Some(before)).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = load_more.value().get() {
            more_rows.update(|r| r.extend(page.rows.clone()));
            next.set(Some(page.next_before));
        }
    });
    // A new or imported lead reloads the first page: what was loaded beyond it goes.
    Effect::new(move |_| {
        create.version().track();
        import.version().track();
        more_rows.set(vec![]);
        next.set(None);
    });
    // What the user may do and whose leads they see, from the loaded overview. The tools live
    // outside the list's suspense so that reloading the list keeps their state.
    let can_create = RwSignal::new(false);
    let is_admin = RwSignal::new(false);
    let owners = RwSignal::new(Vec::<(i64, String)>::new());
    Effect::new(move |_| {
        if let Some(Ok(o)) = overview.get() {
            can_create.set(o.can_create);
            is_admin.set(o.is_admin);
            owners.set(o.stats.iter().map(|s| (s.user_id, s.name.clone())).collect());
        }
    });

    view! {
        <section class="leads">
            <div class="page-head">
                <h1>{tr("lead.title")}</h1>
                <Show when=move || is_admin.get()>
                    <A href="/leads/rules" attr:class="button secondary" attr:data-testid="to-rules">{tr("rule.title")}</A>
                </Show>
                <A href="/leads/campaigns" attr:class="button secondary" attr:data-testid="to-campaigns">{tr("campaign.title")}</A>
            </div>
            <Show when=move || can_create.get()>
                <NewLead create/>
                <ImportLeadsPanel import/>
            </Show>
            <form class="inline-form filters" data-testid="lead-filters" on:submit=move |ev| {
                ev.prevent_default();
                more_rows.set(vec![]);
                next.set(None);
                applied.set(LeadFilter {
                    text: text.get_untracked(),
                    status: status.get_untracked(),
                    owner: owner.get_untracked(),
                    source: source.get_untracked(),
                    region: region.get_untracked(),
                });
            }>
                <label><span>{tr("lead.search")}</span><input type="search" bind:value=text data-testid="filter-text"/></label>
                <label><span>{tr("lead.status")}</span>
                    <select bind:value=status data-testid="filter-status">
                        <option value="">{tr("admin.all")}</option>
                        {STATUSES.iter().map(|s| {
                            let key = status_key(s);
                            view! { <option value=*s>{move || t(lang.get(), key)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label><span>{tr("cust.owner")}</span>
                    <select bind:value=owner data-testid="filter-owner">
                        <option value="">{tr("admin.all")}</option>
                        <option value="none">{tr("lead.unassigned")}</option>
                        <For each=move || owners.get() key=|o| o.0 let:o>
                            <option value=o.0.to_string()>{o.1}</option>
                        </For>
                    </select>
                </label>
                <label><span>{tr("field.source")}</span><input bind:value=source data-testid="filter-source"/></label>
                <label><span>{tr("lead.region")}</span><input bind:value=region data-testid="filter-region"/></label>
                <button type="submit" class="secondary" data-testid="filter-apply">{tr("cust.filter")}</button>
            </form>
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Ok(o) => {
                            let page = o.page;
                            let total = page.total;
                            let first_next = page.next_before;
                            let next_before = move || next.get().unwrap_or(first_next);
                            view! {
                                <RepStatsPanel stats=o.stats/>
                                <p class="muted" data-testid="lead-count">
                                    {move || {
                                        let shown = capped_count(total);
                                        t(lang.get(), "lead.count").replace("{n}", &shown)
                                    }}
                                </p>
                                <Show when=move || total == 0>
                                    <p class="empty">{tr("lead.empty")}</p>
                                </Show>
                                <table class="records" data-testid="lead-list">
                                    <thead>
                                        <tr>
                                            <th>{tr("lead.name")}</th>
                                            <th>{tr("lead.company")}</th>
                                            <th>{tr("cust.phone")}</th>
                                            <th>{tr("lead.region")}</th>
                                            <th>{tr("field.source")}</th>
                                            <th>{tr("lead.status")}</th>
                                            <th>{tr("cust.owner")}</th>
                                            <th>{tr("cust.unit")}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.rows.into_iter().map(|r| view! { <LeadLine row=r/> }).collect_view()}
                                        <For each=move || more_rows.get() key=|r| r.id let:r>
                                            <LeadLine row=r/>
                                        </For>
                                    </tbody>
                                </table>
                                <Show when=move || next_before().is_some()>
                                    <button
                                        class="secondary"
                                        data-testid="load-more"
                                        disabled=move || load_more.pending().get()
                                        on:click=move |_| {
                                            if let Some(before) = next_before() {
                                                load_more.dispatch(before);
                                            }
                                        }
                                    >
                                        {tr("cust.more")}
                                    </button>
                                </Show>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn LeadLine(row: LeadRow) -> impl IntoView {
    let lang = use_lang();
    let dash = || "—".to_string();
    let owner = row.owner_name.clone();
    let key = status_key(&row.status);
    let title = if row.name.is_empty() { row.company.clone() } else { row.name.clone() };
    view! {
        <tr data-testid="lead-row" data-status=row.status.clone()>
            <td class="name" data-label=move || t(lang.get(), "lead.name")>
                <A href=format!("/leads/{}", row.id)>{title}</A>
            </td>
            <td data-label=move || t(lang.get(), "lead.company")>{if row.company.is_empty() { dash() } else { row.company.clone() }}</td>
            <td data-label=move || t(lang.get(), "cust.phone")>{row.phone.clone().filter(|p| !p.is_empty()).unwrap_or_else(dash)}</td>
            <td data-label=move || t(lang.get(), "lead.region") data-testid="lead-region">{if row.region.is_empty() { dash() } else { row.region.clone() }}</td>
            <td data-label=move || t(lang.get(), "field.source")>{row.source.clone().filter(|s| !s.is_empty()).unwrap_or_else(dash)}</td>
            <td data-label=move || t(lang.get(), "lead.status")><span class=format!("status status-{}", row.status)>{move || t(lang.get(), key)}</span></td>
            <td data-label=move || t(lang.get(), "cust.owner") data-testid="lead-owner">
                {move || owner.clone().unwrap_or_else(|| t(lang.get(), "lead.unassigned").to_string())}
            </td>
            <td data-label=move || t(lang.get(), "cust.unit")>{row.unit_name.clone()}</td>
        </tr>
    }
}
