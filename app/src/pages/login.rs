use leptos::prelude::*;

use leptos::server_fn::ServerFn;

use crate::auth::SignIn;
use crate::i18n::{switch_lang, tr, use_lang, Lang};

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    // A plain action calling the server function: `ServerAction` would also bring the decoding of
    // errors a no-script form post leaves in the URL (base64 and all) into the first download.
    let action = Action::new(|input: &SignIn| input.clone().run_on_client());
    let pending = action.pending();
    let login_input = NodeRef::<leptos::html::Input>::new();
    let password_input = NodeRef::<leptos::html::Input>::new();
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
                // A plain form that posts to the server function, so a sign-in typed before the
                // page is interactive still works; once it is, the action sends it instead
                // (lighter than `ActionForm`, which would pull form decoding into the first download).
                <form method="post" action=SignIn::url() class="login-form" data-testid="login-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        let value = |node: NodeRef<leptos::html::Input>| node.get_untracked().map(|i| i.value()).unwrap_or_default();
                        action.dispatch(SignIn { login: value(login_input), password: value(password_input) });
                    }>
                    <label>
                        <span>{tr("login.identifier")}</span>
                        <input type="text" name="login" autocomplete="username" required autofocus data-testid="login" node_ref=login_input/>
                    </label>
                    <label>
                        <span>{tr("login.password")}</span>
                        <input type="password" name="password" autocomplete="current-password" required data-testid="password" node_ref=password_input/>
                    </label>
                    <Show when=move || error().is_some()>
                        <p class="form-error" role="alert" data-testid="login-error">{error}</p>
                    </Show>
                    <button type="submit" class="primary" disabled=pending data-testid="submit">
                        {move || if pending.get() { tr("login.submitting")() } else { tr("login.submit")() }}
                    </button>
                </form>
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
