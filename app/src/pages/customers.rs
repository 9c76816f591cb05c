//! The customer list, through the policy: only customers the user may read, without the fields
//! they may not read. Desktop: a table; phone: cards.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: i64,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub owner_name: Option<String>,
    pub unit_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub rows: Vec<CustomerRow>,
    pub total: i64,
    pub next_after: Option<i64>,
}

pub const PAGE_SIZE: i64 = 50;

/// The list's filters: part of a name or phone, level, city. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub text: String,
    pub level: String,
    pub city: String,
}

/// Counts above this are shown as "10,000+".
pub const COUNT_CAP: i64 = 10_000;

#[server(endpoint = "customers/list", input = Json)]
pub async fn list_customers(filter: Filter, after: Option<i64>) -> Result<CustomerPage, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let f = domain::customers::ListFilter { text: filter.text, level: filter.level, city: filter.city };
    let views = domain::customers::list_filtered(&st.db, &actor, &f, after, PAGE_SIZE).await.map_err(domain_err)?;
    let total = domain::customers::count_filtered(&st.db, &actor, &f).await.map_err(domain_err)?;
    let next_after = if views.len() as i64 == PAGE_SIZE { views.last().map(|v| v.id) } else { None };
    Ok(CustomerPage { rows: views.into_iter().map(row_of).collect(), total, next_after })
}

#[cfg(feature = "ssr")]
pub fn row_of(v: domain::customers::CustomerView) -> CustomerRow {
    CustomerRow {
        id: v.id,
        name: v.name,
        city: v.city,
        level: v.level,
        industry: v.industry,
        phone: v.phone,
        owner_name: v.owner_name,
        unit_name: v.unit_name,
    }
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let lang = use_lang();
    let applied = RwSignal::new(Filter::default());
    let (text, level, city) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let first = Resource::new(move || applied.get(), |f| list_customers(f, None));
    let more_rows = RwSignal::new(Vec::<CustomerRow>::new());
    let next = RwSignal::new(None::<Option<i64>>);
    let load_more = Action::new(move |after: &i64| {
        let after = *after;
        let filter = applied.get_untracked();
        async move { list_customers(filter, Some(after)).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = load_more.value().get() {
            more_rows.update(|r| r.extend(page.rows.clone()));
            next.set(Some(page.next_after));
        }
    });

    view! {
        <section class="customers">
            <div class="page-head">
                <h1>{tr("cust.title")}</h1>
                <leptos_router::components::A href="/pools" attr:class="button secondary" attr:data-testid="to-pools">{tr("pool.title")}</leptos_router::components::A>
            </div>
            <crate::pages::activity::NewCustomer/>
            <form class="inline-form filters" data-testid="customer-filters" on:submit=move |ev| {
                ev.prevent_default();
                more_rows.set(vec![]);
                next.set(None);
                applied.set(Filter { text: text.get_untracked(), level: level.get_untracked(), city: city.get_untracked() });
            }>
                <label><span>{tr("cust.search")}</span><input type="search" bind:value=text data-testid="filter-text"/></label>
                <label><span>{tr("cust.level")}</span>
                    <select bind:value=level data-testid="filter-level">
                        <option value="">{tr("admin.all")}</option>
                        {["A", "B", "C", "D"].into_iter().map(|l| view! { <option value=l>{l}</option> }).collect_view()}
                    </select>
                </label>
                <label><span>{tr("cust.city")}</span><input bind:value=city data-testid="filter-city"/></label>
                <button type="submit" class="secondary" data-testid="filter-apply">{tr("cust.filter")}</button>
            </form>
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match first.await {
                        Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Ok(page) => {
                            let total = page.total;
                            let first_next = page.next_after;
                            let rows = page.rows;
                            let next_after = move || next.get().unwrap_or(first_next);
                            view! {
                                <p class="muted" data-testid="customer-count">
                                    {move || {
                                        let shown = if total > COUNT_CAP { "10,000+".to_string() } else { total.to_string() };
                                        t(lang.get(), "cust.count").replace("{n}", &shown)
                                    }}
                                </p>
                                <Show when=move || total == 0>
                                    <p class="empty">{tr("cust.empty")}</p>
                                </Show>
                                <table class="records" data-testid="customer-list">
                                    <thead>
                                        <tr>
                                            <th>{tr("cust.name")}</th>
                                            <th>{tr("cust.city")}</th>
                                            <th>{tr("cust.level")}</th>
                                            <th>{tr("cust.industry")}</th>
                                            <th>{tr("cust.phone")}</th>
                                            <th>{tr("cust.owner")}</th>
                                            <th>{tr("cust.unit")}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| view! { <CustomerLine row=r/> }).collect_view()}
                                        <For each=move || more_rows.get() key=|r| r.id let:r>
                                            <CustomerLine row=r/>
                                        </For>
                                    </tbody>
                                </table>
                                <Show when=move || next_after().is_some()>
                                    <button
                                        class="secondary"
                                        data-testid="load-more"
                                        disabled=move || load_more.pending().get()
                                        on:click=move |_| {
                                            if let Some(after) = next_after() {
                                                load_more.dispatch(after);
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
fn CustomerLine(row: CustomerRow) -> impl IntoView {
    let lang = use_lang();
    let dash = || "—".to_string();
    let owner = row.owner_name.clone();
    view! {
        <tr data-testid="customer-row">
            <td class="name" data-label=move || t(lang.get(), "cust.name")>
                <leptos_router::components::A href=format!("/customers/{}", row.id)>{row.name.clone()}</leptos_router::components::A>
            </td>
            <td data-label=move || t(lang.get(), "cust.city") data-testid="customer-city">{row.city.clone().unwrap_or_else(dash)}</td>
            <td data-label=move || t(lang.get(), "cust.level")>{row.level.clone().unwrap_or_else(dash)}</td>
            <td data-label=move || t(lang.get(), "cust.industry")>{row.industry.clone().unwrap_or_else(dash)}</td>
            <td data-label=move || t(lang.get(), "cust.phone")>{row.phone.clone().unwrap_or_else(dash)}</td>
            <td data-label=move || t(lang.get(), "cust.owner")>
                {move || owner.clone().unwrap_or_else(|| t(lang.get(), "cust.pool").to_string())}
            </td>
            <td data-label=move || t(lang.get(), "cust.unit")>{row.unit_name.clone()}</td>
        </tr>
    }
}
