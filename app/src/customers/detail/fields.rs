//! The customer's fields, editable in place where the role allows. A save based on a stale copy
//! is refused instead of overwriting someone else's change; an open edit form holds back the
//! page's live reloads until it is saved or cancelled.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::customers::detail::record::{shown_value, CustomerDetail, FieldDto};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::customers::detail::words::{t, tr};
use crate::ui::drafts::Drafts;
use crate::ui::fields::column_key;

#[server(endpoint = "customers/update", input = leptos::server_fn::codec::Json)]
pub async fn update_customer(id: i64, changes: BTreeMap<String, String>, seen_updated_at: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::customers::update_checked(&st.db, &actor, id, &changes, Some(seen_updated_at)).await.map_err(domain_err)
}

/// The customer's fields; those the user may edit can be changed in place.
#[component]
pub fn Details(c: CustomerDetail, update: ServerAction<UpdateCustomer>) -> impl IntoView {
    let lang = use_lang();
    let editing = expect_context::<Drafts>().editing;
    let any_editable = c.name_editable || c.fields.iter().any(|f| f.editable);
    let draft = RwSignal::new(
        c.fields.iter().filter(|f| f.editable).map(|f| (f.name.clone(), f.value.clone())).chain(c.name_editable.then(|| ("name".to_string(), c.name.clone()))).collect::<BTreeMap<_, _>>(),
    );
    let original = draft.get_untracked();
    let (cid, seen) = (c.id, c.updated_at);
    let editable_fields: Vec<FieldDto> = c.fields.iter().filter(|f| f.editable).cloned().collect();
    let name_editable = c.name_editable;
    view! {
        <div class="card">
            <div class="card-head">
                <h2>{tr("cust.details")}</h2>
                <Show when=move || any_editable && !editing.get()>
                    <button class="link" data-testid="edit-customer" on:click=move |_| editing.set(true)>{tr("admin.edit")}</button>
                </Show>
            </div>
            <Show when=move || !editing.get()>
                <dl class="fields" data-testid="customer-fields">
                    <dt>{tr("cust.owner")}</dt>
                    <dd data-testid="customer-owner">{
                        let owner = c.owner_name.clone();
                        move || owner.clone().unwrap_or_else(|| t(lang.get(), "cust.pool").to_string())
                    }</dd>
                    <dt>{tr("cust.unit")}</dt>
                    <dd>{c.unit_name.clone()}</dd>
                    {c.fields.iter().map(|f| {
                        let key = column_key(&f.name);
                        let (name, value) = (f.name.clone(), f.value.clone());
                        view! { <dt>{move || t(lang.get(), key)}</dt><dd data-field=f.name.clone()>{move || shown_value(lang.get(), &name, &value)}</dd> }
                    }).collect_view()}
                </dl>
            </Show>
            <Show when=move || editing.get()>
                <form class="inline-form stacked" data-testid="edit-form" on:submit={
                    let original = original.clone();
                    move |ev| {
                        ev.prevent_default();
                        let changes: BTreeMap<String, String> = draft.get_untracked().into_iter().filter(|(k, v)| original.get(k) != Some(v)).collect();
                        if !changes.is_empty() {
                            update.dispatch(UpdateCustomer { id: cid, changes, seen_updated_at: seen });
                        }
                        editing.set(false);
                    }
                }>
                    <Show when=move || name_editable>
                        <label><span>{tr("cust.name")}</span>
                            <input data-testid="edit-name" prop:value=move || draft.get().get("name").cloned().unwrap_or_default()
                                on:input=move |ev| draft.update(|d| { d.insert("name".into(), event_target_value(&ev)); })/></label>
                    </Show>
                    {editable_fields.iter().map(|f| {
                        let key = column_key(&f.name);
                        let name = f.name.clone();
                        let n2 = name.clone();
                        let value = move || draft.get().get(&n2).cloned().unwrap_or_default();
                        let setter = { let name = name.clone(); move |v: String| draft.update(|d| { d.insert(name.clone(), v); }) };
                        let choices: Option<Vec<(&'static str, &'static str)>> = match name.as_str() {
                            "level" => Some(vec![("A", ""), ("B", ""), ("C", ""), ("D", "")]),
                            "kind" => Some(vec![("company", "cust.kind_company"), ("person", "cust.kind_person")]),
                            "status" => Some(vec![("active", "cust.status_active"), ("inactive", "cust.status_inactive")]),
                            _ => None,
                        };
                        let testid = format!("edit-{name}");
                        match choices {
                            Some(options) => view! {
                                <label><span>{move || t(lang.get(), key)}</span>
                                    <select data-testid=testid on:change=move |ev| setter(event_target_value(&ev))>
                                        {options.into_iter().map(|(v, label)| {
                                            let current = value.clone();
                                            view! { <option value=v selected=move || current() == v>{move || if label.is_empty() { v.to_string() } else { t(lang.get(), label).to_string() }}</option> }
                                        }).collect_view()}
                                    </select></label>
                            }.into_any(),
                            None => view! {
                                <label><span>{move || t(lang.get(), key)}</span>
                                    <input data-testid=testid prop:value=value on:input=move |ev| setter(event_target_value(&ev))/></label>
                            }.into_any(),
                        }
                    }).collect_view()}
                    <div class="buttons">
                        <button type="submit" class="primary" data-testid="save-customer">{tr("admin.save")}</button>
                        <button type="button" class="secondary" on:click=move |_| editing.set(false)>{tr("admin.cancel")}</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}
