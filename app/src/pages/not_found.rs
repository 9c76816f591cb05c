use leptos::prelude::*;

use crate::i18n::tr;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <div class="notfound-page" data-testid="not-found">
            <div class="notfound-card">
                <p class="big">"404"</p>
                <h1>{tr("notfound.title")}</h1>
                <p>{tr("notfound.body")}</p>
                <a href="/" class="button">{tr("notfound.home")}</a>
            </div>
        </div>
    }
}
