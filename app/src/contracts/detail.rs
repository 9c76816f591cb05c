//! A contract's page (`/contracts/:id`): its lines, payment plan, receivables and receipts as the
//! viewer may read them; submitting it for approval, marking it signed, and for finance recording
//! and reversing receipts. It follows live events about the contract, so its owner sees a receipt
//! arrive without reloading.

use domain_types::sales::{ContractView, InvoiceRow, ReceivableRow, RECEIPT_METHODS};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::contracts::api::{contract_page, record_receipt, DecideInvoice, ReceiptForm, RequestInvoice, ReverseReceipt, SignContract, SubmitContract};
use crate::contracts::receivables::ReceivableTable;
use crate::contracts::words::{method_key, state_key, t, tr};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::live::use_live;
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::format::{format_day, format_money, minor_text, parse_minor};
use crate::ui::loading::resource;

fn money(amount: Option<i64>, currency: &str) -> String {
    amount.map(|a| format_money(a, currency)).unwrap_or_else(|| "—".into())
}

/// Today's date (UTC) as a date input writes it.
fn today() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let iso: String = js_sys::Date::new_0().to_iso_string().into();
        iso.chars().take(10).collect()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        String::new()
    }
}

/// A key for one opening of the receipt form: every submission of it carries this key.
fn new_key(receivable: i64) -> String {
    #[cfg(target_arch = "wasm32")]
    let noise = (js_sys::Math::random() * 1e15) as u64 ^ (js_sys::Date::now() as u64);
    #[cfg(not(target_arch = "wasm32"))]
    let noise = 0u64;
    format!("rcpt-{receivable}-{noise:x}")
}

/// Finance records money received against one receivable.
#[component]
fn ReceiptEntry(row: ReceivableRow, #[prop(into)] done: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let key = new_key(row.id);
    let amount = RwSignal::new(row.outstanding_minor.map(minor_text).unwrap_or_default());
    let day = RwSignal::new(today());
    let method = RwSignal::new("bank_transfer".to_string());
    let reference = RwSignal::new(String::new());
    let bad = RwSignal::new(false);
    let save = Action::new(move |form: &ReceiptForm| {
        let form = form.clone();
        async move { record_receipt(form).await }
    });
    let outcome = RwSignal::new(None::<bool>);
    Effect::new(move |_| {
        if let Some(Ok(r)) = save.value().get() {
            outcome.set(Some(r.duplicate));
            done.run(());
        }
    });
    let receivable = row.id;
    let send = move |_| match parse_minor(&amount.get_untracked()) {
        Some(minor) if minor > 0 => {
            bad.set(false);
            save.dispatch(ReceiptForm {
                receivable_id: receivable,
                amount_minor: minor,
                received_on: day.get_untracked(),
                method: method.get_untracked(),
                reference: reference.get_untracked(),
                idempotency_key: key.clone(),
            });
        }
        _ => bad.set(true),
    };
    let error = error_of::<domain_types::sales::RecordedReceipt, _>(save.value());
    view! {
        <form class="receipt-form inline" data-testid="receipt-form" on:submit=|ev| ev.prevent_default()>
            <label>{tr("k.amount")}<input type="text" inputmode="decimal" data-testid="receipt-amount" bind:value=amount/></label>
            <label>{tr("k.received_on")}<input type="date" data-testid="receipt-date" bind:value=day/></label>
            <label>{tr("k.method")}
                <select data-testid="receipt-method" bind:value=method>
                    {RECEIPT_METHODS.iter().map(|m| view! { <option value=*m>{move || t(lang.get(), method_key(m))}</option> }).collect_view()}
                </select>
            </label>
            <label>{tr("k.reference")}<input type="text" data-testid="receipt-reference" bind:value=reference/></label>
            <button type="button" class="primary" data-testid="receipt-save" on:click=send>{tr("k.save_receipt")}</button>
            <Show when=move || bad.get()>
                <p class="form-error" role="alert">{move || t(lang.get(), "k.bad_number")}</p>
            </Show>
            <ActionError error/>
            {move || outcome.get().map(|dup| view! {
                <p class="muted" data-testid="receipt-outcome">{move || t(lang.get(), if dup { "k.recorded_before" } else { "k.recorded" })}</p>
            })}
        </form>
    }
}

fn invoice_state_key(state: &str) -> &'static str {
    match state {
        "issued" => "k.invoice.issued",
        "rejected" => "k.invoice.rejected",
        _ => "k.invoice.requested",
    }
}

/// Invoices of a signed contract: sales requests, finance issues or rejects; both see it live.
#[component]
fn Invoices(contract_id: i64, invoices: Vec<InvoiceRow>, may_request: bool, may_decide: bool, #[prop(into)] changed: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let request = ServerAction::<RequestInvoice>::new();
    let decide = ServerAction::<DecideInvoice>::new();
    Effect::new(move |_| {
        if request.value().get().is_some_and(|r| r.is_ok()) || decide.value().get().is_some_and(|r| r.is_ok()) {
            changed.run(());
        }
    });
    let errors = crate::ui::action_error::first_error(vec![error_of(request.value()), error_of(decide.value())]);
    let amount = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let issued_on = RwSignal::new(today());
    let reason = RwSignal::new(String::new());
    let bad = RwSignal::new(false);
    let send = move |_| match parse_minor(&amount.get_untracked()) {
        Some(minor) if minor > 0 => {
            bad.set(false);
            request.dispatch(RequestInvoice { contract_id, amount_minor: minor, note: note.get_untracked() });
        }
        _ => bad.set(true),
    };
    view! {
        <h2>{tr("k.invoices")}</h2>
        <ActionError error=errors/>
        {if invoices.is_empty() {
            view! { <p class="muted" data-testid="no-invoices">{tr("k.no_invoices")}</p> }.into_any()
        } else {
            view! {
                <table class="records" data-testid="invoice-table">
                    <tbody>
                        {invoices.into_iter().map(|i| {
                            let id = i.id;
                            let state = i.state.clone();
                            let open = may_decide && i.state == "requested";
                            view! {
                                <tr data-testid="invoice-row" data-state=i.state.clone()>
                                    <td>{move || t(lang.get(), invoice_state_key(&state))}</td>
                                    <td class="num">{money(i.amount_minor, &i.currency)}</td>
                                    <td>{i.requested_by.clone()}</td>
                                    <td>{i.number.clone().unwrap_or_default()}" "{i.issued_on.map(format_day).unwrap_or_default()}{i.reject_reason.clone().unwrap_or_default()}</td>
                                    <td>{open.then(|| view! {
                                        <span class="inline">
                                            <input type="text" data-testid="invoice-number" placeholder=tr("k.invoice_number") bind:value=number/>
                                            <input type="date" bind:value=issued_on aria-label=tr("k.issued_on")/>
                                            <button data-testid="issue-invoice" on:click=move |_| { decide.dispatch(DecideInvoice { id, issue: true, number: number.get_untracked(), issued_on: issued_on.get_untracked(), reason: String::new() }); }>{tr("k.issue")}</button>
                                            <input type="text" data-testid="invoice-reject-reason" placeholder=tr("k.reject_reason") bind:value=reason/>
                                            <button data-testid="reject-invoice" on:click=move |_| { decide.dispatch(DecideInvoice { id, issue: false, number: String::new(), issued_on: String::new(), reason: reason.get_untracked() }); }>{tr("k.reject_invoice")}</button>
                                        </span>
                                    })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {may_request.then(|| view! {
            <form class="inline" data-testid="invoice-request" on:submit=|ev| ev.prevent_default()>
                <label>{tr("k.amount")}<input type="text" inputmode="decimal" data-testid="invoice-amount" bind:value=amount/></label>
                <label>{tr("k.note")}<input type="text" bind:value=note/></label>
                <button type="button" data-testid="request-invoice" disabled=move || request.pending().get() on:click=send>{tr("k.request_invoice")}</button>
                <Show when=move || bad.get()>
                    <p class="form-error" role="alert">{move || t(lang.get(), "k.bad_number")}</p>
                </Show>
            </form>
        })}
    }
}

#[component]
fn ContractBody(view: ContractView, forms: OpenForms, #[prop(into)] changed: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let k = view.contract.clone();
    let id = k.id;
    let submit = ServerAction::<SubmitContract>::new();
    let sign = ServerAction::<SignContract>::new();
    Effect::new(move |_| {
        if submit.value().get().is_some_and(|r| r.is_ok()) || sign.value().get().is_some_and(|r| r.is_ok()) {
            changed.run(());
        }
    });
    let errors = crate::ui::action_error::first_error(vec![error_of(submit.value()), error_of(sign.value())]);
    let OpenForms { recording, reversing, .. } = forms;
    let currency = k.currency.clone();
    let may_record = view.actions.record_receipt;
    let receivables = view.receivables.clone();
    view! {
        <div class="page-head">
            <h1 data-testid="contract-heading">{k.number.clone()}" "{k.title.clone()}</h1>
            <span class="badge" data-testid="contract-state">{let s = k.state.clone(); move || t(lang.get(), state_key(&s))}</span>
        </div>
        <p>
            {tr("k.customer")}": "<a href=format!("/customers/{}", k.customer_id)>{k.customer_name.clone()}</a>
            " · "{tr("k.amount")}": "<span data-testid="contract-amount">{money(k.amount_minor, &k.currency)}</span>
            " · "{tr("k.received")}": "<span data-testid="contract-received">{money(k.received_minor, &k.currency)}</span>
            " · "{tr("k.owner")}": "{k.owner_name.clone().unwrap_or_default()}
        </p>
        {view.reject_reason.clone().filter(|_| k.state == "draft").map(|r| view! { <p class="form-error">{tr("k.rejected")}{r}</p> })}
        <ActionError error=errors/>
        <div class="inline">
            {view.actions.submit.then(|| view! {
                <button class="primary" data-testid="contract-submit" disabled=move || submit.pending().get() on:click=move |_| { submit.dispatch(SubmitContract { id }); }>{tr("k.submit")}</button>
            })}
            {view.actions.sign.then(|| view! {
                <button class="primary" data-testid="contract-sign" disabled=move || sign.pending().get() on:click=move |_| { sign.dispatch(SignContract { id }); }>{tr("k.sign")}</button>
            })}
            {view.approval_id.map(|a| view! { <a href=format!("/approvals/{a}") data-testid="contract-approval">{tr("k.approval")}</a> })}
        </div>
        <h2>{tr("k.lines")}</h2>
        <table class="records">
            <thead><tr><th>{tr("k.product")}</th><th class="num">{tr("k.quantity")}</th><th class="num">{tr("k.unit_price")}</th><th class="num">{tr("k.discount")}</th><th class="num">{tr("k.line_amount")}</th></tr></thead>
            <tbody>
                {view.lines.iter().map(|l| view! {
                    <tr data-testid="line-row">
                        <td>{l.product_name.clone()}</td>
                        <td class="num">{l.quantity}</td>
                        <td class="num">{money(l.unit_price_minor, &currency)}</td>
                        <td class="num">{minor_text(l.discount_bp)}</td>
                        <td class="num">{money(l.amount_minor, &currency)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <h2>{tr("k.plan")}</h2>
        <ul class="plain">
            {view.instalments.iter().map(|i| view! { <li>{i.seq}". "{format_day(i.due_at)}" · "{money(i.amount_minor, &currency)}</li> }).collect_view()}
        </ul>
        <p class="muted">{tr("k.terms")}": "{if view.terms.is_empty() { t(lang.get_untracked(), "k.terms_none").to_string() } else { view.terms.clone() }}</p>
        {(!receivables.is_empty()).then(|| view! {
            <h2>{tr("k.receivables")}</h2>
            <ReceivableTable rows=receivables.clone()/>
            {may_record.then(|| view! {
                <div class="inline">
                    {receivables.iter().filter(|r| r.outstanding_minor.unwrap_or(0) > 0).map(|r| {
                        let row = r.clone();
                        let seq = r.seq;
                        view! { <button data-testid="record-receipt" on:click=move |_| recording.set(Some(row.clone()))>{tr("k.record")}" #"{seq}</button> }
                    }).collect_view()}
                </div>
            })}
        })}
        <h2>{tr("k.receipts")}</h2>
        {if view.receipts.is_empty() {
            view! { <p class="muted" data-testid="no-receipts">{tr("k.no_receipts")}</p> }.into_any()
        } else {
            view! {
                <table class="records" data-testid="receipt-table">
                    <thead><tr><th>{tr("k.seq")}</th><th>{tr("k.received_on")}</th><th class="num">{tr("k.amount")}</th><th>{tr("k.method")}</th><th>{tr("k.reference")}</th><th>{tr("k.recorded_by")}</th><th></th></tr></thead>
                    <tbody>
                        {view.receipts.iter().map(|p| {
                            let pid = p.id;
                            let reversed = p.reversed_at.is_some();
                            let method = p.method.clone();
                            view! {
                                <tr data-testid="receipt-row" class:reversed=reversed>
                                    <td>{p.seq}</td>
                                    <td>{format_day(p.received_at)}</td>
                                    <td class="num">{money(p.amount_minor, &p.currency)}</td>
                                    <td>{move || t(lang.get(), method_key(&method))}</td>
                                    <td>{p.reference.clone()}</td>
                                    <td>{p.recorded_by.clone()}</td>
                                    <td>
                                        {p.reverse_reason.clone().map(|r| view! { <span class="muted">{tr("k.reversed")}{r}</span> })}
                                        {(may_record && !reversed).then(|| view! {
                                            <button data-testid="reverse-receipt" on:click=move |_| reversing.set(Some(pid))>{tr("k.reverse")}</button>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {(k.state == "signed").then(|| view! {
            <Invoices contract_id=id invoices=view.invoices.clone() may_request=view.actions.request_invoice may_decide=view.actions.decide_invoice changed/>
        })}
    }
}

/// The forms a finance person opened on the page. They live with the page, not with the data it
/// shows, so a live update of the contract (a receipt, an invoice request) does not close a form
/// being filled in.
#[derive(Clone, Copy)]
struct OpenForms {
    /// The receivable a receipt is being recorded against.
    recording: RwSignal<Option<ReceivableRow>>,
    /// The receipt being reversed, and the reason typed.
    reversing: RwSignal<Option<i64>>,
    reason: RwSignal<String>,
}

/// The open receipt and reversal forms, below the contract.
#[component]
fn OpenFormsView(forms: OpenForms, #[prop(into)] changed: Callback<()>) -> impl IntoView {
    let OpenForms { recording, reversing, reason } = forms;
    let reverse = ServerAction::<ReverseReceipt>::new();
    Effect::new(move |_| {
        if reverse.value().get().is_some_and(|r| r.is_ok()) {
            reversing.set(None);
            reason.set(String::new());
            changed.run(());
        }
    });
    // A new form only when another receivable is chosen, not when the same row is reloaded.
    let open = Memo::new(move |_| recording.get().map(|r| r.id));
    view! {
        {move || open.get().and_then(|_| recording.get_untracked()).map(|row| view! {
            <ReceiptEntry row done=move |_| changed.run(())/>
        })}
        {move || reversing.get().map(|pid| view! {
            <div class="inline">
                <label>{tr("k.reverse_reason")}<input type="text" data-testid="reverse-reason" bind:value=reason/></label>
                <button data-testid="confirm-reverse" disabled=move || reverse.pending().get()
                    on:click=move |_| { reverse.dispatch(ReverseReceipt { id: pid, reason: reason.get_untracked() }); }>{tr("k.confirm_reverse")}</button>
                <ActionError error=error_of(reverse.value())/>
            </div>
        })}
    }
}

#[component]
pub fn ContractDetailPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let tick = RwSignal::new(0u32);
    if let Some(live) = use_live() {
        Effect::new(move |_| {
            if live.last.get().is_some_and(|e| e.object == "contract" && e.record_id == id) {
                tick.update(|n| *n += 1);
            }
        });
    }
    let data = resource(move || tick.get(), move |_| contract_page(id));
    let changed = Callback::new(move |_| tick.update(|n| *n += 1));
    let forms = OpenForms { recording: RwSignal::new(None), reversing: RwSignal::new(None), reason: RwSignal::new(String::new()) };
    view! {
        <section class="contract-page">
            <p><a href="/contracts" data-testid="back-to-contracts">{tr("k.back")}</a></p>
            <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(AppError::NotFound) | Err(AppError::Forbidden) => view! {
                            <div class="forbidden" data-testid="contract-missing"><h1>{tr("notfound.title")}</h1></div>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Ok(view) => view! { <ContractBody view forms changed/> }.into_any(),
                    }
                })}
            </Transition>
            <OpenFormsView forms changed/>
        </section>
    }
}
