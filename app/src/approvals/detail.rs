//! An approval's own page (`/approvals/:id`): the document as the viewer may read it, every step
//! with who was asked and who decided, the history, and the decision when it is the viewer's turn.
//! The submitter keeps it open and sees each decision arrive live.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::approvals::card::ApprovalCard;
use crate::approvals::words::tr;

#[component]
pub fn ApprovalDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    view! {
        <section class="approval-page">
            <p><a href="/approvals" data-testid="back-to-inbox">{tr("appr.back")}</a></p>
            {move || {
                let id = id();
                view! { <ApprovalCard id decided=Callback::new(|_| ())/> }
            }}
        </section>
    }
}
