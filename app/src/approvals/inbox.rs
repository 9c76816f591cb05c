//! The approval inbox: waiting for me, submitted by me, decided by me; filters by document type
//! and submission date; newest first, 50 at a time. A tap on a row opens its card in place (on a
//! phone the decision is then one more tap). The list follows approval events live.

use domain_types::approvals::{DocType, Folder, InboxRow};
use leptos::prelude::*;

use crate::approvals::api::{approval_inbox, InboxFilter};
use crate::approvals::badge::approval_ticks;
use crate::approvals::card::ApprovalCard;
use crate::approvals::request::NewRequest;
use crate::approvals::words::{doc_type_key, state_text};
use crate::approvals::words::{t, tr};
use crate::i18n::use_lang;
use crate::ui::format::format_utc;
use crate::ui::loading::{loaded, resource};

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let lang = use_lang();
    let folder = RwSignal::new(Folder::Waiting);
    let doc_type = RwSignal::new(None::<DocType>);
    let from = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    // Pages after the first, by the key of the last row shown.
    let before_key = RwSignal::new(None::<i64>);
    let open = RwSignal::new(None::<i64>);
    let tick = approval_ticks();
    let decided = RwSignal::new(0u32);
    let filter = move || InboxFilter { folder: folder.get(), doc_type: doc_type.get(), from: from.get(), until: until.get(), before_key: before_key.get() };
    // Any filter change starts from the first page again.
    Effect::new(move |_| {
        let _ = (folder.get(), doc_type.get(), from.get(), until.get());
        before_key.set(None);
    });
    let page = resource(move || (filter(), tick.get(), decided.get()), |(f, ..)| approval_inbox(f));
    let on_decided = Callback::new(move |_| decided.update(|n| *n += 1));
    view! {
        <section class="approvals-page">
            <h1>{tr("nav.approvals")}</h1>
            <NewRequest sent=move |_| { open.set(None); folder.set(Folder::Submitted); decided.update(|n| *n += 1) }/>
            <nav class="tabs" data-testid="approval-tabs">
                {[(Folder::Waiting, "waiting", "appr.waiting"), (Folder::Submitted, "submitted", "appr.submitted"), (Folder::Decided, "decided", "appr.decided")]
                    .into_iter()
                    .map(|(f, name, key)| view! {
                        <button class="tab" class:active=move || folder.get() == f data-folder=name on:click=move |_| { open.set(None); folder.set(f); }>
                            {move || t(lang.get(), key)}
                        </button>
                    })
                    .collect_view()}
            </nav>
            <div class="inline filters">
                <select data-testid="approval-type" on:change=move |ev| doc_type.set(DocType::parse(&event_target_value(&ev)))>
                    <option value="">{tr("appr.all_types")}</option>
                    {DocType::ALL.iter().map(|d| view! { <option value=d.as_str()>{move || t(lang.get(), doc_type_key(*d))}</option> }).collect_view()}
                </select>
                <label>{tr("appr.from")}<input type="date" bind:value=from data-testid="approval-from"/></label>
                <label>{tr("appr.until")}<input type="date" bind:value=until data-testid="approval-until"/></label>
            </div>
            <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match loaded(page).await {
                        None => ().into_any(),
                        Some(Err(e)) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Some(Ok(p)) if p.rows.is_empty() => view! { <p class="empty" data-testid="approvals-empty">{tr("appr.none")}</p> }.into_any(),
                        Some(Ok(p)) => {
                            let next = p.next_key;
                            view! {
                                <ul class="approval-list" data-testid="approval-list">
                                    {p.rows.into_iter().map(|row| view! { <Row row open on_decided/> }).collect_view()}
                                </ul>
                                {next.map(|k| view! {
                                    <button data-testid="approvals-more" on:click=move |_| before_key.set(Some(k))>{tr("appr.more")}</button>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Row(row: InboxRow, open: RwSignal<Option<i64>>, on_decided: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let id = row.approval_id;
    let is_open = move || open.get() == Some(id);
    let state = row.state.clone();
    let due = row.due_at.map(|d| format_utc(d));
    view! {
        <li class="approval-row" class:open=is_open data-testid="approval-row" data-id=id>
            <button class="approval-summary" aria-expanded=move || is_open().to_string() on:click=move |_| open.set(if is_open() { None } else { Some(id) })>
                <span class="approval-title">{row.title.clone()}</span>
                <span class="muted">{move || t(lang.get(), doc_type_key(row.doc_type))}" · "{row.submitter.clone()}" · "{format_utc(row.submitted_at)}</span>
                <span class=format!("badge state-{}", row.state)>{move || state_text(lang.get(), &state)}</span>
                {due.map(|d| view! { <span class="muted due">{tr("appr.due")}" "{d}</span> })}
            </button>
            <a class="approval-link" href=format!("/approvals/{id}") data-testid="approval-open">{tr("appr.open")}</a>
            <Show when=is_open>
                <ApprovalCard id decided=on_decided/>
            </Show>
        </li>
    }
}
