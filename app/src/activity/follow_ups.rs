//! Logging a follow-up (call, visit, e-mail, message) with an optional next date. The note being
//! typed survives live reloads of the customer page (one of its drafts).

use leptos::prelude::*;

use crate::activity::timeline::timeline_key;
use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};
use crate::ui::drafts::Drafts;

#[server(endpoint = "customers/follow_up")]
pub async fn log_follow_up(id: i64, kind: String, note: String, next: String) -> Result<i64, AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let next_at = if next.trim().is_empty() {
        None
    } else {
        Some(domain::clock::end_of_day_ms(&next).ok_or_else(|| fail(AppError::Invalid { field: "next".into(), code: "format".into() }))?)
    };
    domain::activity::log_follow_up(&st.db, &actor, id, &kind, &note, next_at).await.map_err(domain_err)
}

#[component]
pub fn FollowUpForm(id: i64, follow: ServerAction<LogFollowUp>) -> impl IntoView {
    let lang = use_lang();
    // The note being typed survives live reloads of the customer page.
    let note = use_context::<Drafts>().map(|d| d.follow_note).unwrap_or_else(|| RwSignal::new(String::new()));
    let (kind, next) = (RwSignal::new("call".to_string()), RwSignal::new(String::new()));
    view! {
        <h2>{tr("fu.log")}</h2>
        <form class="inline-form follow-up" data-testid="follow-up-form" on:submit=move |ev| {
            ev.prevent_default();
            follow.dispatch(LogFollowUp { id, kind: kind.get_untracked(), note: note.get_untracked(), next: next.get_untracked() });
        }>
            <div class="kinds">
                {["call", "visit", "email", "message"].into_iter().map(|k| view! {
                    <label class="check"><input type="radio" name="kind" value=k prop:checked=move || kind.get() == k
                        on:change=move |_| kind.set(k.to_string())/>{move || t(lang.get(), timeline_key(&format!("follow_up:{k}")))}</label>
                }).collect_view()}
            </div>
            <label class="grow"><span>{tr("fu.note")}</span><textarea rows="2" required data-testid="fu-note" bind:value=note></textarea></label>
            <label><span>{tr("fu.next")}</span><input type="date" bind:value=next/></label>
            <button type="submit" class="primary" data-testid="fu-submit" disabled=move || follow.pending().get()>{tr("fu.log")}</button>
        </form>
    }
}
