//! Quotes: `/quotes` lists them with the form for a new one; `/quotes/:id` shows one as a
//! printable quotation (the print stylesheet keeps only the document), submits it — a discount
//! above the threshold goes to approval, others are approved at once — and turns an approved
//! quote into a contract. Administrators set the threshold here.

use domain_types::sales::{QuoteRow, QuoteView};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::contracts::api::{quote_list, quote_page, QuoteToContract, SetQuoteThreshold, SubmitQuote};
use crate::contracts::form::NewContract;
use crate::contracts::words::{t, tr};
use crate::i18n::use_lang;
use crate::live::use_live;
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::format::{format_day, format_money, minor_text, parse_minor};
use crate::ui::loading::resource;

fn money(amount: Option<i64>, currency: &str) -> String {
    amount.map(|a| format_money(a, currency)).unwrap_or_else(|| "—".into())
}

fn state_key(state: &str) -> &'static str {
    match state {
        "pending" => "k.quote_state.pending",
        "approved" => "k.quote_state.approved",
        _ => "k.quote_state.draft",
    }
}

#[component]
fn QuoteTable(rows: Vec<QuoteRow>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <table class="records" data-testid="quote-table">
            <thead><tr><th>{tr("k.number")}</th><th>{tr("k.title")}</th><th>{tr("k.customer")}</th><th>{tr("k.state")}</th><th class="num">{tr("k.amount")}</th><th>{tr("k.owner")}</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|q| {
                    let state = q.state.clone();
                    view! {
                        <tr data-testid="quote-row">
                            <td data-label=move || t(lang.get(), "k.number")><a href=format!("/quotes/{}", q.id)>{q.number.clone()}</a></td>
                            <td data-label=move || t(lang.get(), "k.title")>{q.title.clone()}</td>
                            <td data-label=move || t(lang.get(), "k.customer")>{q.customer_name.clone()}</td>
                            <td data-label=move || t(lang.get(), "k.state")>{move || t(lang.get(), state_key(&state))}</td>
                            <td class="num" data-label=move || t(lang.get(), "k.amount")>{money(q.amount_minor, &q.currency)}</td>
                            <td data-label=move || t(lang.get(), "k.owner")>{q.owner_name.clone().unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The threshold form; the server refuses anyone but an administrator.
#[component]
fn Threshold() -> impl IntoView {
    let pct = RwSignal::new(String::new());
    let set = ServerAction::<SetQuoteThreshold>::new();
    let lang = use_lang();
    let bad = RwSignal::new(false);
    view! {
        <details class="threshold no-print">
            <summary>{tr("k.threshold")}</summary>
            <span class="inline">
                <input type="text" inputmode="decimal" data-testid="quote-threshold" bind:value=pct/>
                <button data-testid="quote-threshold-save" on:click=move |_| match parse_minor(&pct.get_untracked()) {
                    Some(bp) => { bad.set(false); set.dispatch(SetQuoteThreshold { bp }); }
                    None => bad.set(true),
                }>{tr("k.set")}</button>
            </span>
            <Show when=move || bad.get()><p class="form-error">{move || t(lang.get(), "k.bad_number")}</p></Show>
            <ActionError error=error_of(set.value())/>
        </details>
    }
}

#[component]
pub fn QuotesPage() -> impl IntoView {
    let lang = use_lang();
    let rows = resource(|| (), |_| quote_list(None));
    view! {
        <section class="quotes-page">
            <div class="page-head">
                <h1>{tr("k.quotes")}</h1>
                <a href="/contracts" class="button secondary">{tr("k.contracts")}</a>
                <NewContract quote=true/>
            </div>
            <Threshold/>
            <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <p class="muted" data-testid="quote-table">{tr("k.no_quotes")}</p> }.into_any(),
                        Ok(rows) => view! { <QuoteTable rows/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn QuoteBody(view: QuoteView, #[prop(into)] changed: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let q = view.quote.clone();
    let id = q.id;
    let submit = ServerAction::<SubmitQuote>::new();
    let make = ServerAction::<QuoteToContract>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if submit.value().get().is_some_and(|r| r.is_ok()) {
            changed.run(());
        }
        if let Some(Ok(contract)) = make.value().get() {
            navigate(&format!("/contracts/{contract}"), Default::default());
        }
    });
    let due = RwSignal::new(String::new());
    let errors = first_error(vec![error_of(submit.value()), error_of(make.value())]);
    let state = q.state.clone();
    let pct = minor_text(view.threshold_bp);
    view! {
        <div class="page-head no-print">
            <span class="badge" data-testid="quote-state" data-state=q.state.clone()>{move || t(lang.get(), state_key(&state))}</span>
            <button data-testid="quote-print" on:click=move |_| {
                #[cfg(target_arch = "wasm32")]
                if let Some(w) = web_sys::window() { let _ = w.print(); }
            }>{tr("k.print")}</button>
        </div>
        <ActionError error=errors/>
        {view.reject_reason.clone().filter(|_| q.state == "draft").map(|r| view! { <p class="form-error no-print">{tr("k.rejected")}{r}</p> })}
        <div class="inline no-print">
            {view.actions.submit.then(|| {
                let pct = pct.clone();
                view! {
                    <button class="primary" data-testid="quote-submit" disabled=move || submit.pending().get() on:click=move |_| { submit.dispatch(SubmitQuote { id }); }>
                        {move || t(lang.get(), "k.submit_quote").replace("{pct}", &pct)}
                    </button>
                }
            })}
            {view.approval_id.map(|a| view! { <a href=format!("/approvals/{a}") data-testid="quote-approval">{tr("k.approval")}</a> })}
            {view.actions.to_contract.then(|| view! {
                <label>{tr("k.due")}<input type="date" data-testid="quote-due" bind:value=due/></label>
                <button class="primary" data-testid="quote-to-contract" disabled=move || make.pending().get() on:click=move |_| { make.dispatch(QuoteToContract { id, due: due.get_untracked() }); }>{tr("k.to_contract")}</button>
            })}
            {q.contract_id.map(|k| view! { <a href=format!("/contracts/{k}") data-testid="quote-contract">{tr("k.contract_made")}</a> })}
        </div>
        <article class="quote-document" data-testid="quote-document">
            <h1 data-testid="quote-heading">{tr("k.quote_doc")}" "{q.number.clone()}</h1>
            <p>{tr("k.customer")}": "{q.customer_name.clone()}</p>
            <p>{tr("k.title")}": "{q.title.clone()}</p>
            {q.valid_until.map(|v| view! { <p>{tr("k.valid_until")}": "{format_day(v)}</p> })}
            <table class="records">
                <thead><tr><th>{tr("k.product")}</th><th class="num">{tr("k.quantity")}</th><th class="num">{tr("k.unit_price")}</th><th class="num">{tr("k.discount")}</th><th class="num">{tr("k.line_amount")}</th></tr></thead>
                <tbody>
                    {view.lines.iter().map(|l| view! {
                        <tr data-testid="quote-line">
                            <td>{l.product_name.clone()}</td>
                            <td class="num">{l.quantity}</td>
                            <td class="num">{money(l.unit_price_minor, &q.currency)}</td>
                            <td class="num">{minor_text(l.discount_bp)}</td>
                            <td class="num">{money(l.amount_minor, &q.currency)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot><tr><th colspan="4">{tr("k.total")}</th><th class="num" data-testid="quote-total">{money(q.amount_minor, &q.currency)}</th></tr></tfoot>
            </table>
            {(!view.note.is_empty()).then(|| view! { <p>{tr("k.note")}": "{view.note.clone()}</p> })}
            <p class="muted">{tr("k.owner")}": "{q.owner_name.clone().unwrap_or_default()}" · "{q.unit_name.clone()}</p>
        </article>
    }
}

#[component]
pub fn QuoteDetailPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let tick = RwSignal::new(0u32);
    if let Some(live) = use_live() {
        Effect::new(move |_| {
            if live.last.get().is_some_and(|e| e.object == "quote" && e.record_id == id) {
                tick.update(|n| *n += 1);
            }
        });
    }
    let data = resource(move || tick.get(), move |_| quote_page(id));
    let changed = Callback::new(move |_| tick.update(|n| *n += 1));
    view! {
        <section class="quote-page">
            <p class="no-print"><a href="/quotes">{tr("k.quotes")}</a></p>
            <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <div class="forbidden" data-testid="quote-missing"><h1>{tr("notfound.title")}</h1><p>{move || e.message(lang.get())}</p></div> }.into_any(),
                        Ok(view) => view! { <QuoteBody view changed/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
