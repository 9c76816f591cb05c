//! One customer: its fields as the user may see them, its owner and unit, and its shares. Owners
//! and managers share it with a user or a unit (read or edit, optionally until a date), revoke
//! shares, and transfer it to another owner, each as far as the policy allows.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::admin::{error_of, first_error, ActionError};
use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareDto {
    pub id: i64,
    pub grantee: String,
    pub to_unit: bool,
    pub access: String,
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub id: i64,
    pub name: String,
    /// (text key of the label, value) for each field the user may read.
    pub fields: Vec<(String, String)>,
    pub owner_name: Option<String>,
    pub unit_name: String,
    pub can_update: bool,
    pub can_share: bool,
    pub can_assign: bool,
    /// Owner or assigner of a held customer: may return it to the pool.
    pub can_release: bool,
    pub shares: Vec<ShareDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryDto {
    pub users: Vec<(i64, String)>,
    pub units: Vec<(i64, String)>,
}

/// The customer as the actor may see it. Takes the state and actor read at the start of the
/// request: no request context is needed after the first await.
#[cfg(feature = "ssr")]
async fn detail_of(st: &crate::server::AppState, actor: &domain::policy::Actor, id: i64) -> Result<CustomerDetail, AppError> {
    use crate::server::domain_err;
    use domain::roles::ObjectType;
    let c = domain::customers::get(&st.db, actor, id).await.map_err(domain_err)?;
    let rights = domain::policy::rights_on(&st.db, actor, ObjectType::Customer, id).await.map_err(domain_err)?;
    let shares = domain::sharing::list(&st.db, actor, ObjectType::Customer, id).await.map_err(domain_err)?;
    let fields = [
        ("cust.level", c.level),
        ("cust.industry", c.industry),
        ("field.province", c.province),
        ("cust.city", c.city),
        ("field.address", c.address),
        ("cust.phone", c.phone),
        ("field.source", c.source),
        ("admin.status", c.status),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
    .collect();
    Ok(CustomerDetail {
        id: c.id,
        name: c.name,
        fields,
        owner_name: c.owner_name,
        unit_name: c.unit_name,
        can_update: rights.update,
        can_share: rights.share,
        can_assign: rights.assign,
        can_release: rights.release,
        shares: shares
            .into_iter()
            .map(|s| ShareDto {
                id: s.id,
                grantee: s.grantee_name,
                to_unit: matches!(s.grantee, domain::sharing::Grantee::Unit(_)),
                access: s.access,
                expires_at: s.expires_at,
            })
            .collect(),
    })
}

#[server(endpoint = "customers/get")]
pub async fn get_customer(id: i64) -> Result<CustomerDetail, AppError> {
    let (st, actor) = crate::server::actor().await?;
    detail_of(&st, &actor, id).await
}

#[server(endpoint = "customers/page")]
pub async fn customer_page(id: i64) -> Result<(CustomerDetail, crate::pages::activity::Activity, DirectoryDto), AppError> {
    use crate::server::domain_err;
    let (st, actor) = crate::server::actor().await?;
    let detail = detail_of(&st, &actor, id).await?;
    let activity = crate::pages::activity::activity_of(&st, &actor, id).await?;
    let d = domain::org::directory(&st.db).await.map_err(domain_err)?;
    Ok((detail, activity, DirectoryDto { users: d.users, units: d.units }))
}

#[server(endpoint = "directory")]
pub async fn directory() -> Result<DirectoryDto, AppError> {
    use crate::server::{actor, domain_err};
    let (st, _) = actor().await?;
    let d = domain::org::directory(&st.db).await.map_err(domain_err)?;
    Ok(DirectoryDto { users: d.users, units: d.units })
}

#[server(endpoint = "customers/share")]
pub async fn share_customer(id: i64, grantee: String, access: String, until: String) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err, fail};
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

#[component]
pub fn CustomerDetailPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    // Read once: a new customer address renders a new page (the source must not flip during
    // server rendering, or the page renders twice and hydration disagrees).
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let share = ServerAction::<ShareCustomer>::new();
    let unshare = ServerAction::<RevokeShare>::new();
    let transfer = ServerAction::<TransferCustomer>::new();
    let release = ServerAction::<crate::pages::pools::ReleaseCustomer>::new();
    let add_contact = ServerAction::<crate::pages::activity::AddContact>::new();
    let follow = ServerAction::<crate::pages::activity::LogFollowUp>::new();
    let reason = RwSignal::new(String::new());
    let versions = move || {
        [share.version().get(), unshare.version().get(), transfer.version().get(), release.version().get(), add_contact.version().get(), follow.version().get()]
    };
    // The customer and its activity in one call, so the page loads and hydrates from one resource.
    let customer = Resource::new(versions, move |_| customer_page(id));
    let grantee = RwSignal::new(String::new());
    let access = RwSignal::new("read".to_string());
    let until = RwSignal::new(String::new());
    let new_owner = RwSignal::new(String::new());
    let last_error = first_error(vec![error_of(share.value()), error_of(unshare.value()), error_of(transfer.value()), error_of(release.value()), error_of(add_contact.value()), error_of(follow.value())]);

    view! {
        <section class="customer-detail">
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    let (c, activity, dir) = match customer.await {
                        Ok(pair) => pair,
                        Err(e) => return view! {
                            <div class="forbidden" data-testid="customer-missing">
                                <h1>{tr("notfound.title")}</h1>
                                <p>{move || e.message(lang.get())}</p>
                            </div>
                        }.into_any(),
                    };
                    let cid = c.id;
                    let (can_share, can_assign, can_release) = (c.can_share, c.can_assign, c.can_release);
                    let owner_choices = dir.users.clone();
                    view! {
                        <h1 data-testid="customer-name">{c.name.clone()}</h1>
                        <dl class="fields card" data-testid="customer-fields">
                            <dt>{tr("cust.owner")}</dt>
                            <dd data-testid="customer-owner">{
                                let owner = c.owner_name.clone();
                                move || owner.clone().unwrap_or_else(|| t(lang.get(), "cust.pool").to_string())
                            }</dd>
                            <dt>{tr("cust.unit")}</dt>
                            <dd>{c.unit_name.clone()}</dd>
                            {c.fields.iter().map(|(k, v)| {
                                let key: &'static str = field_key(k);
                                view! { <dt>{move || t(lang.get(), key)}</dt><dd data-field=k.clone()>{v.clone()}</dd> }
                            }).collect_view()}
                        </dl>
                        <ActionError error=last_error/>
                        <crate::pages::activity::CustomerActivity id=cid can_update=c.can_update activity add=add_contact follow/>
                        <h2>{tr("share.title")}</h2>
                        <ul class="shares" data-testid="shares">
                            {c.shares.iter().map(|s| {
                                let sid = s.id;
                                let label = s.grantee.clone();
                                let acc = s.access.clone();
                                let until = s.expires_at.map(crate::admin::audit::format_utc);
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
                            <form class="inline-form" data-testid="release-form" on:submit=move |ev| {
                                ev.prevent_default();
                                release.dispatch(crate::pages::pools::ReleaseCustomer { id: cid, reason: reason.get_untracked() });
                            }>
                                <label>
                                    <span>{tr("pool.reason")}</span>
                                    <input bind:value=reason required data-testid="release-reason"/>
                                </label>
                                <button type="submit" class="secondary" data-testid="release-submit">{tr("pool.release")}</button>
                            </form>
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
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

fn field_key(k: &str) -> &'static str {
    match k {
        "cust.level" => "cust.level",
        "cust.industry" => "cust.industry",
        "field.province" => "field.province",
        "cust.city" => "cust.city",
        "field.address" => "field.address",
        "cust.phone" => "cust.phone",
        "field.source" => "field.source",
        _ => "admin.status",
    }
}
