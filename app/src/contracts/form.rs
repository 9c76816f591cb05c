//! A new contract: the customer, products the writer may sell (only those are offered; the server
//! refuses any other), quantities and discounts, and the payment plan, whose instalments must add
//! up to the amount shown as it is typed. Saved as a draft; the contract's page submits it.
//! What was typed stays when the server refuses it, and the message says why.

use domain_types::sales::{LineInput, ProductRow};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::contracts::api::{contract_choices, ContractForm};
use crate::contracts::words::{t, tr};
use crate::i18n::use_lang;
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::format::{format_money, parse_minor};
use crate::ui::loading::{loaded, resource};

#[derive(Clone, Copy)]
struct LineDraft {
    key: u32,
    product: RwSignal<String>,
    quantity: RwSignal<String>,
    discount: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct InstalmentDraft {
    key: u32,
    due: RwSignal<String>,
    amount: RwSignal<String>,
}

/// quantity × price less the discount (in basis points), rounded half up: as the server computes it.
fn line_amount(quantity: i64, price: i64, discount_bp: i64) -> i64 {
    ((quantity as i128 * price as i128 * (10_000 - discount_bp as i128) + 5_000) / 10_000) as i64
}

/// A typed line as the server takes it; None when a number does not parse.
fn parse_line(product: &str, quantity: &str, discount: &str) -> Option<LineInput> {
    let product_id = product.parse::<i64>().ok()?;
    let quantity = quantity.trim().parse::<i64>().ok()?;
    let discount = discount.trim().trim_end_matches('%');
    let discount_bp = if discount.is_empty() { 0 } else { parse_minor(discount)? };
    Some(LineInput { product_id, quantity, discount_bp })
}

/// The form for a new contract, or (`quote`) for a new quote: the same lines, no payment plan.
#[component]
pub fn NewContract(#[prop(optional)] quote: bool) -> impl IntoView {
    let lang = use_lang();
    let open = RwSignal::new(false);
    let choices = resource(move || open.get(), move |open| async move { if open { Some(contract_choices().await) } else { None } });
    let next_key = StoredValue::new(0u32);
    let new_key = move || {
        next_key.update_value(|k| *k += 1);
        next_key.get_value()
    };
    let customer = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let terms = RwSignal::new(String::new());
    let lines = RwSignal::new(Vec::<LineDraft>::new());
    let instalments = RwSignal::new(Vec::<InstalmentDraft>::new());
    // A row's signals belong to the form, not to the button that added it: the "new" button is
    // gone once the form opens, and whatever it owned with it.
    let owner = Owner::current().expect("a component has an owner");
    let add_line = {
        let owner = owner.clone();
        Callback::new(move |_: ()| {
            let row = owner.with(|| LineDraft { key: new_key(), product: RwSignal::new(String::new()), quantity: RwSignal::new("1".into()), discount: RwSignal::new(String::new()) });
            lines.update(|l| l.push(row));
        })
    };
    let add_instalment = Callback::new(move |_: ()| {
        let row = owner.with(|| InstalmentDraft { key: new_key(), due: RwSignal::new(String::new()), amount: RwSignal::new(String::new()) });
        instalments.update(|l| l.push(row));
    });
    let products = move || choices.get().flatten().and_then(|r| r.ok()).map(|c| c.products).unwrap_or_default();
    let price_of = move |id: &str| products().into_iter().find(|p| p.id.to_string() == id).map(|p| p.unit_price_minor);
    let total = move || {
        lines.get().iter().filter_map(|l| {
            let input = parse_line(&l.product.get(), &l.quantity.get(), &l.discount.get())?;
            Some(line_amount(input.quantity, price_of(&l.product.get())?, input.discount_bp))
        }).sum::<i64>()
    };
    let planned = move || instalments.get().iter().filter_map(|i| parse_minor(&i.amount.get())).sum::<i64>();
    let bad_number = RwSignal::new(false);
    let save = ServerAction::<crate::contracts::api::CreateContract>::new();
    let save_quote = ServerAction::<crate::contracts::api::CreateQuote>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            navigate(&format!("/contracts/{id}"), Default::default());
        }
        if let Some(Ok(id)) = save_quote.value().get() {
            navigate(&format!("/quotes/{id}"), Default::default());
        }
    });
    let send = move |_| {
        let parsed_lines: Option<Vec<LineInput>> = lines.get_untracked().iter().map(|l| parse_line(&l.product.get_untracked(), &l.quantity.get_untracked(), &l.discount.get_untracked())).collect();
        let parsed_plan: Option<Vec<(String, i64)>> = instalments.get_untracked().iter().map(|i| Some((i.due.get_untracked().trim().to_string(), parse_minor(&i.amount.get_untracked())?))).collect();
        match (parsed_lines, parsed_plan, customer.get_untracked().parse::<i64>()) {
            (Some(lines), _, customer_id) if quote => {
                bad_number.set(false);
                let quote = domain_types::sales::QuoteInput { customer_id: customer_id.unwrap_or(0), title: title.get_untracked(), note: terms.get_untracked(), valid_until: None, lines };
                save_quote.dispatch(crate::contracts::api::CreateQuote { quote });
            }
            (Some(lines), Some(instalments), customer_id) => {
                bad_number.set(false);
                let form = ContractForm { customer_id: customer_id.unwrap_or(0), title: title.get_untracked(), terms: terms.get_untracked(), lines, instalments };
                save.dispatch(crate::contracts::api::CreateContract { form });
            }
            _ => bad_number.set(true),
        }
    };
    let error = crate::ui::action_error::first_error(vec![error_of::<i64, _>(save.value()), error_of::<i64, _>(save_quote.value())]);
    let open_form = move |_| {
        if lines.get_untracked().is_empty() {
            add_line.run(());
            add_instalment.run(());
        }
        open.set(true);
    };
    let product_label = move |p: &ProductRow| format!("{} · {} {} ({})", p.line_name, p.code, p.name, format_money(p.unit_price_minor, &p.currency));
    view! {
        <div class="new-contract">
            <Show when=move || !open.get()>
                <button class="primary" data-testid=if quote { "new-quote" } else { "new-contract" } on:click=open_form>{tr(if quote { "k.new_quote" } else { "k.new" })}</button>
            </Show>
            <Show when=move || open.get()>
                <form class="contract-form" data-testid="contract-form" on:submit=|ev| ev.prevent_default()>
                    <h3>{tr(if quote { "k.new_quote" } else { "k.new" })}</h3>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let customers = loaded(choices).await.flatten().and_then(|r| r.ok()).map(|c| c.customers).unwrap_or_default();
                            view! {
                                <label>{tr("k.customer")}
                                    <select data-testid="contract-customer" bind:value=customer>
                                        <option value="">{tr("k.pick")}</option>
                                        {customers.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                    </select>
                                </label>
                            }
                        })}
                    </Transition>
                    <label>{tr("k.title")}<input type="text" data-testid="contract-title" bind:value=title/></label>
                    <fieldset>
                        <legend>{tr("k.lines")}</legend>
                        <For each=move || lines.get() key=|l| l.key let:line>
                            <div class="inline contract-line" data-testid="contract-line">
                                <select data-testid="line-product" bind:value=line.product aria-label=tr("k.product")>
                                    <option value="">{tr("k.pick")}</option>
                                    {move || products().iter().map(|p| view! { <option value=p.id.to_string()>{product_label(p)}</option> }).collect_view()}
                                </select>
                                <input type="text" inputmode="numeric" class="short" data-testid="line-qty" bind:value=line.quantity aria-label=tr("k.quantity")/>
                                <input type="text" inputmode="decimal" class="short" data-testid="line-discount" placeholder=tr("k.discount") bind:value=line.discount aria-label=tr("k.discount")/>
                                <button type="button" on:click=move |_| lines.update(|l| l.retain(|x| x.key != line.key))>{tr("k.remove")}</button>
                            </div>
                        </For>
                        <button type="button" data-testid="add-line" on:click=move |_| add_line.run(())>{tr("k.add_line")}</button>
                    </fieldset>
                    <fieldset class:hidden=quote>
                        <legend>{tr("k.plan")}</legend>
                        <For each=move || instalments.get() key=|i| i.key let:inst>
                            <div class="inline contract-instalment" data-testid="contract-instalment">
                                <input type="date" data-testid="instalment-date" bind:value=inst.due aria-label=tr("k.due")/>
                                <input type="text" inputmode="decimal" data-testid="instalment-amount" bind:value=inst.amount aria-label=tr("k.amount")/>
                                <button type="button" on:click=move |_| instalments.update(|l| l.retain(|x| x.key != inst.key))>{tr("k.remove")}</button>
                            </div>
                        </For>
                        <button type="button" data-testid="add-instalment" on:click=move |_| add_instalment.run(())>{tr("k.add_instalment")}</button>
                    </fieldset>
                    <p data-testid="contract-total">{tr("k.total")}": "{move || format_money(total(), "CNY")}
                        {(!quote).then(|| view! { " · "{tr("k.planned")}": "{move || format_money(planned(), "CNY")} })}
                    </p>
                    <label>{tr(if quote { "k.note" } else { "k.terms" })}<textarea bind:value=terms></textarea></label>
                    <Show when=move || bad_number.get()>
                        <p class="form-error" role="alert">{move || t(lang.get(), "k.bad_number")}</p>
                    </Show>
                    <ActionError error/>
                    <div class="inline">
                        <button type="button" class="primary" data-testid="contract-save" disabled=move || save.pending().get() || save_quote.pending().get() on:click=send>{tr("k.save")}</button>
                        <button type="button" on:click=move |_| open.set(false)>{tr("k.cancel")}</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_and_total_as_the_server_computes() {
        assert_eq!(parse_line("7", "3", "12.5%"), Some(LineInput { product_id: 7, quantity: 3, discount_bp: 1_250 }));
        assert_eq!(parse_line("7", "3", ""), Some(LineInput { product_id: 7, quantity: 3, discount_bp: 0 }));
        assert_eq!(parse_line("", "3", ""), None);
        assert_eq!(parse_line("7", "three", ""), None);
        assert_eq!(line_amount(10, 300_000, 500), 2_850_000);
        assert_eq!(line_amount(3, 333, 3_333), 666);
    }
}
