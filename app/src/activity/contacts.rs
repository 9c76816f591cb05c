//! A customer's contacts, and adding one (for those who may update the customer).

use domain_types::activity::Contact;
use leptos::prelude::*;

use crate::error::AppError;
use crate::activity::words::tr;

#[server(endpoint = "customers/contacts/add")]
pub async fn add_contact(id: i64, name: String, title: String, phone: String, email: String) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::activity::add_contact(&st.db, &actor, id, &name, &title, &phone, &email).await.map_err(domain_err)
}

#[component]
pub fn CustomerContacts(id: i64, can_update: bool, contacts: Vec<Contact>, add: ServerAction<AddContact>) -> impl IntoView {
    let (c_name, c_title, c_phone, c_email) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let no_contacts = contacts.is_empty();
    view! {
        <h2>{tr("contact.title")}</h2>
        <Show when=move || no_contacts><p class="empty">{tr("contact.none")}</p></Show>
        <ul class="contacts" data-testid="contacts">
            {contacts.into_iter().map(|c| view! {
                <li><strong>{c.name}</strong>" "<span class="muted">{c.title}</span>" "{c.phone}" "{c.email}</li>
            }).collect_view()}
        </ul>
        <Show when=move || can_update>
            <form class="inline-form" data-testid="contact-form" on:submit=move |ev| {
                ev.prevent_default();
                add.dispatch(AddContact { id, name: c_name.get_untracked(), title: c_title.get_untracked(), phone: c_phone.get_untracked(), email: c_email.get_untracked() });
            }>
                <label><span>{tr("contact.name")}</span><input required bind:value=c_name data-testid="contact-name"/></label>
                <label><span>{tr("contact.job")}</span><input bind:value=c_title/></label>
                <label><span>{tr("cust.phone")}</span><input type="tel" bind:value=c_phone/></label>
                <label><span>{tr("admin.email")}</span><input type="email" bind:value=c_email/></label>
                <button type="submit" class="secondary" data-testid="contact-submit">{tr("contact.add")}</button>
            </form>
        </Show>
    }
}
