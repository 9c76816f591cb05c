use leptos::prelude::*;

use crate::auth::SignIn;
use crate::i18n::{switch_lang, tr, use_lang, Lang};

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<SignIn>::new();
    let pending = action.pending();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            #[cfg(not(feature = "ssr"))]
            {
                let _ = window().location().set_href("/");
            }
        }
    });
    let error = move || action.value().get().and_then(|r| r.err()).map(|e| e.message(lang.get()));

    view! {
        <div class="login-page">
            <div class="login-card">
                <div class="login-head">
                    <span class="brand-mark">"◈"</span>
                    <h1>{tr("app.name")}</h1>
                    <p class="tagline">{tr("app.tagline")}</p>
                </div>
                <ActionForm action=action attr:class="login-form" attr:data-testid="login-form">
                    <label>
                        <span>{tr("login.identifier")}</span>
                        <input type="text" name="login" autocomplete="username" required autofocus data-testid="login"/>
                    </label>
                    <label>
                        <span>{tr("login.password")}</span>
                        <input type="password" name="password" autocomplete="current-password" required data-testid="password"/>
                    </label>
                    <Show when=move || error().is_some()>
                        <p class="form-error" role="alert" data-testid="login-error">{error}</p>
                    </Show>
                    <button type="submit" class="primary" disabled=pending data-testid="submit">
                        {move || if pending.get() { tr("login.submitting")() } else { tr("login.submit")() }}
                    </button>
                </ActionForm>
                <p class="hint">{tr("login.hint")}</p>
                <div class="login-lang">
                    <button class="link" data-testid="lang-zh" on:click=move |_| switch_lang(lang, Lang::Zh)>"中文"</button>
                    " · "
                    <button class="link" data-testid="lang-en" on:click=move |_| switch_lang(lang, Lang::En)>"English"</button>
                </div>
            </div>
        </div>
    }
}
