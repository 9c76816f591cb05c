//! The count of approvals waiting for the signed-in user, on the approvals entry of the sidebar
//! and the phone's bottom bar. Loaded once per page and again whenever an approval event arrives.

use leptos::prelude::*;

use crate::approvals::api::approvals_waiting_count;
use crate::live::use_live;
use crate::ui::loading::{resource, Resource};

/// Bumps whenever an approval event reaches this tab, or the live connection asks pages to
/// reload after missing too much.
pub fn approval_ticks() -> RwSignal<u32> {
    let tick = RwSignal::new(0u32);
    if let Some(live) = use_live() {
        Effect::new(move |_| {
            if live.last.get().is_some_and(|e| e.kind.starts_with("approval.")) {
                tick.update(|n| *n += 1);
            }
        });
        Effect::new(move |prev: Option<u32>| {
            let now = live.reset.get();
            if prev.is_some_and(|p| p != now) {
                tick.update(|n| *n += 1);
            }
            now
        });
    }
    tick
}

#[derive(Clone, Copy)]
struct Waiting(Resource<i64>);

/// Called by the shell, after the live connection is provided.
pub fn provide_waiting_count() {
    let tick = approval_ticks();
    let count = resource(move || tick.get(), |_| async move { approvals_waiting_count().await.unwrap_or(0) });
    provide_context(Waiting(count));
}

#[component]
pub fn WaitingBadge() -> impl IntoView {
    let Some(Waiting(count)) = use_context::<Waiting>() else {
        return ().into_any();
    };
    view! {
        <Transition fallback=|| ()>
            {move || count.get().filter(|n| *n > 0).map(|n| view! { <span class="nav-badge" data-testid="approvals-badge">{n}</span> })}
        </Transition>
    }
    .into_any()
}
