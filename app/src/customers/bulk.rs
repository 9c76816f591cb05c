//! Bulk actions on the customer list and the CSV export: a selection (or the whole page) can be
//! assigned, tagged, untagged, released to the pool or exported. The policy decides each record;
//! refused ones are listed with the reason and left untouched, and every export is audited.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::customers::spec::{ListSetup, ListSpec};
use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};
use crate::ui::first_use::OnFirstUse;

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
    use crate::customers::spec::convert;
    use crate::server::{actor, domain_err};
    use crate::ui::fields::column_key;
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

/// What the list's tools (bulk actions, the export, saving and deleting views) are doing and last
/// did. The page owns it, so a report outlives the selection that caused it; the tools' code is
/// fetched when first used, and reports here.
#[derive(Clone, Copy)]
pub struct ListTools {
    pub bulk: RwSignal<Option<BulkOutcome>>,
    /// Rows written and rows skipped by the last export.
    pub exported: RwSignal<Option<(usize, usize)>>,
    pub error: RwSignal<Option<AppError>>,
    /// A request is under way: the tools wait (a double click sends one request).
    pub busy: RwSignal<bool>,
    /// Counts the changes a tool made to what the list shows; the list reloads on each.
    pub changed: RwSignal<u32>,
}

impl ListTools {
    pub fn new() -> Self {
        Self {
            bulk: RwSignal::new(None),
            exported: RwSignal::new(None),
            error: RwSignal::new(None),
            busy: RwSignal::new(false),
            changed: RwSignal::new(0),
        }
    }

    /// Runs one tool's request unless another is under way; `done` gets its answer, an error shows.
    pub fn run<T: 'static>(self, request: impl std::future::Future<Output = Result<T, AppError>> + 'static, done: impl FnOnce(T) + 'static) {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = request.await;
            self.busy.set(false);
            match answer {
                Ok(value) => {
                    self.error.set(None);
                    done(value);
                }
                Err(e) => self.error.set(Some(e)),
            }
        });
    }

    /// Tells the list that a tool changed what it shows: the list reloads.
    pub fn mark_changed(self) {
        self.changed.update(|n| *n += 1);
    }

    /// Exports the chosen customers (none: all the spec shows) as a CSV download.
    pub fn export(self, ids: Vec<i64>, spec: ListSpec) {
        self.run(export_download(ids, spec), move |counts| self.exported.set(Some(counts)));
    }
}

impl Default for ListTools {
    fn default() -> Self {
        Self::new()
    }
}

/// Fetches the export and offers it as a file; in its own chunk, fetched on the first export.
#[lazy]
async fn export_download(ids: Vec<i64>, spec: ListSpec) -> Result<(usize, usize), AppError> {
    let file = export_customers(ids, spec).await?;
    crate::ui::files::download(&file.file_name, "text/csv;charset=utf-8", &file.csv);
    Ok((file.rows, file.skipped))
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

/// What the last bulk action or export did. Its code is fetched with the first report.
#[component]
pub fn BulkReport(tools: ListTools) -> impl IntoView {
    let any = move || tools.bulk.with(Option::is_some) || tools.exported.with(Option::is_some);
    view! {
        <OnFirstUse when=Signal::derive(any) part=move || reports(tools)/>
    }
}

#[lazy]
fn reports(tools: ListTools) -> AnyView {
    view! { <Reports tools/> }.into_any()
}

#[component]
fn Reports(tools: ListTools) -> impl IntoView {
    let lang = use_lang();
    view! {
        {move || tools.bulk.get().map(|r| {
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
        {move || tools.exported.get().map(|(rows, skipped)| view! {
            <p class="notice" data-testid="export-result">
                {move || t(lang.get(), "export.result").replace("{rows}", &rows.to_string()).replace("{skipped}", &skipped.to_string())}
            </p>
        })}
    }
}

/// The bar above the list: "export all" while nothing is selected, the actions on the selection
/// once something is. Most visits never select, so those actions' code is fetched on the first
/// selection.
#[component]
pub fn BulkBar(setup: ListSetup, selected: RwSignal<BTreeSet<i64>>, spec: ListSpec, tools: ListTools) -> impl IntoView {
    let can_export = setup.can_export;
    let any = move || !selected.get().is_empty();
    let all_spec = spec.clone();
    let args = StoredValue::new((setup, spec));
    view! {
        <div class="bulk-bar" data-testid="bulk-bar">
            <OnFirstUse when=Signal::derive(any) part=move || {
                let (setup, spec) = args.get_value();
                selection_actions(setup, selected, spec, tools)
            }/>
            <Show when=move || can_export && !any()>
                <button class="secondary" data-testid="export-all" disabled=move || tools.busy.get() on:click={
                    let spec = all_spec.clone();
                    move |_| tools.export(vec![], spec.clone())
                }>{tr("export.all")}</button>
            </Show>
        </div>
    }
}

#[lazy]
fn selection_actions(setup: ListSetup, selected: RwSignal<BTreeSet<i64>>, spec: ListSpec, tools: ListTools) -> AnyView {
    view! { <SelectionActions setup selected spec tools/> }.into_any()
}

/// Assign, tag, untag, release or export the selected customers.
#[component]
fn SelectionActions(setup: ListSetup, selected: RwSignal<BTreeSet<i64>>, spec: ListSpec, tools: ListTools) -> impl IntoView {
    let lang = use_lang();
    let to_user = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let ids = move || selected.get_untracked().into_iter().collect::<Vec<_>>();
    let run = move |request: BulkRequest| {
        tools.run(bulk_customers(ids(), request), move |outcome| {
            tools.bulk.set(Some(outcome));
            tools.mark_changed();
        });
    };
    let (can_assign, can_tag, can_export) = (setup.can_assign, setup.can_tag, setup.can_export);
    let users = setup.users.clone();
    let busy = move || tools.busy.get();
    view! {
        <strong data-testid="selected-count">{move || t(lang.get(), "bulk.selected").replace("{n}", &selected.get().len().to_string())}</strong>
        <button class="link" on:click=move |_| selected.set(BTreeSet::new())>{tr("bulk.clear")}</button>
        <Show when=move || can_assign>
            <form class="inline" on:submit=move |ev| {
                ev.prevent_default();
                if let Ok(u) = to_user.get_untracked().parse() { run(BulkRequest::Assign { to_user: u }); }
            }>
                <select bind:value=to_user required data-testid="bulk-assign-to">
                    <option value="">{tr("pool.assign")}</option>
                    {users.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                </select>
                <button type="submit" class="secondary" data-testid="bulk-assign" disabled=busy>{tr("bulk.assign")}</button>
            </form>
        </Show>
        <Show when=move || can_tag>
            <form class="inline" on:submit=move |ev| ev.prevent_default()>
                <input bind:value=tag list="bulk-tag-choices" placeholder=move || t(lang.get(), "cust.tags") data-testid="bulk-tag"/>
                {crate::customers::tags::tag_choices("bulk-tag-choices", &setup.tags)}
                <button type="button" class="secondary" data-testid="bulk-add-tag" disabled=busy on:click=move |_| run(BulkRequest::AddTag { tag: tag.get_untracked() })>{tr("bulk.add_tag")}</button>
                <button type="button" class="secondary" data-testid="bulk-remove-tag" disabled=busy on:click=move |_| run(BulkRequest::RemoveTag { tag: tag.get_untracked() })>{tr("bulk.remove_tag")}</button>
            </form>
        </Show>
        <form class="inline" on:submit=move |ev| {
            ev.prevent_default();
            run(BulkRequest::Release { reason: reason.get_untracked() });
        }>
            <input bind:value=reason required placeholder=move || t(lang.get(), "pool.reason") data-testid="bulk-reason"/>
            <button type="submit" class="secondary" data-testid="bulk-release" disabled=busy>{tr("pool.release")}</button>
        </form>
        <Show when=move || can_export>
            <button class="secondary" data-testid="bulk-export" disabled=busy on:click={
                let spec = spec.clone();
                move |_| tools.export(ids(), spec.clone())
            }>{tr("export.selected")}</button>
        </Show>
    }
}
