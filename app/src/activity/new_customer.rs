//! The form to create a customer, on the customer list. A duplicate (same name or phone anywhere
//! in the group) is refused; when the user may open the existing one, a link leads there.

use domain_types::activity::CustomerInput;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::first_use::OnFirstUse;

#[server(endpoint = "customers/create", input = Json)]
pub async fn create_customer(form: CustomerInput) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::activity::create_customer(&st.db, &actor, &form).await.map_err(domain_err)
}

/// The button that opens the form to create a customer, on the customer list. The form's code is
/// fetched the first time it is opened (most visits to the list never do), so it stays out of the
/// first download.
#[component]
pub fn NewCustomer() -> impl IntoView {
    let opened = RwSignal::new(false);
    view! {
        <details class="new-customer" data-testid="new-customer" on:toggle=move |_| opened.set(true)>
            <summary class="button secondary">{tr("cust.new")}</summary>
            <OnFirstUse when=opened part=new_customer_form
                fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }/>
        </details>
    }
}

#[lazy]
fn new_customer_form() -> AnyView {
    view! { <NewCustomerForm/> }.into_any()
}

#[component]
fn NewCustomerForm() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateCustomer>::new();
    let form = RwSignal::new(CustomerInput { kind: "company".into(), level: "C".into(), ..Default::default() });
    let field = move |f: fn(&mut CustomerInput) -> &mut String| {
        (move || {
            let mut copy = form.get();
            f(&mut copy).clone()
        }, move |v: String| form.update(|x| *f(x) = v))
    };
    let (name, set_name) = field(|x| &mut x.name);
    let (phone, set_phone) = field(|x| &mut x.phone);
    let (city, set_city) = field(|x| &mut x.city);
    let (province, set_province) = field(|x| &mut x.province);
    let (industry, set_industry) = field(|x| &mut x.industry);
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            let navigate = leptos_router::hooks::use_navigate();
            navigate(&format!("/customers/{id}"), Default::default());
        }
    });
    let existing = move || match create.value().get() {
        Some(Err(AppError::Duplicate { visible_id: Some(id), .. })) => Some(id),
        _ => None,
    };
    view! {
        <form class="inline-form" on:submit=move |ev| {
            ev.prevent_default();
            create.dispatch(CreateCustomer { form: form.get_untracked() });
        }>
            <label><span>{tr("cust.name")}</span>
                <input required data-testid="nc-name" prop:value=name on:input=move |ev| set_name(event_target_value(&ev))/></label>
            <label><span>{tr("cust.phone")}</span>
                <input type="tel" data-testid="nc-phone" prop:value=phone on:input=move |ev| set_phone(event_target_value(&ev))/></label>
            <label><span>{tr("field.province")}</span>
                <input data-testid="nc-province" prop:value=province on:input=move |ev| set_province(event_target_value(&ev))/></label>
            <label><span>{tr("cust.city")}</span>
                <input data-testid="nc-city" prop:value=city on:input=move |ev| set_city(event_target_value(&ev))/></label>
            <label><span>{tr("cust.industry")}</span>
                <input prop:value=industry on:input=move |ev| set_industry(event_target_value(&ev))/></label>
            <label><span>{tr("cust.level")}</span>
                <select on:change=move |ev| form.update(|x| x.level = event_target_value(&ev)) prop:value=move || form.get().level>
                    {["A", "B", "C", "D"].into_iter().map(|l| view! { <option value=l>{l}</option> }).collect_view()}
                </select></label>
            <label><span>{tr("admin.kind")}</span>
                <select on:change=move |ev| form.update(|x| x.kind = event_target_value(&ev)) prop:value=move || form.get().kind>
                    <option value="company">{tr("cust.kind_company")}</option>
                    <option value="person">{tr("cust.kind_person")}</option>
                </select></label>
            <label class="check"><input type="checkbox" prop:checked=move || form.get().to_pool
                on:change=move |ev| form.update(|x| x.to_pool = event_target_checked(&ev))/>{tr("cust.to_pool")}</label>
            <button type="submit" class="primary" data-testid="nc-submit">{tr("admin.create")}</button>
        </form>
        <ActionError error=error_of(create.value())/>
        {move || existing().map(|id| view! {
            <a href=format!("/customers/{id}") data-testid="open-existing">{move || t(lang.get(), "cust.open_existing")}</a>
        })}
    }
}
