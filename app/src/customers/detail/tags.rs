//! The customer's tags: short labels for segmenting, set by those who may edit the tags field.

use leptos::prelude::*;

use crate::customers::detail::record::CustomerDetail;
use crate::error::AppError;
use crate::customers::detail::words::tr;

#[server(endpoint = "customers/tags")]
pub async fn set_customer_tags(id: i64, tags: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let tags: Vec<String> = tags.split([',', '，', ' ', '、']).map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
    domain::customers::tags::set_tags(&st.db, &actor, id, &tags).await.map_err(domain_err)
}

#[component]
pub fn Tags(c: CustomerDetail, set_tags: ServerAction<SetCustomerTags>) -> impl IntoView {
    let Some(tags) = c.tags.clone() else { return ().into_any() };
    let text = RwSignal::new(tags.join(", "));
    let can_edit = c.can_edit_tags;
    let cid = c.id;
    let no_tags = tags.is_empty();
    view! {
        <div class="card tags-card">
            <h2>{tr("cust.tags")}</h2>
            <p class="chips" data-testid="customer-tags">
                {tags.into_iter().map(|t| view! { <span class="chip">{t}</span> }).collect_view()}
                <Show when=move || no_tags><span class="muted">{tr("cust.no_tags")}</span></Show>
            </p>
            <Show when=move || can_edit>
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    set_tags.dispatch(SetCustomerTags { id: cid, tags: text.get_untracked() });
                }>
                    <input bind:value=text data-testid="tags-input" placeholder="重点, VIP"/>
                    <button type="submit" class="secondary" data-testid="tags-save">{tr("admin.save")}</button>
                </form>
            </Show>
        </div>
    }
    .into_any()
}
