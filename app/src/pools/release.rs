//! Releasing a held customer back to the pools, with a reason: the form the customer page shows
//! to its owner (or whoever may assign it). Where it goes is the pools' entry rules' business.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::tr;

#[server(endpoint = "pools/release")]
pub async fn release_customer(id: i64, reason: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::pools::release(&st.db, &actor, id, &reason).await.map(|_| ()).map_err(domain_err)
}

/// The form that returns customer `id` to the pool; the page owns the action, so that its result
/// reloads the page.
#[component]
pub fn ReleaseForm(id: i64, release: ServerAction<ReleaseCustomer>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    view! {
        <form class="inline-form" data-testid="release-form" on:submit=move |ev| {
            ev.prevent_default();
            release.dispatch(ReleaseCustomer { id, reason: reason.get_untracked() });
        }>
            <label>
                <span>{tr("pool.reason")}</span>
                <input bind:value=reason required data-testid="release-reason"/>
            </label>
            <button type="submit" class="secondary" data-testid="release-submit">{tr("pool.release")}</button>
        </form>
    }
}
