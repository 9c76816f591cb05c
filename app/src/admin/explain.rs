//! "Why can this user see this record?": per action, allowed or refused, and by which role grant
//! or share.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::choices::admin_choices;
use super::vocab::{action_key, scope_key};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::admin::words::{t, tr};
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::loading::resource;

/// Why access is granted, with scopes and actions as text codes (the domain's Reason holds the
/// vocabulary enums and the share's details).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReasonDto {
    Grant { scope: String, roles: Vec<String> },
    Share { id: i64, access: String },
    Pool { id: i64 },
    Creator,
    /// Asked to decide an approval of the record (`current`), or decided one (read-only).
    Approval { id: i64, current: bool },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainLine {
    pub action: String,
    pub allowed: bool,
    pub reasons: Vec<ReasonDto>,
}

#[server(endpoint = "admin/explain")]
pub async fn explain_access(user_id: i64, record_id: i64) -> Result<Vec<ExplainLine>, AppError> {
    use crate::server::{actor, domain_err};
    use domain::policy::Reason;
    let (st, admin) = actor().await?;
    let lines = domain::policy::explain(&st.db, &admin, user_id, domain::roles::ObjectType::Customer, record_id)
        .await
        .map_err(domain_err)?;
    Ok(lines
        .into_iter()
        .map(|(action, d)| ExplainLine {
            action: action.as_str().into(),
            allowed: d.allowed,
            reasons: d
                .reasons
                .into_iter()
                .map(|r| match r {
                    Reason::Grant { scope, roles } => ReasonDto::Grant { scope: scope.as_str().into(), roles },
                    Reason::Share { share_id, access, .. } => ReasonDto::Share { id: share_id, access },
                    Reason::Pool { pool_id } => ReasonDto::Pool { id: pool_id },
                    Reason::Creator => ReasonDto::Creator,
                    Reason::Approval { approval_id, current } => ReasonDto::Approval { id: approval_id, current },
                })
                .collect(),
        })
        .collect())
}

#[component]
pub fn ExplainPage() -> impl IntoView {
    let lang = use_lang();
    let choices = resource(|| (), |_| admin_choices());
    let user = RwSignal::new(String::new());
    let record = RwSignal::new(String::new());
    let ask = ServerAction::<ExplainAccess>::new();
    view! {
        <div class="admin-explain">
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                if let (Ok(u), Ok(r)) = (user.get_untracked().parse(), record.get_untracked().trim().parse()) {
                    ask.dispatch(ExplainAccess { user_id: u, record_id: r });
                }
            }>
                <label>
                    <span>{tr("admin.user")}</span>
                    <select bind:value=user data-testid="explain-user" required>
                        <option value="">"—"</option>
                        <Suspense>
                            {move || Suspend::new(async move {
                                choices.await.map(|c| c.users.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.label}</option> }).collect_view()).ok()
                            })}
                        </Suspense>
                    </select>
                </label>
                <label>
                    <span>{tr("object.customer")}" · "{tr("admin.record_id")}</span>
                    <input bind:value=record data-testid="explain-record" inputmode="numeric" required/>
                </label>
                <button type="submit" class="primary" data-testid="explain-go">{tr("admin.explain_go")}</button>
            </form>
            <ActionError error=error_of(ask.value())/>
            {move || ask.value().get().and_then(|r| r.ok()).map(|lines| view! {
                <table class="records" data-testid="explain-result">
                    <tbody>
                        {lines.into_iter().map(|l| {
                            let action = l.action.clone();
                            let action_attr = l.action.clone();
                            let allowed = l.allowed;
                            let reasons = l.reasons.clone();
                            view! {
                                <tr data-action=action_attr class:allowed=allowed class:refused=!allowed>
                                    <th>{move || t(lang.get(), action_key(&action))}</th>
                                    <td>{move || if allowed { t(lang.get(), "admin.allowed") } else { t(lang.get(), "admin.refused") }}</td>
                                    <td>{move || {
                                        if reasons.is_empty() {
                                            return t(lang.get(), "admin.no_reason").to_string();
                                        }
                                        reasons.iter().map(|r| match r {
                                            ReasonDto::Grant { scope, roles } => t(lang.get(), "admin.via_grant")
                                                .replace("{roles}", &roles.join("、"))
                                                .replace("{scope}", t(lang.get(), scope_key(scope))),
                                            ReasonDto::Share { id, access } => t(lang.get(), "admin.via_share")
                                                .replace("{id}", &id.to_string())
                                                .replace("{access}", access),
                                            ReasonDto::Pool { id } => t(lang.get(), "admin.via_pool").replace("{id}", &id.to_string()),
                                            ReasonDto::Creator => t(lang.get(), "admin.via_creator").to_string(),
                                            ReasonDto::Approval { id, current } => t(lang.get(), if *current { "admin.via_approval" } else { "admin.via_approval_done" })
                                                .replace("{id}", &id.to_string()),
                                        }).collect::<Vec<_>>().join("；")
                                    }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </div>
    }
}
