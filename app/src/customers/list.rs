//! The customer list, through the policy: only customers the user may read, without the fields
//! they may not read. Filters, sort, chosen columns and saved views; the list remembers where the
//! user left it. A selection can be assigned, tagged, released to the pool or exported, each
//! record decided by the policy. Desktop: a table; phone: cards. The open list follows live
//! changes: a changed row updates in place, a row the user may no longer see is struck through,
//! new arrivals are announced instead of inserted.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::Serialize;

use crate::activity::new_customer::NewCustomer;
use crate::customers::bulk::{BulkBar, BulkReport, ListTools};
use crate::customers::filters::FilterForm;
use crate::customers::rows::CustomerRow;
use crate::customers::spec::{ListSetup, ListSpec, COLUMNS, DEFAULT_COLUMNS};
use crate::customers::views::ViewsBar;
use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};
use crate::ui::action_error::ActionError;
use crate::ui::fields::column_key;
use crate::ui::format::format_day;
use crate::ui::list::{capped_count, COUNT_CAP};
use crate::ui::loading::resource;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerList {
    /// The spec the rows were found with (the remembered one when none was asked for).
    pub spec: ListSpec,
    pub rows: Vec<CustomerRow>,
    /// Exact up to [`COUNT_CAP`]; above it, `COUNT_CAP + 1`. With the first page only.
    pub total: Option<i64>,
    pub next: Option<String>,
    pub setup: Option<ListSetup>,
}

domain_types::object_decoder!(CustomerList { spec, rows, #[default] total, #[default] next, #[default] setup });

#[server(endpoint = "customers/list", input = Json)]
pub async fn list_customers(spec: Option<ListSpec>, after: Option<String>) -> Result<CustomerList, AppError> {
    use crate::customers::rows::row_of;
    use crate::customers::spec::{convert, SavedViewDto};
    use crate::customers::views::readable_columns;
    use crate::server::{actor, domain_err};
    use crate::ui::list::PAGE_SIZE;
    use domain::customers::list::{self, Cursor, ListQuery, ViewSpec};
    use domain::roles::{Action, ObjectType};
    let (st, actor) = actor().await?;
    let first_page = after.is_none();
    let view: ViewSpec = match &spec {
        Some(s) => convert::to_domain(s)?,
        None => domain::views::last(&st.db, &actor, ObjectType::Customer).await.map_err(domain_err)?.unwrap_or_default(),
    };
    let after = after.map(|c| Cursor::parse(&c)).transpose().map_err(domain_err)?;
    let q = ListQuery { filter: view.filter.clone(), sort: view.sort, after, limit: PAGE_SIZE };
    let page = list::page(&st.db, &actor, &q).await.map_err(domain_err)?;
    // Counted once per view, with its first page; further pages only page.
    let total = if first_page { Some(list::count(&st.db, &actor, &view.filter, false).await.map_err(domain_err)?) } else { None };
    let setup = if first_page {
        if spec.is_some() {
            domain::views::remember(&st.db, &actor, ObjectType::Customer, &view).await.map_err(domain_err)?;
        }
        let views = domain::views::list::<ViewSpec>(&st.db, &actor, ObjectType::Customer).await.map_err(domain_err)?;
        let dir = domain::org::directory(&st.db).await.map_err(domain_err)?;
        Some(ListSetup {
            views: views.into_iter().map(|v| SavedViewDto { id: v.id, name: v.name, spec: convert::from_domain(&v.spec) }).collect(),
            tags: domain::customers::tags::tags_in_use(&st.db, &actor, 50).await.map_err(domain_err)?,
            users: dir.users,
            units: dir.units,
            columns: readable_columns(&actor),
            can_assign: actor.grants.can(ObjectType::Customer, Action::Assign),
            can_tag: actor.grants.can(ObjectType::Customer, Action::Update)
                && actor.fields.access(ObjectType::Customer, "tags") == domain::policy::FieldAccess::Edit,
            can_export: actor.grants.can(ObjectType::Customer, Action::Export),
        })
    } else {
        None
    };
    Ok(CustomerList {
        spec: convert::from_domain(&view),
        rows: page.rows.into_iter().map(row_of).collect(),
        total,
        next: page.next.map(|c| c.encode()),
        setup,
    })
}

/// One row of the list, fresh (None when the user may no longer see it there).
#[server(endpoint = "customers/row")]
pub async fn fresh_customer_row(id: i64) -> Result<Option<CustomerRow>, AppError> {
    use crate::customers::rows::row_of;
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    Ok(domain::customers::list_row(&st.db, &actor, id).await.map_err(domain_err)?.map(row_of))
}

/// The exact number of customers a list spec shows, for when "10,000+" is not enough.
#[server(endpoint = "customers/count", input = Json)]
pub async fn count_customers_exactly(spec: ListSpec) -> Result<i64, AppError> {
    use crate::customers::spec::convert;
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let view = convert::to_domain(&spec)?;
    domain::customers::list::count(&st.db, &actor, &view.filter, true).await.map_err(domain_err)
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let lang = use_lang();
    // None: the state the user left the list in.
    let applied = RwSignal::new(None::<ListSpec>);
    let tools = ListTools::new();
    let data = resource(move || (applied.get(), tools.changed.get()), |(spec, _)| list_customers(spec, None));
    let more_rows = RwSignal::new(Vec::<CustomerRow>::new());
    let next = RwSignal::new(None::<Option<String>>);
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    // The next page goes through the list's tools like the other requests: one at a time, so a
    // double click asks once, and a failure shows in the page's error line.
    let load_more = move |after: String| {
        let spec = applied.get_untracked();
        tools.run(list_customers(spec, Some(after)), move |page| {
            more_rows.update(|r| r.extend(page.rows));
            next.set(Some(page.next));
        });
    };
    // A changed list starts over: extra pages and the selection belong to the old one.
    let reset = move || {
        more_rows.set(vec![]);
        next.set(None);
        selected.set(BTreeSet::new());
    };
    // Whether "more filters" is open: the page keeps it while the list reloads under it.
    let filters_open = RwSignal::new(false);
    // A tool changed what the list shows: it reloads from the first page.
    Effect::new(move |seen: Option<u32>| {
        let now = tools.changed.get();
        if seen.is_some_and(|n| n != now) {
            reset();
        }
        now
    });

    view! {
        <section class="customers">
            <div class="page-head">
                <h1>{tr("cust.title")}</h1>
                <nav class="tabs inline">
                    <leptos_router::components::A href="/contacts" attr:data-testid="to-contacts">{tr("contact.title")}</leptos_router::components::A>
                    <leptos_router::components::A href="/pools" attr:data-testid="to-pools">{tr("pool.title")}</leptos_router::components::A>
                    <leptos_router::components::A href="/segments" attr:data-testid="to-segments">{tr("segment.title")}</leptos_router::components::A>
                    <leptos_router::components::A href="/customers/import" attr:data-testid="to-import">{tr("imp.link")}</leptos_router::components::A>
                </nav>
            </div>
            <NewCustomer/>
            <ActionError error=tools.error.into()/>
            <BulkReport tools/>
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <p class="form-error" data-testid="list-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Ok(list) => view! {
                            <ListBody list applied selected more_rows next load_more tools reset filters_open/>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn ListBody(
    list: CustomerList,
    applied: RwSignal<Option<ListSpec>>,
    selected: RwSignal<BTreeSet<i64>>,
    more_rows: RwSignal<Vec<CustomerRow>>,
    next: RwSignal<Option<Option<String>>>,
    load_more: impl Fn(String) + Copy + Send + Sync + 'static,
    tools: ListTools,
    reset: impl Fn() + Copy + Send + Sync + 'static,
    filters_open: RwSignal<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let setup = list.setup.clone().unwrap_or_default();
    let spec = list.spec.clone();
    // The form starts from the spec the rows were found with.
    let form = RwSignal::new(spec.clone());
    let readable = setup.columns.clone();
    let shown: Vec<String> = {
        let wanted: Vec<String> = if spec.columns.is_empty() { DEFAULT_COLUMNS.iter().map(|c| c.to_string()).collect() } else { spec.columns.clone() };
        COLUMNS.iter().map(|c| c.to_string()).filter(|c| wanted.contains(c) && readable.contains(c)).collect()
    };
    let shown_more = shown.clone();
    let spec_for_count = spec.clone();
    let spec_for_reload = StoredValue::new(spec.clone());
    // Rows update in place when a live event says one changed; new customers are announced, not
    // inserted, so nothing moves under the user's eyes.
    let rows = RwSignal::new(list.rows.clone());
    let flashed = RwSignal::new(BTreeSet::<i64>::new());
    let gone = RwSignal::new(BTreeSet::<i64>::new());
    let fresh = RwSignal::new(0usize);
    let all_rows = move || rows.get().into_iter().chain(more_rows.get()).collect::<Vec<_>>();
    if let Some(live) = crate::live::use_live() {
        Effect::new(move |_| {
            let Some(e) = live.last.get() else { return };
            if e.object != "customer" {
                return;
            }
            let id = e.record_id;
            let shown_here = rows.with_untracked(|r| r.iter().any(|x| x.id == id)) || more_rows.with_untracked(|r| r.iter().any(|x| x.id == id));
            if !shown_here {
                if e.kind == "customer.create" || e.kind == "customer.assign" || e.kind == "record.transfer" || e.kind == "pool.claim" {
                    fresh.update(|n| *n += 1);
                }
                return;
            }
            leptos::task::spawn_local(async move {
                match fresh_customer_row(id).await {
                    Ok(Some(row)) => {
                        let replace = |list: &mut Vec<CustomerRow>| list.iter_mut().filter(|x| x.id == id).for_each(|x| *x = row.clone());
                        rows.update(replace);
                        more_rows.update(replace);
                        gone.update(|g| { g.remove(&id); });
                        flashed.update(|f| { f.insert(id); });
                        set_timeout(move || flashed.update(|f| { f.remove(&id); }), std::time::Duration::from_millis(1600));
                    }
                    Ok(None) => gone.update(|g| { g.insert(id); }),
                    Err(_) => {}
                }
            });
        });
    }
    let exact = RwSignal::new(None::<i64>);
    let total = list.total.unwrap_or(0);
    let first_next = list.next.clone();
    let next_after = Signal::derive(move || next.get().unwrap_or_else(|| first_next.clone()));
    let page_ids: Vec<i64> = list.rows.iter().map(|r| r.id).collect();
    let apply = move |s: ListSpec| {
        reset();
        applied.set(Some(s));
    };

    view! {
        <ViewsBar views=setup.views.clone() form apply tools/>
        <FilterForm setup=setup.clone() shown=shown.clone() form apply opened=filters_open/>
        <BulkBar setup=setup.clone() selected spec=spec.clone() tools/>
        <p class="muted" data-testid="customer-count">
            {move || {
                let shown = match exact.get() {
                    Some(n) => n.to_string(),
                    None => capped_count(total),
                };
                t(lang.get(), "cust.count").replace("{n}", &shown)
            }}
            <Show when=move || { total > COUNT_CAP && exact.get().is_none() }>
                " "<button class="link" data-testid="count-exactly" disabled=move || tools.busy.get()
                    on:click={ let spec = spec_for_count.clone(); move |_| tools.run(count_customers_exactly(spec.clone()), move |n| exact.set(Some(n))) }>{tr("cust.count_exactly")}</button>
            </Show>
        </p>
        {(total == 0).then(|| view! { <p class="empty">{tr("cust.empty")}</p> })}
        <Show when=move || { fresh.get() > 0 }>
            <button class="secondary new-rows" data-testid="new-rows" on:click=move |_| { reset(); applied.set(Some(spec_for_reload.get_value())); }>
                {move || t(lang.get(), "cust.new_rows").replace("{n}", &fresh.get().to_string())}
            </button>
        </Show>
        <table class="records selectable" data-testid="customer-list">
            <thead>
                <tr>
                    <th class="pick">
                        <input type="checkbox" data-testid="select-page" title=move || t(lang.get(), "bulk.select_page")
                            prop:checked={ let ids = page_ids.clone(); move || !ids.is_empty() && ids.iter().all(|i| selected.get().contains(i)) }
                            on:change={ let ids = page_ids.clone(); move |ev| {
                                let on = event_target_checked(&ev);
                                selected.update(|s| for i in &ids { if on { s.insert(*i); } else { s.remove(i); } });
                            }}/>
                    </th>
                    <th>{tr("cust.name")}</th>
                    {shown.iter().map(|c| { let key = column_key(c); view! { <th>{move || t(lang.get(), key)}</th> } }).collect_view()}
                </tr>
            </thead>
            <tbody>
                <For each=all_rows key=|r| (r.id, r.updated_at) let:r>
                    <CustomerLine row=r columns=shown_more.clone() selected flashed gone/>
                </For>
            </tbody>
        </table>
        <Show when=move || next_after.get().is_some()>
            <button class="secondary" data-testid="load-more" disabled=move || tools.busy.get()
                on:click=move |_| { if let Some(after) = next_after.get_untracked() { load_more(after); } }>
                {tr("cust.more")}
            </button>
        </Show>
    }
}

#[component]
fn CustomerLine(row: CustomerRow, columns: Vec<String>, selected: RwSignal<BTreeSet<i64>>, flashed: RwSignal<BTreeSet<i64>>, gone: RwSignal<BTreeSet<i64>>) -> impl IntoView {
    let lang = use_lang();
    let id = row.id;
    let dash = || "—".to_string();
    let cells = columns
        .iter()
        .map(|c| {
            let key = column_key(c);
            let value = match c.as_str() {
                "level" => row.level.clone().unwrap_or_else(dash),
                "city" => row.city.clone().unwrap_or_else(dash),
                "province" => row.province.clone().unwrap_or_else(dash),
                "industry" => row.industry.clone().unwrap_or_else(dash),
                "phone" => row.phone.clone().unwrap_or_else(dash),
                "tags" => row.tags.clone().map(|t| t.join("、")).unwrap_or_default(),
                "source" => row.source.clone().unwrap_or_else(dash),
                "unit" => row.unit_name.clone(),
                "last_follow_up" => format_day(row.last_follow_up_at),
                "updated" => format_day(row.updated_at),
                _ => String::new(),
            };
            let owner = row.owner_name.clone();
            let status = row.status.clone();
            let dynamic = match c.as_str() {
                "owner" => Some(Signal::derive(move || owner.clone().unwrap_or_else(|| t(lang.get(), "cust.pool").to_string()))),
                "status" => Some(Signal::derive(move || match status.as_deref() {
                    Some("inactive") => t(lang.get(), "cust.status_inactive").to_string(),
                    Some(_) => t(lang.get(), "cust.status_active").to_string(),
                    None => "—".to_string(),
                })),
                _ => None,
            };
            let testid = format!("customer-{c}");
            view! {
                <td data-label=move || t(lang.get(), key) data-testid=testid>
                    {match dynamic {
                        Some(s) => s.into_any(),
                        None => value.into_any(),
                    }}
                </td>
            }
        })
        .collect_view();
    view! {
        <tr data-testid="customer-row" data-id=id.to_string() class:picked=move || selected.get().contains(&id)
            class:flash=move || flashed.get().contains(&id) class:gone=move || gone.get().contains(&id)>
            <td class="pick">
                <input type="checkbox" data-testid="select-row" prop:checked=move || selected.get().contains(&id)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                    }/>
            </td>
            <td class="name" data-label=move || t(lang.get(), "cust.name")>
                // A plain link: the router handles clicks on any same-origin <a>.
                <a href=format!("/customers/{id}")>{row.name.clone()}</a>
            </td>
            {cells}
        </tr>
    }
}
