//! Notifications that just arrived, shown for a few seconds as toasts; and the live connection's
//! state ("reconnecting").

use leptos::prelude::*;

use crate::i18n::{tr, use_lang};
use crate::live::{record_href, use_live, Live, Status};
use crate::notifications::inbox::describe;
use crate::ui::first_use::OnFirstUse;

/// Notifications that just arrived, shown for a few seconds; and the connection's state. The
/// toasts' code is fetched with the first of them: a session may see none.
#[component]
pub fn LiveOverlay() -> impl IntoView {
    let live = use_live().expect("live state");
    view! {
        <Show when=move || live.status.get() == Status::Reconnecting>
            <div class="live-status" data-testid="live-status">{tr("live.reconnecting")}</div>
        </Show>
        <div class="toasts" data-live=move || live.status.get().code()>
            <OnFirstUse when=Signal::derive(move || live.toasts.with(|t| !t.is_empty())) part=move || toasts(live)/>
        </div>
    }
}

#[lazy]
fn toasts(live: Live) -> AnyView {
    view! { <Toasts live/> }.into_any()
}

#[component]
fn Toasts(live: Live) -> impl IntoView {
    let lang = use_lang();
    view! {
        <For each=move || live.toasts.get() key=|e| e.id let:e>
            {
                let href = record_href(&e.object, e.record_id).unwrap_or_else(|| "#".into());
                let (kind, actor) = (e.kind.clone(), e.actor_name.clone());
                view! {
                    <a class="toast" data-testid="toast" href=href>
                        <span>{move || describe(lang.get(), &kind, actor.as_deref())}</span>
                        <strong>{e.title.clone()}</strong>
                    </a>
                }
            }
        </For>
    }
}
