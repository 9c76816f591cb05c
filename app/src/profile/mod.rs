//! `/profile`: the signed-in user's own settings — for now their personal access tokens for the
//! REST API (`/api/v1`): made with a name and an expiry, the secret shown once, listed with when
//! each was last used, revoked at once. The rules are in `domain::integration::tokens`.

pub mod words;

use domain_types::integration::{CreatedToken, TokenRow, TOKEN_EXPIRY_DAYS};
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::format::format_utc;
use crate::ui::loading::{loaded, resource};
use words::text;

/// The user's tokens and the server's clock, so that "expired" is judged by one clock.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TokensView {
    pub tokens: Vec<TokenRow>,
    pub now: i64,
}

#[server(endpoint = "profile/tokens")]
pub async fn my_tokens() -> Result<TokensView, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let tokens = domain::integration::tokens::list(&st.db, &actor).await.map_err(domain_err)?;
    Ok(TokensView { tokens, now: domain::clock::now_ms() })
}

#[server(endpoint = "profile/tokens/create")]
pub async fn make_token(name: String, expires_in_days: i64) -> Result<CreatedToken, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::integration::tokens::create(&st.db, &actor, &name, expires_in_days).await.map_err(domain_err)
}

#[server(endpoint = "profile/tokens/revoke")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::integration::tokens::revoke(&st.db, &actor, id).await.map_err(domain_err)
}

fn expiry_label(lang: crate::i18n::Lang, days: i64) -> String {
    if days == 0 {
        text(lang, "tok.never").to_string()
    } else {
        format!("{days} {}", text(lang, "tok.days"))
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let lang = use_lang();
    let make = ServerAction::<MakeToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = resource(move || (make.version().get(), revoke.version().get()), |_| my_tokens());
    let (name, expiry) = (RwSignal::new(String::new()), RwSignal::new("90".to_string()));
    view! {
        <section class="profile" data-testid="profile">
            <div class="page-head"><h1>{move || text(lang.get(), "tok.profile")}</h1></div>
            <h2>{move || text(lang.get(), "tok.title")}</h2>
            <p class="muted">{move || text(lang.get(), "tok.explain")}</p>
            <form class="inline-form" data-testid="token-form" on:submit=move |ev| {
                ev.prevent_default();
                let days = expiry.get_untracked().parse().unwrap_or(90);
                make.dispatch(MakeToken { name: name.get_untracked(), expires_in_days: days });
            }>
                <label><span>{move || text(lang.get(), "tok.name")}</span>
                    <input type="text" required maxlength="60" data-testid="token-name" bind:value=name/>
                </label>
                <label><span>{move || text(lang.get(), "tok.expires")}</span>
                    <select data-testid="token-expiry" bind:value=expiry>
                        {TOKEN_EXPIRY_DAYS.iter().map(|d| view! { <option value=d.to_string()>{move || expiry_label(lang.get(), *d)}</option> }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="primary" data-testid="token-create" disabled=move || make.pending().get()>{move || text(lang.get(), "tok.create")}</button>
            </form>
            <ActionError error=error_of(make.value())/>
            {move || make.value().get().and_then(|r| r.ok()).map(|made| view! {
                <div class="token-secret" data-testid="token-secret-box">
                    <p><strong>{move || text(lang.get(), "tok.copy_now")}</strong></p>
                    <code data-testid="token-secret">{made.secret.clone()}</code>
                </div>
            })}
            <Transition fallback=move || view! { <p class="loading">{move || text(lang.get(), "tok.loading")}</p> }>
                {move || Suspend::new(async move {
                    let (rows, at) = match loaded(tokens).await {
                        Some(Ok(v)) => (v.tokens, v.now),
                        Some(Err(e)) => return view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        None => return ().into_any(),
                    };
                    if rows.is_empty() {
                        return view! { <p class="muted" data-testid="no-tokens">{move || text(lang.get(), "tok.none")}</p> }.into_any();
                    }
                    view! {
                        <table class="records" data-testid="token-table">
                            <thead><tr>
                                <th>{move || text(lang.get(), "tok.name")}</th>
                                <th>{move || text(lang.get(), "tok.prefix")}</th>
                                <th>{move || text(lang.get(), "tok.created")}</th>
                                <th>{move || text(lang.get(), "tok.expires")}</th>
                                <th>{move || text(lang.get(), "tok.last_used")}</th>
                                <th>{move || text(lang.get(), "tok.state")}</th>
                                <th></th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    let live = r.revoked_at.is_none() && r.expires_at.is_none_or(|e| e > at);
                                    let state = if r.revoked_at.is_some() { "tok.revoked" } else if live { "tok.live" } else { "tok.expired" };
                                    let id = r.id;
                                    view! {
                                        <tr data-testid="token-row" data-state=state.trim_start_matches("tok.")>
                                            <td class="name">{r.name.clone()}</td>
                                            <td data-label=move || text(lang.get(), "tok.prefix")><code>{format!("{}…", r.prefix)}</code></td>
                                            <td data-label=move || text(lang.get(), "tok.created")>{format_utc(r.created_at)}</td>
                                            <td data-label=move || text(lang.get(), "tok.expires")>{r.expires_at.map(format_utc).unwrap_or_else(|| "—".into())}</td>
                                            <td data-label=move || text(lang.get(), "tok.last_used")>{r.last_used_at.map(format_utc).unwrap_or_else(|| "—".into())}</td>
                                            <td data-label=move || text(lang.get(), "tok.state")>{move || text(lang.get(), state)}</td>
                                            <td>{live.then(|| view! {
                                                <button class="danger" data-testid="token-revoke" disabled=move || revoke.pending().get()
                                                    on:click=move |_| { revoke.dispatch(RevokeToken { id }); }>
                                                    {move || text(lang.get(), "tok.revoke")}
                                                </button>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                })}
            </Transition>
            <ActionError error=error_of(revoke.value())/>
            <p class="muted">{move || text(lang.get(), "tok.docs")}" "<a href="/api/v1/openapi.json" rel="external" data-testid="openapi-link">"/api/v1/openapi.json"</a></p>
        </section>
    }
}
