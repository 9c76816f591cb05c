//! Shares and collaborators, release to the pool and transfer to another owner: owners and
//! managers share the customer with a user or a unit (read or edit, optionally until a date),
//! revoke shares, and transfer it, as far as their rights allow.

use domain_types::org::Directory;
use leptos::prelude::*;

use crate::customers::detail::record::CustomerDetail;
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::customers::detail::words::{t, tr};
use crate::pools::release::{ReleaseCustomer, ReleaseForm};
use crate::ui::format::format_utc;

#[server(endpoint = "customers/share")]
pub async fn share_customer(id: i64, grantee: String, access: String, until: String) -> Result<i64, AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    use domain::sharing::{Grantee, ShareAccess};
    let (st, actor) = actor().await?;
    let invalid = |field: &str| fail(AppError::Invalid { field: field.into(), code: "format".into() });
    let grantee = match grantee.split_once(':') {
        Some(("user", id)) => Grantee::User(id.parse().map_err(|_| invalid("grantee"))?),
        Some(("unit", id)) => Grantee::Unit(id.parse().map_err(|_| invalid("grantee"))?),
        _ => return Err(invalid("grantee")),
    };
    let access = if access == "edit" { ShareAccess::Edit } else { ShareAccess::Read };
    let expires_at = if until.trim().is_empty() {
        None
    } else {
        Some(domain::clock::end_of_day_ms(&until).ok_or_else(|| invalid("until"))?)
    };
    domain::sharing::share(&st.db, &actor, domain::roles::ObjectType::Customer, id, grantee, access, expires_at)
        .await
        .map_err(domain_err)
}

#[server(endpoint = "customers/unshare")]
pub async fn revoke_share(share_id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sharing::revoke(&st.db, &actor, share_id).await.map_err(domain_err)
}

#[server(endpoint = "customers/transfer")]
pub async fn transfer_customer(id: i64, owner: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sharing::transfer(&st.db, &actor, domain::roles::ObjectType::Customer, id, owner, None).await.map_err(domain_err)
}

/// Shares and collaborators, release to the pool, transfer to another owner.
#[component]
pub fn Shares(
    c: CustomerDetail,
    dir: Directory,
    share: ServerAction<ShareCustomer>,
    unshare: ServerAction<RevokeShare>,
    release: ServerAction<ReleaseCustomer>,
    transfer: ServerAction<TransferCustomer>,
) -> impl IntoView {
    let lang = use_lang();
    let cid = c.id;
    let (can_share, can_assign, can_release) = (c.can_share, c.can_assign, c.can_release);
    let grantee = RwSignal::new(String::new());
    let access = RwSignal::new("read".to_string());
    let until = RwSignal::new(String::new());
    let new_owner = RwSignal::new(String::new());
    let owner_choices = dir.users.clone();
    view! {
        <div class="card">
            <h2>{tr("share.title")}</h2>
            <ul class="shares" data-testid="shares">
                {c.shares.iter().map(|s| {
                    let sid = s.id;
                    let label = s.grantee.clone();
                    let acc = s.access.clone();
                    let until = s.expires_at.map(format_utc);
                    view! {
                        <li data-testid="share">
                            <span>{label}</span>
                            <span class="badge">{move || t(lang.get(), if acc == "edit" { "share.edit" } else { "share.read" })}</span>
                            {until.map(|u| view! { <span class="muted small">" · "{move || t(lang.get(), "share.until")}" "{u.clone()}</span> })}
                            <Show when=move || can_share>
                                <button class="link danger" data-testid="unshare" on:click=move |_| { unshare.dispatch(RevokeShare { share_id: sid }); }>
                                    {tr("share.revoke")}
                                </button>
                            </Show>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || can_share>
                <form class="inline-form" data-testid="share-form" on:submit=move |ev| {
                    ev.prevent_default();
                    share.dispatch(ShareCustomer { id: cid, grantee: grantee.get_untracked(), access: access.get_untracked(), until: until.get_untracked() });
                }>
                    <label>
                        <span>{tr("share.with")}</span>
                        <select bind:value=grantee required data-testid="share-grantee">
                            <option value="">"—"</option>
                            <optgroup label=move || t(lang.get(), "admin.users")>
                                {dir.users.iter().map(|(id, n)| view! { <option value=format!("user:{id}")>{n.clone()}</option> }).collect_view()}
                            </optgroup>
                            <optgroup label=move || t(lang.get(), "admin.org")>
                                {dir.units.iter().map(|(id, n)| view! { <option value=format!("unit:{id}")>{n.clone()}</option> }).collect_view()}
                            </optgroup>
                        </select>
                    </label>
                    <label>
                        <span>{tr("share.access")}</span>
                        <select bind:value=access data-testid="share-access">
                            <option value="read">{tr("share.read")}</option>
                            <option value="edit">{tr("share.edit")}</option>
                        </select>
                    </label>
                    <label>
                        <span>{tr("share.until")}</span>
                        <input type="date" bind:value=until data-testid="share-until"/>
                    </label>
                    <button type="submit" class="primary" data-testid="share-submit">{tr("share.add")}</button>
                </form>
            </Show>
            <Show when=move || can_release>
                <ReleaseForm id=cid release/>
            </Show>
            <Show when=move || can_assign>
                <form class="inline-form" data-testid="transfer-form" on:submit=move |ev| {
                    ev.prevent_default();
                    if let Ok(owner) = new_owner.get_untracked().parse() {
                        transfer.dispatch(TransferCustomer { id: cid, owner });
                    }
                }>
                    <label>
                        <span>{tr("share.transfer_to")}</span>
                        <select bind:value=new_owner required data-testid="transfer-owner">
                            <option value="">"—"</option>
                            {owner_choices.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="primary" data-testid="transfer-submit">{tr("share.transfer")}</button>
                </form>
            </Show>
        </div>
    }
}
