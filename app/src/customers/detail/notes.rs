//! Notes on the customer, private to their author or shared with everyone who may read it. A
//! half-typed note survives the page's live reloads (it is one of the page's drafts).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::customers::detail::words::{t, tr};
use crate::ui::drafts::Drafts;
use crate::ui::format::format_day;

/// A note as the viewer sees it: `mine` says whether they wrote it (and may delete it), instead of
/// the author's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteDto {
    pub id: i64,
    pub author: String,
    pub mine: bool,
    pub body: String,
    pub private: bool,
    pub at: i64,
}

#[server(endpoint = "customers/notes/add")]
pub async fn add_customer_note(id: i64, body: String, private: bool) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::customers::notes::add_note(&st.db, &actor, id, &body, private).await.map_err(domain_err)
}

#[server(endpoint = "customers/notes/delete")]
pub async fn delete_customer_note(note_id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::customers::notes::delete_note(&st.db, &actor, note_id).await.map_err(domain_err)
}

#[component]
pub fn Notes(id: i64, notes: Vec<NoteDto>, add: ServerAction<AddCustomerNote>, delete: ServerAction<DeleteCustomerNote>) -> impl IntoView {
    let lang = use_lang();
    let body = expect_context::<Drafts>().note;
    let private = RwSignal::new(false);
    view! {
        <div class="card">
            <h2>{tr("note.title")}</h2>
            <form class="note-form" data-testid="note-form" on:submit=move |ev| {
                ev.prevent_default();
                add.dispatch(AddCustomerNote { id, body: body.get_untracked(), private: private.get_untracked() });
            }>
                <textarea rows="2" bind:value=body required data-testid="note-body" placeholder=move || t(lang.get(), "note.placeholder")></textarea>
                <label class="check"><input type="checkbox" bind:checked=private data-testid="note-private"/>{tr("note.private")}</label>
                <button type="submit" class="secondary" data-testid="note-submit">{tr("note.add")}</button>
            </form>
            <ul class="notes" data-testid="notes">
                {notes.into_iter().map(|n| {
                    let nid = n.id;
                    view! {
                        <li data-testid="note" class:private=n.private>
                            <p>{n.body.clone()}</p>
                            <p class="muted small">
                                {n.author.clone()}" · "{format_day(n.at)}
                                {n.private.then(|| view! { <span class="badge">{move || t(lang.get(), "note.private_badge")}</span> })}
                                {n.mine.then(|| view! {
                                    <button class="link danger" data-testid="note-delete" on:click=move |_| { delete.dispatch(DeleteCustomerNote { note_id: nid }); }>
                                        {move || t(lang.get(), "note.delete")}
                                    </button>
                                })}
                            </p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}
