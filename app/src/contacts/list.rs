//! The contact list: contacts of the customers the user may read, newest first, searchable by
//! name, phone or e-mail.

use domain_types::contacts::ContactRow;
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::contacts::words::{t, tr};
use crate::ui::list::PAGE_SIZE;
use crate::ui::loading::resource;

#[server(endpoint = "contacts/list")]
pub async fn list_contacts(text: String, before_id: Option<i64>) -> Result<Vec<ContactRow>, AppError> {
    use crate::server::{actor, domain_err};
    use domain::contacts::{list, ContactQuery};
    let (st, actor) = actor().await?;
    list(&st.db, &actor, &ContactQuery { text, before_id, limit: PAGE_SIZE }).await.map_err(domain_err)
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    let lang = use_lang();
    let applied = RwSignal::new(String::new());
    let typed = RwSignal::new(String::new());
    let first = resource(move || applied.get(), |text| list_contacts(text, None));
    let more = RwSignal::new(Vec::<ContactRow>::new());
    let load_more = Action::new(move |before: &i64| {
        let before = *before;
        let text = applied.get_untracked();
        async move { list_contacts(text, Some(before)).await }
    });
    let exhausted = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(rows)) = load_more.value().get() {
            exhausted.set((rows.len() as i64) < PAGE_SIZE);
            more.update(|m| m.extend(rows.clone()));
        }
    });
    view! {
        <section class="contacts-page">
            <div class="page-head">
                <h1>{tr("contact.title")}</h1>
                <nav class="tabs inline">
                    <leptos_router::components::A href="/customers">{tr("cust.title")}</leptos_router::components::A>
                    <leptos_router::components::A href="/pools">{tr("pool.title")}</leptos_router::components::A>
                </nav>
            </div>
            <form class="inline-form filters" on:submit=move |ev| {
                ev.prevent_default();
                more.set(vec![]);
                exhausted.set(false);
                applied.set(typed.get_untracked());
            }>
                <label><span>{tr("contact.search")}</span><input type="search" bind:value=typed data-testid="contact-search"/></label>
                <button type="submit" class="secondary">{tr("cust.filter")}</button>
            </form>
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match first.await {
                        Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Ok(rows) => {
                            let full = rows.len() as i64 == PAGE_SIZE;
                            let last_first = rows.last().map(|r| r.id);
                            let empty = rows.is_empty();
                            view! {
                                <Show when=move || empty><p class="empty">{tr("contact.none")}</p></Show>
                                <table class="records" data-testid="contact-list">
                                    <thead><tr>
                                        <th>{tr("contact.name")}</th><th>{tr("contact.job")}</th><th>{tr("cust.phone")}</th>
                                        <th>{tr("admin.email")}</th><th>{tr("contact.customer")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|c| view! { <ContactRowView c/> }).collect_view()}
                                        <For each=move || more.get() key=|c| c.id let:c><ContactRowView c/></For>
                                    </tbody>
                                </table>
                                <Show when=move || full && !exhausted.get()>
                                    <button class="secondary" data-testid="contacts-more" disabled=move || load_more.pending().get()
                                        on:click=move |_| {
                                            let before = more.get_untracked().last().map(|c| c.id).or(last_first);
                                            if let Some(b) = before { load_more.dispatch(b); }
                                        }>{tr("cust.more")}</button>
                                </Show>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ContactRowView(c: ContactRow) -> impl IntoView {
    let lang = use_lang();
    view! {
        <tr data-testid="contact-row">
            <td class="name" data-label=move || t(lang.get(), "contact.name")>{c.name}</td>
            <td data-label=move || t(lang.get(), "contact.job")>{c.title}</td>
            <td data-label=move || t(lang.get(), "cust.phone")>{c.phone}</td>
            <td data-label=move || t(lang.get(), "admin.email")>{c.email}</td>
            <td data-label=move || t(lang.get(), "contact.customer")>
                <leptos_router::components::A href=format!("/customers/{}", c.customer_id)>{c.customer_name}</leptos_router::components::A>
            </td>
        </tr>
    }
}
