//! The audit log, newest first, filterable by kind of entity.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::admin::words::{t, tr};
use crate::ui::format::format_utc;
use crate::ui::loading::resource;

/// An audit entry as shown: the actor by name and before/after as JSON text (the domain's entry
/// holds JSON values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditDto {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub action: String,
    pub before: String,
    pub after: String,
}

/// The filters of the audit page: kind of entity, who, and a date range (UTC, YYYY-MM-DD).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub entity: String,
    pub actor: String,
    pub since: String,
    pub until: String,
    pub before_id: Option<i64>,
}

#[server(endpoint = "admin/audit", input = Json)]
pub async fn list_audit(filter: AuditFilter) -> Result<Vec<AuditDto>, AppError> {
    use crate::server::{actor, domain_err};
    use domain::clock::{end_of_day_ms, DAY_MS};
    let (st, actor) = actor().await?;
    let q = domain::audit::AuditQuery {
        entity: if filter.entity.is_empty() { None } else { Some(filter.entity) },
        actor_id: filter.actor.parse().ok(),
        since: end_of_day_ms(&filter.since).map(|end| end + 1 - DAY_MS),
        until: end_of_day_ms(&filter.until),
        before_id: filter.before_id,
        limit: Some(100),
        ..Default::default()
    };
    let entries = domain::audit::list(&st.db, &actor, &q).await.map_err(domain_err)?;
    Ok(entries
        .into_iter()
        .map(|e| AuditDto {
            id: e.id,
            at: e.at,
            actor: e.actor_name.unwrap_or_default(),
            entity: e.entity,
            entity_id: e.entity_id,
            action: e.action,
            before: e.before.map(|v| v.to_string()).unwrap_or_default(),
            after: e.after.map(|v| v.to_string()).unwrap_or_default(),
        })
        .collect())
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let lang = use_lang();
    let entity = RwSignal::new(String::new());
    let who = RwSignal::new(String::new());
    let since = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let people = resource(|| (), |_| super::choices::admin_choices());
    let entries = resource(
        move || AuditFilter { entity: entity.get(), actor: who.get(), since: since.get(), until: until.get(), before_id: None },
        list_audit,
    );
    view! {
        <div class="admin-audit">
            <div class="inline-form">
                <label>
                    <span>{tr("admin.what")}</span>
                    <select bind:value=entity data-testid="audit-entity">
                        <option value="">{tr("admin.all")}</option>
                        <option value="org_unit">{tr("admin.org")}</option>
                        <option value="user">{tr("admin.users")}</option>
                        <option value="role">{tr("admin.roles")}</option>
                        <option value="share">{tr("action.share")}</option>
                        <option value="customer">{tr("object.customer")}</option>
                    </select>
                </label>
                <label>
                    <span>{tr("admin.who")}</span>
                    <select bind:value=who data-testid="audit-actor">
                        <option value="">{tr("admin.all")}</option>
                        <Suspense>
                            {move || Suspend::new(async move {
                                people.await.map(|c| c.users.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.label}</option> }).collect_view()).ok()
                            })}
                        </Suspense>
                    </select>
                </label>
                <label><span>{tr("audit.since")}</span><input type="date" bind:value=since data-testid="audit-since"/></label>
                <label><span>{tr("audit.until")}</span><input type="date" bind:value=until data-testid="audit-until"/></label>
            </div>
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Err(e) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="records audit" data-testid="audit-list">
                                <thead>
                                    <tr>
                                        <th>{tr("admin.when")}</th>
                                        <th>{tr("admin.who")}</th>
                                        <th>{tr("admin.what")}</th>
                                        <th>{tr("admin.action")}</th>
                                        <th>{tr("admin.before")}</th>
                                        <th>{tr("admin.after")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|e| view! {
                                        <tr data-testid="audit-row">
                                            <td data-label=move || t(lang.get(), "admin.when")>{format_utc(e.at)}</td>
                                            <td data-label=move || t(lang.get(), "admin.who")>{e.actor.clone()}</td>
                                            <td data-label=move || t(lang.get(), "admin.what")>{format!("{} #{}", e.entity, e.entity_id.map(|i| i.to_string()).unwrap_or_default())}</td>
                                            <td data-label=move || t(lang.get(), "admin.action")>{e.action.clone()}</td>
                                            <td class="json">{e.before.clone()}</td>
                                            <td class="json">{e.after.clone()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
