//! Comments on a record with @mentions. Typing "@" and part of a name offers colleagues; a mention
//! of someone who may not read the record is refused by the server with their name, and nothing is
//! saved.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::discussion::words::{t, tr};
use crate::ui::action_error::{error_of, ActionError};

/// A comment as shown: mentions by name only (the domain's Comment carries the ids too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentDto {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub mentions: Vec<String>,
    pub at: i64,
}

#[cfg(feature = "ssr")]
pub async fn comments_of(st: &crate::server::AppState, actor: &domain::policy::Actor, object: domain::roles::ObjectType, id: i64) -> Result<Vec<CommentDto>, AppError> {
    let list = domain::comments::list(&st.db, actor, object, id).await.map_err(crate::server::domain_err)?;
    Ok(list
        .into_iter()
        .map(|c| CommentDto { id: c.id, author: c.author, body: c.body, mentions: c.mentions.into_iter().map(|(_, n)| n).collect(), at: c.at })
        .collect())
}

#[server(endpoint = "comments/add", input = leptos::server_fn::codec::Json)]
pub async fn add_comment(object: String, record_id: i64, body: String, mentions: Vec<i64>) -> Result<i64, AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let object = domain::roles::ObjectType::parse(&object).ok_or_else(|| fail(AppError::NotFound))?;
    domain::comments::add(&st.db, &actor, object, record_id, &body, &mentions).await.map_err(domain_err)
}

#[server(endpoint = "comments/people")]
pub async fn mention_people(q: String) -> Result<Vec<(i64, String, String)>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::comments::mention_candidates(&st.db, &actor, &q, 8).await.map_err(domain_err)
}

/// The word being typed after an "@" at the end of the text, if any.
fn mention_query(text: &str) -> Option<String> {
    let at = text.rfind('@')?;
    let q = &text[at + 1..];
    (!q.contains(char::is_whitespace) && q.chars().count() <= 20).then(|| q.to_string())
}

#[component]
pub fn Comments(object: &'static str, record_id: i64, comments: Vec<CommentDto>, add: ServerAction<AddComment>) -> impl IntoView {
    let lang = use_lang();
    // Kept by the page around reloads, so a live update does not wipe what is being typed.
    let body = use_context::<CommentDraft>().map(|d| d.0).unwrap_or_else(|| RwSignal::new(String::new()));
    let picked = RwSignal::new(Vec::<(i64, String)>::new());
    let candidates = RwSignal::new(Vec::<(i64, String, String)>::new());
    let lookup = move |text: String| match mention_query(&text) {
        Some(q) => {
            leptos::task::spawn_local(async move {
                candidates.set(mention_people(q).await.unwrap_or_default());
            });
        }
        None => candidates.set(vec![]),
    };
    let pick = move |id: i64, name: String| {
        body.update(|b| {
            if let Some(at) = b.rfind('@') {
                b.truncate(at);
            }
            b.push_str(&format!("@{name} "));
        });
        picked.update(|p| p.push((id, name)));
        candidates.set(vec![]);
    };
    let none = comments.is_empty();
    view! {
        <div class="card comments" data-testid="comments">
            <h2>{tr("comment.title")}</h2>
            <Show when=move || none><p class="empty">{tr("comment.none")}</p></Show>
            <ul class="comment-list">
                {comments.into_iter().map(|c| view! {
                    <li data-testid="comment">
                        <p class="muted small">{c.author.clone()}" · "{crate::ui::format::format_utc(c.at)}</p>
                        <p>{c.body.clone()}</p>
                    </li>
                }).collect_view()}
            </ul>
            <form class="comment-form" on:submit=move |ev| {
                ev.prevent_default();
                let text = body.get_untracked();
                // Only names still in the text count as mentions.
                let mentions: Vec<i64> = picked.get_untracked().into_iter().filter(|(_, n)| text.contains(&format!("@{n}"))).map(|(id, _)| id).collect();
                add.dispatch(AddComment { object: object.to_string(), record_id, body: text, mentions });
            }>
                <textarea rows="2" data-testid="comment-body" prop:value=move || body.get()
                    placeholder=move || t(lang.get(), "comment.placeholder")
                    on:input=move |ev| { let v = event_target_value(&ev); body.set(v.clone()); lookup(v); }></textarea>
                <Show when=move || !candidates.get().is_empty()>
                    <ul class="mention-menu" data-testid="mention-menu">
                        <For each=move || candidates.get() key=|c| c.0 let:c>
                            {
                                let (id, name, unit) = c;
                                let n2 = name.clone();
                                view! {
                                    <li><button type="button" data-testid="mention-option" on:click=move |_| pick(id, n2.clone())>
                                        {name.clone()}<span class="muted small">" · "{unit}</span>
                                    </button></li>
                                }
                            }
                        </For>
                    </ul>
                </Show>
                <button type="submit" class="secondary" data-testid="comment-submit" disabled=move || add.pending().get()>{tr("comment.add")}</button>
            </form>
            <ActionError error=error_of(add.value())/>
        </div>
    }
}

/// What is being typed in a page's comment box; the page provides it outside its reloading part.
#[derive(Clone, Copy)]
pub struct CommentDraft(pub RwSignal<String>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_after_the_last_at_sign_is_looked_up() {
        assert_eq!(mention_query("请 @李"), Some("李".into()));
        assert_eq!(mention_query("@"), Some(String::new()));
        assert_eq!(mention_query("@李建国 看一下"), None);
        assert_eq!(mention_query("没有提到"), None);
    }
}
