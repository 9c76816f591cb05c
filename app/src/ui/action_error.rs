//! The line that shows why the last action failed, in the user's language.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::use_lang;

/// Shows the error of the last failed action, in the user's language.
#[component]
pub fn ActionError(error: Signal<Option<AppError>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Show when=move || error.get().is_some()>
            <p class="form-error" role="alert" data-testid="action-error">
                {move || error.get().map(|e| e.message(lang.get()))}
            </p>
        </Show>
    }
}

/// The error of a server action's last result, as a signal.
pub fn error_of<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// The first error among several actions' last results: one message line for a page.
pub fn first_error(errors: Vec<Signal<Option<AppError>>>) -> Signal<Option<AppError>> {
    Signal::derive(move || errors.iter().find_map(|e| e.get()))
}
