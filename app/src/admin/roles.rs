//! The role editor: a matrix of objects × actions with a scope in each cell, field rights for
//! customers, an impact preview before saving, and copying a role (built-ins are changed by copy).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::impact::{ImpactDto, ImpactView};
use super::vocab::{action_key, object_key, scope_key};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::admin::words::{t, tr};
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::loading::resource;

/// A role with its rights in text form (see [`RightsDto`]); the vocabulary enums stay on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleDto {
    pub id: i64,
    pub name: String,
    pub name_en: String,
    pub builtin: bool,
    pub user_count: i64,
    pub rights: RightsDto,
}

/// Grants as (object, action, scope) and field rights as (object, field, access), in the
/// vocabulary's text form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightsDto {
    pub grants: Vec<(String, String, String)>,
    pub fields: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolesData {
    pub roles: Vec<RoleDto>,
    pub objects: Vec<String>,
    pub actions: Vec<String>,
    pub scopes: Vec<String>,
    /// Customer fields that can be restricted.
    pub fields: Vec<String>,
}

#[cfg(feature = "ssr")]
fn rights_to_domain(r: &RightsDto) -> Result<domain::roles::RoleRights, AppError> {
    use domain::policy::FieldAccess;
    use domain::roles::{Action, ObjectType, Scope};
    let bad = |f: &str| crate::error::fail(AppError::Invalid { field: f.into(), code: "unknown".into() });
    let mut out = domain::roles::RoleRights::default();
    for (o, a, s) in &r.grants {
        out.grants.push((
            ObjectType::parse(o).ok_or_else(|| bad("object"))?,
            Action::parse(a).ok_or_else(|| bad("action"))?,
            Scope::parse(s).ok_or_else(|| bad("scope"))?,
        ));
    }
    for (o, f, a) in &r.fields {
        out.field_rights.push((ObjectType::parse(o).ok_or_else(|| bad("object"))?, f.clone(), FieldAccess::parse(a).ok_or_else(|| bad("access"))?));
    }
    Ok(out)
}

#[server(endpoint = "admin/roles")]
pub async fn list_roles() -> Result<RolesData, AppError> {
    use crate::server::{actor, domain_err};
    use domain::roles::{Action, ObjectType, Scope};
    let (st, actor) = actor().await?;
    let roles = domain::roles::list_roles(&st.db, &actor).await.map_err(domain_err)?;
    Ok(RolesData {
        roles: roles
            .into_iter()
            .map(|r| RoleDto {
                id: r.id,
                name: r.name,
                name_en: r.name_en,
                builtin: r.builtin,
                user_count: r.user_count,
                rights: RightsDto {
                    grants: r.grants.iter().map(|(o, a, s)| (o.as_str().into(), a.as_str().into(), s.as_str().into())).collect(),
                    fields: r.field_rights.iter().map(|(o, f, a)| (o.as_str().into(), f.clone(), a.as_str().into())).collect(),
                },
            })
            .collect(),
        objects: ObjectType::ALL.iter().map(|o| o.as_str().to_string()).collect(),
        actions: Action::ALL.iter().map(|a| a.as_str().to_string()).collect(),
        scopes: Scope::ALL.iter().map(|s| s.as_str().to_string()).collect(),
        fields: domain::records::CUSTOMER_FIELDS.iter().filter(|f| f.hideable).map(|f| f.name.to_string()).collect(),
    })
}

#[server(endpoint = "admin/roles/preview", input = Json)]
pub async fn preview_role(role_id: i64, rights: RightsDto) -> Result<ImpactDto, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let change = domain::impact::Change::RoleRights { role_id, rights: rights_to_domain(&rights)? };
    domain::impact::preview(&st.db, &actor, &change).await.map(super::impact::impact_dto).map_err(domain_err)
}

#[server(endpoint = "admin/roles/save", input = Json)]
pub async fn save_role(role_id: i64, rights: RightsDto) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::roles::update_role_rights(&st.db, &actor, role_id, &rights_to_domain(&rights)?).await.map_err(domain_err)
}

#[server(endpoint = "admin/roles/copy")]
pub async fn copy_role(role_id: i64, name: String, name_en: String) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::roles::copy_role(&st.db, &actor, role_id, &name, &name_en).await.map_err(domain_err)
}

fn access_key(a: &str) -> &'static str {
    match a {
        "hidden" => "fa.hidden",
        "read" => "fa.read",
        _ => "fa.edit",
    }
}

#[component]
pub fn RolesPage() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveRole>::new();
    let copy = ServerAction::<CopyRole>::new();
    let preview = ServerAction::<PreviewRole>::new();
    let data = resource(move || (save.version().get(), copy.version().get()), |_| list_roles());
    let selected = RwSignal::new(None::<i64>);
    let rights = RwSignal::new(RightsDto::default());
    let copy_name = RwSignal::new(String::new());
    let copy_name_en = RwSignal::new(String::new());
    let saved = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(id)) = copy.value().get() {
            copy_name.set(String::new());
            copy_name_en.set(String::new());
            selected.set(Some(id));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            saved.set(true);
            preview.clear();
        }
    });
    let last_error = first_error(vec![error_of(save.value()), error_of(copy.value()), error_of(preview.value())]);

    view! {
        <div class="admin-roles">
            <ActionError error=last_error/>
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    let data = match data.await {
                        Ok(d) => d,
                        Err(e) => return view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                    };
                    let roles = data.roles.clone();
                    // Load the selected role's rights into the editor whenever the selection or data changes.
                    if let Some(r) = selected.get_untracked().and_then(|id| roles.iter().find(|r| r.id == id)) {
                        rights.set(r.rights.clone());
                    }
                    let (objects, actions, scopes, fields) = (data.objects.clone(), data.actions.clone(), data.scopes.clone(), data.fields.clone());
                    view! {
                        <ul class="role-list" data-testid="role-list">
                            {roles
                                .iter()
                                .map(|r| {
                                    let id = r.id;
                                    let rr = r.rights.clone();
                                    let count = r.user_count;
                                    let name = r.name.clone();
                                    let name_en = r.name_en.clone();
                                    let name_attr = r.name.clone();
                                    view! {
                                        <li class:selected=move || selected.get() == Some(id)>
                                            <button class="link" data-role=name_attr on:click=move |_| {
                                                rights.set(rr.clone());
                                                preview.clear();
                                                saved.set(false);
                                                selected.set(Some(id));
                                            }>
                                                {move || if lang.get() == crate::i18n::Lang::En && !name_en.is_empty() { name_en.clone() } else { name.clone() }}
                                            </button>
                                            <span class="muted small">" "{move || t(lang.get(), "admin.users_count").replace("{n}", &count.to_string())}</span>
                                            {r.builtin.then(|| view! { <span class="badge">{tr("admin.builtin")}</span> })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                        <Show when=move || selected.get().is_some()>
                            <div class="role-editor" data-testid="role-editor">
                                <div class="inline-form">
                                    <input placeholder=move || t(lang.get(), "admin.role_name") bind:value=copy_name/>
                                    <input placeholder=move || t(lang.get(), "admin.name_en") bind:value=copy_name_en/>
                                    <button class="secondary" on:click=move |_| {
                                        if let Some(id) = selected.get_untracked() {
                                            copy.dispatch(CopyRole { role_id: id, name: copy_name.get_untracked(), name_en: copy_name_en.get_untracked() });
                                        }
                                    }>{tr("admin.copy_role")}</button>
                                </div>
                                <div class="matrix-wrap">
                                    <table class="matrix" data-testid="grant-matrix">
                                        <thead>
                                            <tr>
                                                <th>{tr("admin.object")}</th>
                                                {actions.iter().map(|a| { let k = action_key(a); view! { <th>{move || t(lang.get(), k)}</th> } }).collect_view()}
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {objects
                                                .iter()
                                                .map(|o| {
                                                    let ok = object_key(o);
                                                    let o = o.clone();
                                                    view! {
                                                        <tr>
                                                            <th>{move || t(lang.get(), ok)}</th>
                                                            {actions
                                                                .iter()
                                                                .map(|a| {
                                                                    let (o, a) = (o.clone(), a.clone());
                                                                    let (o2, a2) = (o.clone(), a.clone());
                                                                    let current = move || {
                                                                        rights.with(|r| r.grants.iter().find(|g| g.0 == o && g.1 == a).map(|g| g.2.clone()).unwrap_or_else(|| "none".into()))
                                                                    };
                                                                    view! {
                                                                        <td>
                                                                            <select
                                                                                data-cell=format!("{o2}.{a2}")
                                                                                prop:value=current
                                                                                on:change=move |ev| {
                                                                                    let v = event_target_value(&ev);
                                                                                    rights.update(|r| {
                                                                                        r.grants.retain(|g| !(g.0 == o2 && g.1 == a2));
                                                                                        if v != "none" {
                                                                                            r.grants.push((o2.clone(), a2.clone(), v));
                                                                                        }
                                                                                    });
                                                                                }
                                                                            >
                                                                                {scopes.iter().map(|s| { let k = scope_key(s); view! { <option value=s.clone()>{move || t(lang.get(), k)}</option> } }).collect_view()}
                                                                            </select>
                                                                        </td>
                                                                    }
                                                                })
                                                                .collect_view()}
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <h3>{tr("admin.field_rights")}</h3>
                                <table class="matrix fields" data-testid="field-rights">
                                    <tbody>
                                        {fields
                                            .iter()
                                            .map(|f| {
                                                let fk = crate::ui::fields::column_key(f);
                                                let f = f.clone();
                                                let f2 = f.clone();
                                                let current = move || rights.with(|r| r.fields.iter().find(|x| x.0 == "customer" && x.1 == f).map(|x| x.2.clone()).unwrap_or_else(|| "edit".into()));
                                                view! {
                                                    <tr>
                                                        <th>{move || t(lang.get(), fk)}</th>
                                                        <td>
                                                            <select data-field=f2.clone() prop:value=current on:change=move |ev| {
                                                                let v = event_target_value(&ev);
                                                                rights.update(|r| {
                                                                    r.fields.retain(|x| !(x.0 == "customer" && x.1 == f2));
                                                                    if v != "edit" {
                                                                        r.fields.push(("customer".into(), f2.clone(), v));
                                                                    }
                                                                });
                                                            }>
                                                                {["hidden", "read", "edit"].into_iter().map(|a| view! { <option value=a>{move || t(lang.get(), access_key(a))}</option> }).collect_view()}
                                                            </select>
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                                <div class="buttons">
                                    <button class="secondary" data-testid="role-preview" on:click=move |_| {
                                        if let Some(id) = selected.get_untracked() {
                                            saved.set(false);
                                            preview.dispatch(PreviewRole { role_id: id, rights: rights.get_untracked() });
                                        }
                                    }>{tr("admin.preview")}</button>
                                </div>
                                {move || preview.value().get().and_then(|r| r.ok()).map(|imp| view! {
                                    <ImpactView impact=imp/>
                                    <button class="primary" data-testid="role-save" on:click=move |_| {
                                        if let Some(id) = selected.get_untracked() {
                                            save.dispatch(SaveRole { role_id: id, rights: rights.get_untracked() });
                                        }
                                    }>{tr("admin.confirm")}</button>
                                })}
                                <Show when=move || saved.get()>
                                    <p class="notice" data-testid="saved">{tr("admin.saved")}</p>
                                </Show>
                            </div>
                        </Show>
                    }
                        .into_any()
                })}
            </Suspense>
        </div>
    }
}
