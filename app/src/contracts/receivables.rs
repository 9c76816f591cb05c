//! The receivables table: instalments with due date, amount, received and outstanding, overdue
//! ones marked; on the contracts page's tab (with their contract) and on a contract's page.

use domain_types::sales::ReceivableRow;
use leptos::prelude::*;

use crate::contracts::words::{t, tr};
use crate::i18n::use_lang;
use crate::ui::format::{format_day, format_money};

fn money(amount: Option<i64>, currency: &str) -> String {
    amount.map(|a| format_money(a, currency)).unwrap_or_else(|| "—".into())
}

#[component]
fn ReceivableLine(r: ReceivableRow, with_contract: bool) -> impl IntoView {
    let lang = use_lang();
    view! {
        <tr data-testid="receivable-row" class:overdue=r.overdue>
            {with_contract.then(|| view! {
                <td class="name" data-label=move || t(lang.get(), "k.number")><a href=format!("/contracts/{}", r.contract_id)>{r.contract_number.clone()}</a>" "{r.contract_title.clone()}</td>
                <td data-label=move || t(lang.get(), "k.customer")>{r.customer_name.clone()}</td>
            })}
            <td data-label=move || t(lang.get(), "k.seq")>{r.seq}</td>
            <td data-label=move || t(lang.get(), "k.due")>{format_day(r.due_at)}{r.overdue.then(|| view! { " "<span class="badge warn" data-testid="overdue">{tr("k.overdue")}</span> })}</td>
            <td class="num" data-label=move || t(lang.get(), "k.amount")>{money(r.amount_minor, &r.currency)}</td>
            <td class="num" data-testid="receivable-received" data-label=move || t(lang.get(), "k.received")>{money(r.received_minor, &r.currency)}</td>
            <td class="num" data-testid="receivable-outstanding" data-label=move || t(lang.get(), "k.outstanding")>{money(r.outstanding_minor, &r.currency)}</td>
        </tr>
    }
}

/// Receivables, and (on the list) those loaded after the first page.
#[component]
pub fn ReceivableTable(
    rows: Vec<ReceivableRow>,
    #[prop(optional)] with_contract: bool,
    #[prop(optional)] more: Option<RwSignal<Vec<ReceivableRow>>>,
) -> impl IntoView {
    view! {
        <table class="records" data-testid="receivable-table">
            <thead><tr>
                {with_contract.then(|| view! { <th>{tr("k.number")}</th><th>{tr("k.customer")}</th> })}
                <th>{tr("k.seq")}</th><th>{tr("k.due")}</th><th class="num">{tr("k.amount")}</th>
                <th class="num">{tr("k.received")}</th><th class="num">{tr("k.outstanding")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! { <ReceivableLine r with_contract/> }).collect_view()}
                {move || more.map(|m| m.get().into_iter().map(|r| view! { <ReceivableLine r with_contract/> }).collect_view())}
            </tbody>
        </table>
    }
}
