//! `/contracts`: the contracts the viewer may read (newest first, by state), the receivables tab
//! (open ones, earliest due first, overdue marked, with the totals over the viewer's scope) and
//! the form for a new contract. Both tabs follow live contract events.

use domain_types::sales::ContractRow;
use leptos::prelude::*;

use crate::contracts::api::{contract_list, receivable_list};
use crate::contracts::form::NewContract;
use crate::contracts::receivables::ReceivableTable;
use crate::contracts::words::{state_key, t, tr};
use crate::exports::ExportButton;
use crate::i18n::use_lang;
use crate::live::use_live;
use crate::ui::format::format_money;

fn money(amount: Option<i64>, currency: &str) -> String {
    amount.map(|a| format_money(a, currency)).unwrap_or_else(|| "—".into())
}

#[component]
fn ContractTable(rows: Vec<ContractRow>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <table class="data-table" data-testid="contract-table">
            <thead><tr>
                <th>{tr("k.number")}</th><th>{tr("k.title")}</th><th>{tr("k.customer")}</th><th>{tr("k.state")}</th>
                <th class="num">{tr("k.amount")}</th><th class="num">{tr("k.received")}</th><th>{tr("k.owner")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|k| view! {
                    <tr data-testid="contract-row">
                        <td data-label=move || t(lang.get(), "k.number")><a href=format!("/contracts/{}", k.id)>{k.number.clone()}</a></td>
                        <td data-label=move || t(lang.get(), "k.title")>{k.title.clone()}</td>
                        <td data-label=move || t(lang.get(), "k.customer")>{k.customer_name.clone()}</td>
                        <td data-label=move || t(lang.get(), "k.state")>{let s = k.state.clone(); move || t(lang.get(), state_key(&s))}</td>
                        <td class="num" data-label=move || t(lang.get(), "k.amount")>{money(k.amount_minor, &k.currency)}</td>
                        <td class="num" data-label=move || t(lang.get(), "k.received")>{money(k.received_minor, &k.currency)}</td>
                        <td data-label=move || t(lang.get(), "k.owner")>{k.owner_name.clone().unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn ContractsPage() -> impl IntoView {
    let lang = use_lang();
    let tab = RwSignal::new("contracts");
    let state = RwSignal::new(String::new());
    let overdue_only = RwSignal::new(false);
    let live_tick = RwSignal::new(0u32);
    if let Some(live) = use_live() {
        Effect::new(move |_| {
            if live.last.get().is_some_and(|e| e.object == "contract") {
                live_tick.update(|n| *n += 1);
            }
        });
    }
    let contracts = Resource::new(move || (state.get(), live_tick.get()), |(s, _)| contract_list((!s.is_empty()).then_some(s), None));
    let receivables = Resource::new(move || (tab.get(), overdue_only.get(), live_tick.get()), |(tab, overdue, _)| async move {
        if tab == "receivables" { Some(receivable_list(overdue, None).await) } else { None }
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
                <label class="inline">{tr("k.state")}
                    <select data-testid="contract-state" bind:value=state>
                        <option value="">{tr("k.all_states")}</option>
                        {["draft", "pending", "approved", "signed"].into_iter().map(|s| view! { <option value=s>{move || t(lang.get(), state_key(s))}</option> }).collect_view()}
                    </select>
                </label>
                <ExportButton list="contracts"/>
                <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                    {move || Suspend::new(async move {
                        match contracts.await {
                            Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                            Ok(rows) if rows.is_empty() => view! { <p class="muted">{tr("k.none")}</p> }.into_any(),
                            Ok(rows) => view! { <ContractTable rows/> }.into_any(),
                        }
                    })}
                </Transition>
            </Show>
            <Show when=move || tab.get() == "receivables">
                <label class="inline"><input type="checkbox" data-testid="overdue-only" bind:checked=overdue_only/>{tr("k.overdue_only")}</label>
                <ExportButton list="receivables" overdue_only=overdue_only/>
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
                                        view! { <ReceivableTable rows=page.rows with_contract=true/> }.into_any()
                                    }}
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
            </Show>
        </section>
    }
}
