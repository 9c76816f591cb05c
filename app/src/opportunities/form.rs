//! The form for a new opportunity on a customer the caller may read. The amount is typed in major
//! units (元) and parsed on the server; what was typed stays when the server refuses it.

use leptos::prelude::*;

use crate::opportunities::api::{opportunity_customers, CreateOpportunity, OpportunityForm};
use crate::opportunities::words::tr;
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::loading::{loaded, resource};

/// The currencies offered; CNY first (the default).
const CURRENCIES: [&str; 4] = ["CNY", "USD", "EUR", "HKD"];

#[component]
pub fn NewOpportunityForm(#[prop(into)] created: Callback<i64>) -> impl IntoView {
    let open = RwSignal::new(false);
    let customers = resource(move || open.get(), |open| async move { if open { Some(opportunity_customers().await) } else { None } });
    let customer = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let currency = RwSignal::new("CNY".to_string());
    let close = RwSignal::new(String::new());
    let save = ServerAction::<CreateOpportunity>::new();
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            name.set(String::new());
            amount.set(String::new());
            close.set(String::new());
            open.set(false);
            created.run(id);
        }
    });
    let send = move |_| {
        let form = OpportunityForm {
            customer_id: customer.get_untracked().parse().unwrap_or(0),
            name: name.get_untracked(),
            amount: amount.get_untracked(),
            currency: currency.get_untracked(),
            expected_close: close.get_untracked(),
        };
        save.dispatch(CreateOpportunity { form });
    };
    view! {
        <Show when=move || !open.get()>
            <button class="primary" data-testid="new-opportunity" on:click=move |_| open.set(true)>{tr("pipe.new")}</button>
        </Show>
        <Show when=move || open.get()>
            <form class="inline-form opportunity-form" data-testid="opportunity-form" on:submit=|ev| ev.prevent_default()>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = loaded(customers).await.flatten().and_then(|r| r.ok()).unwrap_or_default();
                        view! {
                            <label>{tr("pipe.customer")}
                                <select data-testid="opportunity-customer" bind:value=customer>
                                    <option value="">{tr("pipe.pick")}</option>
                                    {list.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                </select>
                            </label>
                        }
                    })}
                </Transition>
                <label>{tr("pipe.name")}<input type="text" data-testid="opportunity-name" bind:value=name/></label>
                <label>{tr("pipe.amount")}<input type="text" inputmode="decimal" data-testid="opportunity-amount" bind:value=amount/></label>
                <label>{tr("pipe.currency")}
                    <select data-testid="opportunity-currency" bind:value=currency>
                        {CURRENCIES.iter().map(|c| view! { <option value=*c>{*c}</option> }).collect_view()}
                    </select>
                </label>
                <label>{tr("pipe.close")}<input type="date" data-testid="opportunity-close" bind:value=close/></label>
                <ActionError error=error_of(save.value())/>
                <div class="buttons">
                    <button type="button" class="primary" data-testid="opportunity-save" disabled=move || save.pending().get() on:click=send>{tr("pipe.save")}</button>
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>{tr("pipe.cancel")}</button>
                </div>
            </form>
        </Show>
    }
}
