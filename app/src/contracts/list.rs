//! `/contracts`: the contracts the viewer may read (newest first, by state), the receivables tab
//! (open ones, earliest due first, overdue marked, with the totals over the viewer's scope) and
//! the form for a new contract. Both tabs follow live contract events.

use domain_types::lists::ListFilter;
use domain_types::sales::{ContractRow, ReceivableRow, CONTRACT_STATES};
use leptos::prelude::*;

use crate::contracts::api::{contract_list, receivable_list};
use crate::contracts::form::NewContract;
use crate::contracts::receivables::ReceivableTable;
use crate::contracts::words::{state_key, t, tr};
use crate::exports::ExportButton;
use crate::i18n::use_lang;
use crate::lists::{LoadMore, MineOnly, Paging, SavedViews, SearchBox};
use crate::live::use_live;
use crate::ui::format::format_money;
use crate::ui::loading::resource;

fn money(amount: Option<i64>, currency: &str) -> String {
    amount.map(|a| format_money(a, currency)).unwrap_or_else(|| "—".into())
}

#[component]
fn ContractLine(k: ContractRow) -> impl IntoView {
    let lang = use_lang();
    view! {
        <tr data-testid="contract-row">
            <td class="name" data-label=move || t(lang.get(), "k.number")><a href=format!("/contracts/{}", k.id)>{k.number.clone()}</a></td>
            <td data-label=move || t(lang.get(), "k.title")>{k.title.clone()}</td>
            <td data-label=move || t(lang.get(), "k.customer")>{k.customer_name.clone()}</td>
            <td data-label=move || t(lang.get(), "k.state")>{let s = k.state.clone(); move || t(lang.get(), state_key(&s))}</td>
            <td class="num" data-label=move || t(lang.get(), "k.amount")>{money(k.amount_minor, &k.currency)}</td>
            <td class="num" data-label=move || t(lang.get(), "k.received")>{money(k.received_minor, &k.currency)}</td>
            <td data-label=move || t(lang.get(), "k.owner")>{k.owner_name.clone().unwrap_or_default()}</td>
        </tr>
    }
}

/// The first page of contracts and those loaded after it.
#[component]
fn ContractTable(rows: Vec<ContractRow>, more: RwSignal<Vec<ContractRow>>) -> impl IntoView {
    view! {
        <table class="records" data-testid="contract-table">
            <thead><tr>
                <th>{tr("k.number")}</th><th>{tr("k.title")}</th><th>{tr("k.customer")}</th><th>{tr("k.state")}</th>
                <th class="num">{tr("k.amount")}</th><th class="num">{tr("k.received")}</th><th>{tr("k.owner")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|k| view! { <ContractLine k/> }).collect_view()}
                {move || more.get().into_iter().map(|k| view! { <ContractLine k/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn ContractsPage() -> impl IntoView {
    let lang = use_lang();
    let tab = RwSignal::new("contracts");
    let contract_filter = RwSignal::new(ListFilter::default());
    let receivable_filter = RwSignal::new(ListFilter::open());
    let live_tick = RwSignal::new(0u32);
    if let Some(live) = use_live() {
        Effect::new(move |_| {
            if live.last.get().is_some_and(|e| e.object == "contract") {
                live_tick.update(|n| *n += 1);
            }
        });
    }
    let contracts = resource(move || (contract_filter.get(), live_tick.get()), |(f, _)| contract_list(f, None));
    let receivables = resource(move || (tab.get(), receivable_filter.get(), live_tick.get()), |(tab, f, _)| async move {
        if tab == "receivables" { Some(receivable_list(f, None).await) } else { None }
    });
    let contract_pages = Paging::new(|k: &ContractRow| k.id, move |before| contract_list(contract_filter.get_untracked(), Some(before)));
    let receivable_pages = Paging::new(|r: &ReceivableRow| (r.due_at, r.id), move |after| async move {
        receivable_list(receivable_filter.get_untracked(), Some(after)).await.map(|page| page.rows)
    });
    Effect::new(move |_| {
        if let Some(Ok(rows)) = contracts.get() {
            contract_pages.restart(&rows);
        }
    });
    Effect::new(move |_| {
        if let Some(Some(Ok(page))) = receivables.get() {
            receivable_pages.restart(&page.rows);
        }
    });
    view! {
        <section class="contracts-page">
            <div class="page-head">
                <h1>{tr("k.contracts")}</h1>
                <a href="/quotes" class="button secondary" data-testid="to-quotes">{tr("k.quotes")}</a>
                <NewContract/>
            </div>
            <div class="tabs" role="tablist">
                <button role="tab" data-testid="tab-contracts" class:active=move || tab.get() == "contracts" on:click=move |_| tab.set("contracts")>{tr("k.contracts")}</button>
                <button role="tab" data-testid="tab-receivables" class:active=move || tab.get() == "receivables" on:click=move |_| tab.set("receivables")>{tr("k.receivables")}</button>
            </div>
            <Show when=move || tab.get() == "contracts">
                <div class="board-bar">
                    <SearchBox filter=contract_filter testid="contract-search"/>
                    <label class="inline">{tr("k.state")}
                        <select data-testid="contract-state"
                            prop:value=move || contract_filter.with(|f| f.state.clone())
                            on:change=move |ev| { let s = event_target_value(&ev); contract_filter.update(|f| f.state = s); }>
                            <option value="">{tr("k.all_states")}</option>
                            {CONTRACT_STATES.iter().map(|s| view! { <option value=*s>{move || t(lang.get(), state_key(s))}</option> }).collect_view()}
                        </select>
                    </label>
                    <MineOnly filter=contract_filter testid="contract-mine"/>
                    <ExportButton list="contracts" filter=contract_filter/>
                </div>
                <SavedViews list="contracts" filter=contract_filter/>
                <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                    {move || Suspend::new(async move {
                        match contracts.await {
                            Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                            Ok(rows) if rows.is_empty() => view! { <p class="muted" data-testid="contracts-none">{tr("k.none")}</p> }.into_any(),
                            Ok(rows) => view! { <ContractTable rows more=contract_pages.rows/> }.into_any(),
                        }
                    })}
                </Transition>
                <LoadMore paging=contract_pages/>
            </Show>
            <Show when=move || tab.get() == "receivables">
                <div class="board-bar">
                    <SearchBox filter=receivable_filter testid="receivable-search"/>
                    <label class="check"><input type="checkbox" data-testid="overdue-only"
                        prop:checked=move || receivable_filter.with(|f| f.overdue_only)
                        on:change=move |ev| { let on = event_target_checked(&ev); receivable_filter.update(|f| f.overdue_only = on); }/>{tr("k.overdue_only")}</label>
                    <label class="check"><input type="checkbox" data-testid="receivables-open-only"
                        prop:checked=move || receivable_filter.with(|f| f.open_only)
                        on:change=move |ev| { let on = event_target_checked(&ev); receivable_filter.update(|f| f.open_only = on); }/>{tr("k.open_only")}</label>
                    <MineOnly filter=receivable_filter testid="receivable-mine"/>
                    <ExportButton list="receivables" filter=receivable_filter/>
                </div>
                <SavedViews list="receivables" filter=receivable_filter/>
                <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                    {move || Suspend::new(async move {
                        match receivables.await {
                            None => ().into_any(),
                            Some(Err(e)) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                            Some(Ok(page)) => {
                                let totals = page.totals.map(|m| {
                                    move || t(lang.get(), "k.totals")
                                        .replace("{due}", &format_money(m.receivable_minor, "CNY"))
                                        .replace("{got}", &format_money(m.received_minor, "CNY"))
                                        .replace("{left}", &format_money(m.outstanding_minor, "CNY"))
                                });
                                view! {
                                    <p class="muted" data-testid="receivable-totals">{totals}</p>
                                    {if page.rows.is_empty() {
                                        view! { <p class="muted">{tr("k.no_receivables")}</p> }.into_any()
                                    } else {
                                        view! { <ReceivableTable rows=page.rows with_contract=true more=receivable_pages.rows/> }.into_any()
                                    }}
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
                <LoadMore paging=receivable_pages/>
            </Show>
        </section>
    }
}
