//! The customer list, through the policy: only customers the user may read, without the fields
//! they may not read. Filters, sort, chosen columns and saved views; the list remembers where the
//! user left it. A selection can be assigned, tagged, released to the pool or exported, each
//! record decided by the policy. Desktop: a table; phone: cards.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::fields::column_key;
use crate::ui::files::download;
use crate::ui::format::format_day;
use crate::ui::list::COUNT_CAP;

/// A customer as a row of the list: the columns a list shows, hidden ones left out (the domain's
/// CustomerView is the whole record; a page of 50 rows stays small).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: i64,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    pub owner_name: Option<String>,
    pub unit_name: String,
    pub last_follow_up_at: i64,
    pub updated_at: i64,
}

/// The list's filters as typed: dates as `YYYY-MM-DD` (UTC), people and units by id. Empty
/// fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub text: String,
    pub level: String,
    pub province: String,
    pub city: String,
    pub status: String,
    pub tag: String,
    pub owner: String,
    pub unit: String,
    pub follow_before: String,
    pub follow_after: String,
}

/// Filters, sort and columns: what a saved view holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListSpec {
    pub filter: Filter,
    /// "created", "name", "updated", "last_follow_up"
    pub sort: String,
    pub desc: bool,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedViewDto {
    pub id: i64,
    pub name: String,
    pub spec: ListSpec,
}

/// What the page needs besides the rows, sent with the first page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSetup {
    pub views: Vec<SavedViewDto>,
    pub tags: Vec<String>,
    pub users: Vec<(i64, String)>,
    pub units: Vec<(i64, String)>,
    /// Columns the user may see, in display order.
    pub columns: Vec<String>,
    pub can_assign: bool,
    pub can_tag: bool,
    pub can_export: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerList {
    /// The spec the rows were found with (the remembered one when none was asked for).
    pub spec: ListSpec,
    pub rows: Vec<CustomerRow>,
    /// Exact up to [`COUNT_CAP`]; above it, `COUNT_CAP + 1`. With the first page only.
    pub total: Option<i64>,
    pub next: Option<String>,
    pub setup: Option<ListSetup>,
}

/// Every column the list can show, in order; the user's roles may hide some.
pub const COLUMNS: &[&str] = &["level", "city", "province", "industry", "phone", "tags", "status", "source", "owner", "unit", "last_follow_up", "updated"];
const DEFAULT_COLUMNS: &[&str] = &["level", "city", "industry", "phone", "tags", "owner", "unit", "last_follow_up"];

fn sort_key(s: &str) -> &'static str {
    match s {
        "name" => "cust.sort_name",
        "updated" => "cust.sort_updated",
        "last_follow_up" => "cust.sort_follow_up",
        _ => "cust.sort_created",
    }
}

#[cfg(feature = "ssr")]
mod convert {
    use super::*;
    use domain::clock::{format_date, start_of_day_ms};
    use domain::customers::list::{ListFilter, Sort, SortKey, ViewSpec};

    fn date(field: &str, s: &str) -> Result<Option<i64>, AppError> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        start_of_day_ms(s).map(Some).ok_or_else(|| crate::error::fail(AppError::Invalid { field: field.into(), code: "format".into() }))
    }

    fn id(field: &str, s: &str) -> Result<Option<i64>, AppError> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        s.trim().parse().map(Some).map_err(|_| crate::error::fail(AppError::Invalid { field: field.into(), code: "format".into() }))
    }

    pub fn to_domain(spec: &ListSpec) -> Result<ViewSpec, AppError> {
        let f = &spec.filter;
        Ok(ViewSpec {
            filter: ListFilter {
                text: f.text.clone(),
                level: f.level.clone(),
                province: f.province.clone(),
                city: f.city.clone(),
                status: f.status.clone(),
                tag: f.tag.clone(),
                owner_id: id("owner", &f.owner)?,
                unit_id: id("unit", &f.unit)?,
                follow_up_before: date("follow_before", &f.follow_before)?,
                follow_up_after: date("follow_after", &f.follow_after)?,
                ..Default::default()
            },
            sort: Sort { key: SortKey::parse(&spec.sort).unwrap_or_default(), descending: spec.desc },
            columns: spec.columns.iter().filter(|c| COLUMNS.contains(&c.as_str())).cloned().collect(),
        })
    }

    pub fn from_domain(v: &ViewSpec) -> ListSpec {
        let f = &v.filter;
        ListSpec {
            filter: Filter {
                text: f.text.clone(),
                level: f.level.clone(),
                province: f.province.clone(),
                city: f.city.clone(),
                status: f.status.clone(),
                tag: f.tag.clone(),
                owner: f.owner_id.map(|i| i.to_string()).unwrap_or_default(),
                unit: f.unit_id.map(|i| i.to_string()).unwrap_or_default(),
                follow_before: f.follow_up_before.map(format_date).unwrap_or_default(),
                follow_after: f.follow_up_after.map(format_date).unwrap_or_default(),
            },
            sort: v.sort.key.as_str().to_string(),
            desc: v.sort.descending,
            columns: v.columns.clone(),
        }
    }
}

#[cfg(feature = "ssr")]
pub fn row_of(v: domain::customers::CustomerView) -> CustomerRow {
    CustomerRow {
        id: v.id,
        name: v.name,
        city: v.city,
        province: v.province,
        level: v.level,
        industry: v.industry,
        phone: v.phone,
        source: v.source,
        status: v.status,
        tags: v.tags,
        owner_name: v.owner_name,
        unit_name: v.unit_name,
        last_follow_up_at: v.last_follow_up_at,
        updated_at: v.updated_at,
    }
}

/// The columns a user may see: those whose field their roles let them read.
#[cfg(feature = "ssr")]
fn readable_columns(actor: &domain::policy::Actor) -> Vec<String> {
    use domain::roles::ObjectType;
    COLUMNS
        .iter()
        .filter(|c| match **c {
            "owner" | "unit" | "last_follow_up" | "updated" => true,
            field => actor.fields.can_read(ObjectType::Customer, field),
        })
        .map(|c| c.to_string())
        .collect()
}

#[server(endpoint = "customers/list", input = Json)]
pub async fn list_customers(spec: Option<ListSpec>, after: Option<String>) -> Result<CustomerList, AppError> {
    use crate::server::{actor, domain_err};
    use domain::customers::list::{self, Cursor, ListQuery, ViewSpec};
    use domain::roles::{Action, ObjectType};
    let (st, actor) = actor().await?;
    let first_page = after.is_none();
    let view: ViewSpec = match &spec {
        Some(s) => convert::to_domain(s)?,
        None => domain::views::last(&st.db, &actor, ObjectType::Customer).await.map_err(domain_err)?.unwrap_or_default(),
    };
    let after = after.map(|c| Cursor::parse(&c)).transpose().map_err(domain_err)?;
    let q = ListQuery { filter: view.filter.clone(), sort: view.sort, after, limit: crate::ui::list::PAGE_SIZE };
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
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    Ok(domain::customers::list_row(&st.db, &actor, id).await.map_err(domain_err)?.map(row_of))
}

/// The exact number of customers a list spec shows, for when "10,000+" is not enough.
#[server(endpoint = "customers/count", input = Json)]
pub async fn count_customers_exactly(spec: ListSpec) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let view = convert::to_domain(&spec)?;
    domain::customers::list::count(&st.db, &actor, &view.filter, true).await.map_err(domain_err)
}

#[server(endpoint = "customers/views/save", input = Json)]
pub async fn save_customer_view(name: String, spec: ListSpec) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let view = convert::to_domain(&spec)?;
    domain::views::save(&st.db, &actor, domain::roles::ObjectType::Customer, &name, &view).await.map_err(domain_err)
}

#[server(endpoint = "customers/views/delete")]
pub async fn delete_customer_view(id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::views::delete(&st.db, &actor, id).await.map_err(domain_err)
}

/// A bulk action as the browser posts it (`{"AddTag": {"tag": ..}}`); the domain's BulkAction
/// takes tags as parsed values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkRequest {
    Assign { to_user: i64 },
    AddTag { tag: String },
    RemoveTag { tag: String },
    Release { reason: String },
}

/// What a bulk action did, as counts and (name, reason) pairs (the browser and its tests read this
/// shape; the domain's BulkResult lists ids).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub done: usize,
    pub unchanged: usize,
    /// (name when readable, reason code)
    pub refused: Vec<(Option<String>, String)>,
}

#[server(endpoint = "customers/bulk", input = Json)]
pub async fn bulk_customers(ids: Vec<i64>, request: BulkRequest) -> Result<BulkOutcome, AppError> {
    use crate::server::{actor, domain_err};
    use domain::customers::bulk::{apply, BulkAction};
    let (st, actor) = actor().await?;
    let action = match request {
        BulkRequest::Assign { to_user } => BulkAction::Assign { to_user },
        BulkRequest::AddTag { tag } => BulkAction::AddTag(tag),
        BulkRequest::RemoveTag { tag } => BulkAction::RemoveTag(tag),
        BulkRequest::Release { reason } => BulkAction::Release { reason },
    };
    let r = apply(&st.db, &actor, &ids, &action).await.map_err(domain_err)?;
    Ok(BulkOutcome { done: r.done.len(), unchanged: r.unchanged.len(), refused: r.refused.into_iter().map(|x| (x.name, x.reason)).collect() })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFile {
    pub file_name: String,
    pub csv: String,
    pub rows: usize,
    pub skipped: usize,
}

/// Exports the chosen customers, or (without ids) everything the list spec shows.
#[server(endpoint = "customers/export", input = Json)]
pub async fn export_customers(ids: Vec<i64>, spec: ListSpec) -> Result<ExportFile, AppError> {
    use crate::server::{actor, domain_err};
    use domain::customers::export::{export, to_csv, Selection};
    // The language is read before the first await (see `crate::server`).
    let lang = crate::i18n::request_lang(&use_context::<http::request::Parts>().map(|p| p.headers).unwrap_or_default());
    let (st, actor) = actor().await?;
    let selection = if ids.is_empty() {
        let view = convert::to_domain(&spec)?;
        Selection::Filter { filter: view.filter, sort: view.sort }
    } else {
        Selection::Ids(ids)
    };
    let table = export(&st.db, &actor, &selection).await.map_err(domain_err)?;
    let header: Vec<String> = table.columns.iter().map(|c| t(lang, column_key(c)).to_string()).collect();
    let date = domain::clock::format_date(domain::clock::now_ms());
    Ok(ExportFile { file_name: format!("customers-{date}.csv"), csv: to_csv(&header, &table.rows), rows: table.rows.len(), skipped: table.skipped })
}

fn refusal_key(reason: &str) -> &'static str {
    match reason {
        "not_found" => "bulk.not_found",
        "forbidden" => "bulk.forbidden",
        "read_only_field" => "bulk.read_only",
        "already_in_pool" => "err.already_in_pool",
        "no_pool" => "err.no_pool",
        _ => "invalid.other",
    }
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let lang = use_lang();
    // None: the state the user left the list in.
    let applied = RwSignal::new(None::<ListSpec>);
    let bulk = ServerAction::<BulkCustomers>::new();
    let save_view = ServerAction::<SaveCustomerView>::new();
    let delete_view = ServerAction::<DeleteCustomerView>::new();
    let data = Resource::new(
        move || (applied.get(), bulk.version().get(), save_view.version().get(), delete_view.version().get()),
        |(spec, ..)| list_customers(spec, None),
    );
    let more_rows = RwSignal::new(Vec::<CustomerRow>::new());
    let next = RwSignal::new(None::<Option<String>>);
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let load_more = Action::new(move |after: &String| {
        let after = after.clone();
        let spec = applied.get_untracked();
        async move { list_customers(spec, Some(after)).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = load_more.value().get() {
            more_rows.update(|r| r.extend(page.rows.clone()));
            next.set(Some(page.next.clone()));
        }
    });
    let export = Action::new(move |(ids, spec): &(Vec<i64>, ListSpec)| {
        let (ids, spec) = (ids.clone(), spec.clone());
        async move { export_customers(ids, spec).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(file)) = export.value().get() {
            download(&file.file_name, "text/csv;charset=utf-8", &file.csv);
        }
    });
    // A changed list starts over: extra pages and the selection belong to the old one.
    let reset = move || {
        more_rows.set(vec![]);
        next.set(None);
        selected.set(BTreeSet::new());
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = bulk.value().get() {
            reset();
        }
    });
    let errors = first_error(vec![error_of(bulk.value()), error_of(save_view.value()), error_of(delete_view.value()), error_of(export.value()), error_of(load_more.value())]);

    view! {
        <section class="customers">
            <div class="page-head">
                <h1>{tr("cust.title")}</h1>
                <nav class="tabs inline">
                    <leptos_router::components::A href="/contacts" attr:data-testid="to-contacts">{tr("contact.title")}</leptos_router::components::A>
                    <leptos_router::components::A href="/pools" attr:data-testid="to-pools">{tr("pool.title")}</leptos_router::components::A>
                </nav>
            </div>
            <crate::activity::new_customer::NewCustomer/>
            <ActionError error=errors/>
            <BulkReport bulk export/>
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <p class="form-error" data-testid="list-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Ok(list) => view! {
                            <ListBody list applied selected more_rows next load_more bulk save_view delete_view export reset/>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// What the last bulk action or export did.
#[component]
fn BulkReport(bulk: ServerAction<BulkCustomers>, export: Action<(Vec<i64>, ListSpec), Result<ExportFile, AppError>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        {move || bulk.value().get().and_then(|r| r.ok()).map(|r| {
            let refused = r.refused.clone();
            view! {
                <div class="notice" data-testid="bulk-result">
                    {move || t(lang.get(), "bulk.result")
                        .replace("{done}", &r.done.to_string())
                        .replace("{unchanged}", &r.unchanged.to_string())
                        .replace("{refused}", &r.refused.len().to_string())}
                    <ul class="refusals">
                        {refused.into_iter().map(|(name, reason)| {
                            let key = refusal_key(&reason);
                            view! {
                                <li data-testid="bulk-refused">
                                    {move || name.clone().unwrap_or_else(|| t(lang.get(), "bulk.hidden_record").to_string())}
                                    "："{move || t(lang.get(), key)}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            }
        })}
        {move || export.value().get().and_then(|r| r.ok()).map(|f| view! {
            <p class="notice" data-testid="export-result">
                {move || t(lang.get(), "export.result").replace("{rows}", &f.rows.to_string()).replace("{skipped}", &f.skipped.to_string())}
            </p>
        })}
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
    load_more: Action<String, Result<CustomerList, AppError>>,
    bulk: ServerAction<BulkCustomers>,
    save_view: ServerAction<SaveCustomerView>,
    delete_view: ServerAction<DeleteCustomerView>,
    export: Action<(Vec<i64>, ListSpec), Result<ExportFile, AppError>>,
    reset: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let setup = list.setup.clone().unwrap_or_default();
    let spec = list.spec.clone();
    // The form starts from the spec the rows were found with.
    let form = RwSignal::new(spec.clone());
    let view_name = RwSignal::new(String::new());
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
    let exact = Action::new(|spec: &ListSpec| {
        let spec = spec.clone();
        async move { count_customers_exactly(spec).await }
    });
    let total = list.total.unwrap_or(0);
    let first_next = list.next.clone();
    let next_after = Signal::derive(move || next.get().unwrap_or_else(|| first_next.clone()));
    let page_ids: Vec<i64> = list.rows.iter().map(|r| r.id).collect();
    let apply = move |s: ListSpec| {
        reset();
        applied.set(Some(s));
    };
    let field = move |get: fn(&Filter) -> String, set: fn(&mut Filter, String)| {
        (move || get(&form.get().filter), move |v: String| form.update(|f| set(&mut f.filter, v)))
    };
    let (text, set_text) = field(|f| f.text.clone(), |f, v| f.text = v);
    let (level, set_level) = field(|f| f.level.clone(), |f, v| f.level = v);
    let (province, set_province) = field(|f| f.province.clone(), |f, v| f.province = v);
    let (city, set_city) = field(|f| f.city.clone(), |f, v| f.city = v);
    let (status, set_status) = field(|f| f.status.clone(), |f, v| f.status = v);
    let (tag, set_tag) = field(|f| f.tag.clone(), |f, v| f.tag = v);
    let (owner, set_owner) = field(|f| f.owner.clone(), |f, v| f.owner = v);
    let (unit, set_unit) = field(|f| f.unit.clone(), |f, v| f.unit = v);
    let (before, set_before) = field(|f| f.follow_before.clone(), |f, v| f.follow_before = v);
    let (after, set_after) = field(|f| f.follow_after.clone(), |f, v| f.follow_after = v);
    let can_read = |c: &str| readable.iter().any(|r| r == c);
    let (read_level, read_city, read_province, read_status, read_tags) = (can_read("level"), can_read("city"), can_read("province"), can_read("status"), can_read("tags"));
    let views = setup.views.clone();
    let views_for_pick = setup.views.clone();

    view! {
        <div class="views-bar" data-testid="views-bar">
            <label>
                <span>{tr("view.saved")}</span>
                <select data-testid="view-pick" on:change=move |ev| {
                    let id: i64 = event_target_value(&ev).parse().unwrap_or(0);
                    if let Some(v) = views_for_pick.iter().find(|v| v.id == id) {
                        apply(v.spec.clone());
                    }
                }>
                    <option value="">"—"</option>
                    {views.iter().map(|v| view! { <option value=v.id.to_string()>{v.name.clone()}</option> }).collect_view()}
                </select>
            </label>
            <form class="save-view" on:submit=move |ev| {
                ev.prevent_default();
                save_view.dispatch(SaveCustomerView { name: view_name.get_untracked(), spec: form.get_untracked() });
            }>
                <input bind:value=view_name placeholder=move || t(lang.get(), "view.name") data-testid="view-name"/>
                <button type="submit" class="secondary" data-testid="view-save">{tr("view.save")}</button>
            </form>
            {setup.views.iter().map(|v| {
                let id = v.id;
                let name = v.name.clone();
                view! {
                    <span class="chip">
                        {name}
                        <button class="link danger" title=move || t(lang.get(), "view.delete") data-testid="view-delete"
                            on:click=move |_| { delete_view.dispatch(DeleteCustomerView { id }); }>"×"</button>
                    </span>
                }
            }).collect_view()}
        </div>
        <form class="inline-form filters" data-testid="customer-filters" on:submit=move |ev| {
            ev.prevent_default();
            apply(form.get_untracked());
        }>
            <label><span>{tr("cust.search")}</span>
                <input type="search" data-testid="filter-text" prop:value=text on:input=move |ev| set_text(event_target_value(&ev))/></label>
            <Show when=move || read_level>
                <label><span>{tr("cust.level")}</span>
                    <select data-testid="filter-level" prop:value=level on:change=move |ev| set_level(event_target_value(&ev))>
                        <option value="">{tr("admin.all")}</option>
                        {["A", "B", "C", "D"].into_iter().map(|l| view! { <option value=l selected=move || level() == l>{l}</option> }).collect_view()}
                    </select></label>
            </Show>
            <Show when=move || read_province>
                <label><span>{tr("field.province")}</span>
                    <input data-testid="filter-province" prop:value=province on:input=move |ev| set_province(event_target_value(&ev))/></label>
            </Show>
            <Show when=move || read_city>
                <label><span>{tr("cust.city")}</span>
                    <input data-testid="filter-city" prop:value=city on:input=move |ev| set_city(event_target_value(&ev))/></label>
            </Show>
            <Show when=move || read_status>
                <label><span>{tr("admin.status")}</span>
                    <select data-testid="filter-status" prop:value=status on:change=move |ev| set_status(event_target_value(&ev))>
                        <option value="">{tr("admin.all")}</option>
                        <option value="active" selected=move || status() == "active">{tr("cust.status_active")}</option>
                        <option value="inactive" selected=move || status() == "inactive">{tr("cust.status_inactive")}</option>
                    </select></label>
            </Show>
            <Show when=move || read_tags>
                <label><span>{tr("cust.tags")}</span>
                    <input list="tag-choices" data-testid="filter-tag" prop:value=tag on:input=move |ev| set_tag(event_target_value(&ev))/></label>
            </Show>
            <datalist id="tag-choices">
                {setup.tags.iter().map(|t| view! { <option value=t.clone()></option> }).collect_view()}
            </datalist>
            <label><span>{tr("cust.owner")}</span>
                <select data-testid="filter-owner" prop:value=owner on:change=move |ev| set_owner(event_target_value(&ev))>
                    <option value="">{tr("admin.all")}</option>
                    {setup.users.iter().map(|(id, n)| { let v = id.to_string(); let sel = v.clone(); view! { <option value=v selected=move || owner() == sel>{n.clone()}</option> } }).collect_view()}
                </select></label>
            <label><span>{tr("cust.unit")}</span>
                <select data-testid="filter-unit" prop:value=unit on:change=move |ev| set_unit(event_target_value(&ev))>
                    <option value="">{tr("admin.all")}</option>
                    {setup.units.iter().map(|(id, n)| { let v = id.to_string(); let sel = v.clone(); view! { <option value=v selected=move || unit() == sel>{n.clone()}</option> } }).collect_view()}
                </select></label>
            <label><span>{tr("cust.follow_before")}</span>
                <input type="date" data-testid="filter-follow-before" prop:value=before on:input=move |ev| set_before(event_target_value(&ev))/></label>
            <label><span>{tr("cust.follow_after")}</span>
                <input type="date" data-testid="filter-follow-after" prop:value=after on:input=move |ev| set_after(event_target_value(&ev))/></label>
            <label><span>{tr("cust.sort")}</span>
                <select data-testid="sort-key" prop:value=move || form.get().sort on:change=move |ev| form.update(|s| s.sort = event_target_value(&ev))>
                    {["created", "name", "updated", "last_follow_up"].into_iter().map(|k| view! {
                        <option value=k selected=move || form.get().sort == k || (k == "created" && form.get().sort.is_empty())>{move || t(lang.get(), sort_key(k))}</option>
                    }).collect_view()}
                </select></label>
            <label class="check"><input type="checkbox" data-testid="sort-desc" prop:checked=move || form.get().desc
                on:change=move |ev| form.update(|s| s.desc = event_target_checked(&ev))/>{tr("cust.descending")}</label>
            <details class="columns" data-testid="columns">
                <summary class="button secondary">{tr("cust.columns")}</summary>
                <div class="checks">
                    {readable.iter().cloned().map(|c| {
                        let key = column_key(&c);
                        let c2 = c.clone();
                        let shown_now = shown.contains(&c);
                        view! {
                            <label class="check"><input type="checkbox" data-column=c.clone() prop:checked=shown_now
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let c = c2.clone();
                                    form.update(|s| {
                                        if s.columns.is_empty() {
                                            s.columns = DEFAULT_COLUMNS.iter().map(|d| d.to_string()).collect();
                                        }
                                        s.columns.retain(|x| *x != c);
                                        if on { s.columns.push(c); }
                                    });
                                }/>{move || t(lang.get(), key)}</label>
                        }
                    }).collect_view()}
                </div>
            </details>
            <button type="submit" class="primary" data-testid="filter-apply">{tr("cust.filter")}</button>
            <button type="button" class="secondary" data-testid="filter-reset" on:click=move |_| apply(ListSpec::default())>{tr("cust.reset")}</button>
        </form>
        <BulkBar setup=setup.clone() selected bulk export spec=spec.clone()/>
        <p class="muted" data-testid="customer-count">
            {move || {
                let shown = match exact.value().get() {
                    Some(Ok(n)) => n.to_string(),
                    _ if total > COUNT_CAP => "10,000+".to_string(),
                    _ => total.to_string(),
                };
                t(lang.get(), "cust.count").replace("{n}", &shown)
            }}
            <Show when=move || { total > COUNT_CAP && exact.value().get().is_none() }>
                " "<button class="link" data-testid="count-exactly" disabled=move || exact.pending().get()
                    on:click={ let spec = spec_for_count.clone(); move |_| { exact.dispatch(spec.clone()); } }>{tr("cust.count_exactly")}</button>
            </Show>
        </p>
        <Show when=move || total == 0>
            <p class="empty">{tr("cust.empty")}</p>
        </Show>
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
            <button class="secondary" data-testid="load-more" disabled=move || load_more.pending().get()
                on:click=move |_| { if let Some(after) = next_after.get_untracked() { load_more.dispatch(after); } }>
                {tr("cust.more")}
            </button>
        </Show>
    }
}

/// Actions on the selected customers; shown while something is selected.
#[component]
fn BulkBar(
    setup: ListSetup,
    selected: RwSignal<BTreeSet<i64>>,
    bulk: ServerAction<BulkCustomers>,
    export: Action<(Vec<i64>, ListSpec), Result<ExportFile, AppError>>,
    spec: ListSpec,
) -> impl IntoView {
    let lang = use_lang();
    let to_user = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let ids = move || selected.get().into_iter().collect::<Vec<_>>();
    let run = move |request: BulkRequest| {
        bulk.dispatch(BulkCustomers { ids: ids(), request });
    };
    let (can_assign, can_tag, can_export) = (setup.can_assign, setup.can_tag, setup.can_export);
    let users = setup.users.clone();
    let all_spec = spec.clone();
    let any = move || !selected.get().is_empty();
    view! {
        <div class="bulk-bar" data-testid="bulk-bar">
            <Show when=any>
                <strong data-testid="selected-count">{move || t(lang.get(), "bulk.selected").replace("{n}", &selected.get().len().to_string())}</strong>
                <button class="link" on:click=move |_| selected.set(BTreeSet::new())>{tr("bulk.clear")}</button>
            </Show>
            <Show when=move || any() && can_assign>
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    if let Ok(u) = to_user.get_untracked().parse() { run(BulkRequest::Assign { to_user: u }); }
                }>
                    <select bind:value=to_user required data-testid="bulk-assign-to">
                        <option value="">{tr("pool.assign")}</option>
                        {users.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                    </select>
                    <button type="submit" class="secondary" data-testid="bulk-assign">{tr("bulk.assign")}</button>
                </form>
            </Show>
            <Show when=move || any() && can_tag>
                <form class="inline" on:submit=move |ev| ev.prevent_default()>
                    <input bind:value=tag list="tag-choices" placeholder=move || t(lang.get(), "cust.tags") data-testid="bulk-tag"/>
                    <button type="button" class="secondary" data-testid="bulk-add-tag" on:click=move |_| run(BulkRequest::AddTag { tag: tag.get_untracked() })>{tr("bulk.add_tag")}</button>
                    <button type="button" class="secondary" data-testid="bulk-remove-tag" on:click=move |_| run(BulkRequest::RemoveTag { tag: tag.get_untracked() })>{tr("bulk.remove_tag")}</button>
                </form>
            </Show>
            <Show when=any>
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    run(BulkRequest::Release { reason: reason.get_untracked() });
                }>
                    <input bind:value=reason required placeholder=move || t(lang.get(), "pool.reason") data-testid="bulk-reason"/>
                    <button type="submit" class="secondary" data-testid="bulk-release">{tr("pool.release")}</button>
                </form>
            </Show>
            <Show when=move || any() && can_export>
                <button class="secondary" data-testid="bulk-export" on:click={
                    let spec = spec.clone();
                    move |_| { export.dispatch((ids(), spec.clone())); }
                }>{tr("export.selected")}</button>
            </Show>
            <Show when=move || can_export && !any()>
                <button class="secondary" data-testid="export-all" disabled=move || export.pending().get() on:click={
                    let spec = all_spec.clone();
                    move |_| { export.dispatch((vec![], spec.clone())); }
                }>{tr("export.all")}</button>
            </Show>
        </div>
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
                <leptos_router::components::A href=format!("/customers/{id}")>{row.name.clone()}</leptos_router::components::A>
            </td>
            {cells}
        </tr>
    }
}

