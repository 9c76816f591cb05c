//! The users page: create users with a unit, manager and roles; change them (with an impact
//! preview); reset passwords; disable and enable.

use domain_types::users::UserRow;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::choices::{admin_choices, Choices};
use super::impact::{ImpactDto, ImpactView};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::admin::words::{t, tr};
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::loading::resource;

/// The user form as typed (login, e-mail and password as text, checked on the server); the
/// domain takes them as NewUser and UserPlacement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserForm {
    pub login: String,
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub unit_id: i64,
    pub extra_unit_ids: Vec<i64>,
    pub manager_id: Option<i64>,
    pub role_ids: Vec<i64>,
}

#[server(endpoint = "admin/users")]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::accounts::admin::list_users(&st.db, &actor).await.map_err(domain_err)
}

#[server(endpoint = "admin/users/create", input = Json)]
pub async fn create_user(form: UserForm) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    use domain::accounts::users::{Email, Login, NewUser, Password};
    let (st, actor) = actor().await?;
    let email = if form.email.trim().is_empty() { None } else { Some(Email::parse(&form.email).map_err(domain_err)?) };
    let user = NewUser {
        login: Login::parse(&form.login).map_err(domain_err)?,
        email,
        display_name: form.display_name,
        password: Password::parse(&form.password).map_err(domain_err)?,
        primary_unit_id: form.unit_id,
        manager_id: form.manager_id,
        role_ids: form.role_ids,
    };
    domain::accounts::admin::create_user(&st.db, &actor, user, form.extra_unit_ids).await.map_err(domain_err)
}

#[cfg(feature = "ssr")]
fn placement(form: &UserForm) -> domain::accounts::admin::UserPlacement {
    domain::accounts::admin::UserPlacement {
        display_name: form.display_name.clone(),
        primary_unit_id: form.unit_id,
        extra_unit_ids: form.extra_unit_ids.clone(),
        manager_id: form.manager_id,
        role_ids: form.role_ids.clone(),
    }
}

#[server(endpoint = "admin/users/preview", input = Json)]
pub async fn preview_user_change(user_id: i64, form: UserForm) -> Result<ImpactDto, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let change = domain::impact::Change::PlaceUser { user_id, placement: placement(&form) };
    domain::impact::preview(&st.db, &actor, &change).await.map(super::impact::impact_dto).map_err(domain_err)
}

#[server(endpoint = "admin/users/update", input = Json)]
pub async fn update_user(user_id: i64, form: UserForm) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::accounts::admin::update_user(&st.db, &actor, user_id, &placement(&form)).await.map_err(domain_err)
}

#[server(endpoint = "admin/users/password")]
pub async fn reset_password(user_id: i64, password: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let password = domain::accounts::users::Password::parse(&password).map_err(domain_err)?;
    domain::accounts::admin::reset_password(&st.db, &actor, user_id, &password).await.map_err(domain_err)
}

#[server(endpoint = "admin/users/active")]
pub async fn set_user_active(user_id: i64, active: bool) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::accounts::admin::set_active(&st.db, &actor, user_id, active).await.map_err(domain_err)
}

/// The form's fields as signals.
#[derive(Clone, Copy)]
struct FormState {
    login: RwSignal<String>,
    email: RwSignal<String>,
    display_name: RwSignal<String>,
    password: RwSignal<String>,
    unit: RwSignal<String>,
    extra_units: RwSignal<Vec<i64>>,
    manager: RwSignal<String>,
    roles: RwSignal<Vec<i64>>,
}

impl FormState {
    fn new() -> Self {
        FormState {
            login: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            display_name: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
            unit: RwSignal::new(String::new()),
            extra_units: RwSignal::new(vec![]),
            manager: RwSignal::new(String::new()),
            roles: RwSignal::new(vec![]),
        }
    }

    fn load(&self, u: &UserRow) {
        self.login.set(u.login.clone());
        self.email.set(u.email.clone().unwrap_or_default());
        self.display_name.set(u.display_name.clone());
        self.password.set(String::new());
        self.unit.set(u.primary_unit_id.to_string());
        self.extra_units.set(u.extra_unit_ids.clone());
        self.manager.set(u.manager_id.map(|m| m.to_string()).unwrap_or_default());
        self.roles.set(u.role_ids.clone());
    }

    fn form(&self) -> UserForm {
        UserForm {
            login: self.login.get_untracked(),
            email: self.email.get_untracked(),
            display_name: self.display_name.get_untracked(),
            password: self.password.get_untracked(),
            unit_id: self.unit.get_untracked().parse().unwrap_or(0),
            extra_unit_ids: self.extra_units.get_untracked(),
            manager_id: self.manager.get_untracked().parse().ok(),
            role_ids: self.roles.get_untracked(),
        }
    }
}

fn toggle(list: RwSignal<Vec<i64>>, id: i64, on: bool) {
    list.update(|l| {
        l.retain(|x| *x != id);
        if on {
            l.push(id);
        }
    });
}

/// Unit, extra units, manager and roles pickers, shared by the create and edit forms.
#[component]
fn PlacementFields(f: FormState, choices: Choices) -> impl IntoView {
    let Choices { units, users, roles } = choices;
    let extra_units = units.clone();
    view! {
        <label>
            <span>{tr("admin.unit")}</span>
            <select data-testid="user-unit" bind:value=f.unit required>
                <option value="">"—"</option>
                {units.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.label}</option> }).collect_view()}
            </select>
        </label>
        <label>
            <span>{tr("admin.manager")}</span>
            <select data-testid="user-manager" bind:value=f.manager>
                <option value="">{tr("admin.none")}</option>
                {users.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.label}</option> }).collect_view()}
            </select>
        </label>
        <fieldset class="checks" data-testid="user-roles">
            <legend>{tr("admin.roles_of_user")}</legend>
            {roles
                .into_iter()
                .map(|r| {
                    let id = r.id;
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                data-role=r.label.clone()
                                prop:checked=move || f.roles.get().contains(&id)
                                on:change=move |ev| toggle(f.roles, id, event_target_checked(&ev))
                            />
                            {r.label}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
        <details class="extra-units">
            <summary>{tr("admin.extra_units")}</summary>
            {extra_units
                .into_iter()
                .map(|u| {
                    let id = u.id;
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                prop:checked=move || f.extra_units.get().contains(&id)
                                on:change=move |ev| toggle(f.extra_units, id, event_target_checked(&ev))
                            />
                            {u.label}
                        </label>
                    }
                })
                .collect_view()}
        </details>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let preview = ServerAction::<PreviewUserChange>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let active = ServerAction::<SetUserActive>::new();
    let changes = move || (create.version().get(), update.version().get(), active.version().get());
    let users = resource(changes, |_| list_users());
    let choices = resource(changes, |_| admin_choices());
    let new_form = FormState::new();
    let edit_form = FormState::new();
    let editing = RwSignal::new(None::<i64>);
    let new_password = RwSignal::new(String::new());
    let saved = RwSignal::new(false);

    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            new_form.load(&UserRow::default());
            new_form.unit.set(String::new());
            saved.set(true);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = update.value().get() {
            editing.set(None);
            saved.set(true);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = reset.value().get() {
            new_password.set(String::new());
            saved.set(true);
        }
    });
    let last_error = first_error(vec![error_of(create.value()), error_of(update.value()), error_of(preview.value()), error_of(reset.value()), error_of(active.value())]);

    view! {
        <div class="admin-users">
            <ActionError error=last_error/>
            <Show when=move || saved.get() && last_error.get().is_none()>
                <p class="notice" data-testid="saved">{tr("admin.saved")}</p>
            </Show>
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    let choices = match choices.await {
                        Ok(c) => c,
                        Err(e) => return view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                    };
                    let users = users.await.unwrap_or_default();
                    let role_names = choices.roles.clone();
                    let edit_choices = choices.clone();
                    view! {
                        <form class="inline-form stacked" data-testid="new-user" on:submit=move |ev| {
                            ev.prevent_default();
                            saved.set(false);
                            create.dispatch(CreateUser { form: new_form.form() });
                        }>
                            <h2>{tr("admin.new_user")}</h2>
                            <label><span>{tr("admin.login")}</span><input data-testid="user-login" bind:value=new_form.login required/></label>
                            <label><span>{tr("admin.display_name")}</span><input data-testid="user-name" bind:value=new_form.display_name required/></label>
                            <label><span>{tr("admin.email")}</span><input type="email" bind:value=new_form.email/></label>
                            <label><span>{tr("admin.password")}</span><input type="password" data-testid="user-password" bind:value=new_form.password required autocomplete="new-password"/></label>
                            <PlacementFields f=new_form choices=choices.clone()/>
                            <button type="submit" class="primary" data-testid="user-create">{tr("admin.create")}</button>
                        </form>
                        <table class="records" data-testid="user-list">
                            <thead>
                                <tr>
                                    <th>{tr("admin.login")}</th>
                                    <th>{tr("admin.display_name")}</th>
                                    <th>{tr("admin.unit")}</th>
                                    <th>{tr("admin.roles_of_user")}</th>
                                    <th>{tr("admin.manager")}</th>
                                    <th>{tr("admin.status")}</th>
                                    <th></th>
                                </tr>
                            </thead>
                            <tbody>
                                {users
                                    .into_iter()
                                    .map(|u| {
                                        let id = u.id;
                                        let is_active = u.active;
                                        let roles = u.role_ids.iter().filter_map(|r| role_names.iter().find(|c| c.id == *r).map(|c| c.label.clone())).collect::<Vec<_>>().join("、");
                                        let edit_choices = edit_choices.clone();
                                        let user_for_edit = u.clone();
                                        view! {
                                            <tr class:inactive=!u.active data-testid="user-row" data-login=u.login.clone()>
                                                <td data-label=move || t(lang.get(), "admin.login")>{u.login.clone()}</td>
                                                <td data-label=move || t(lang.get(), "admin.display_name")>{u.display_name.clone()}</td>
                                                <td data-label=move || t(lang.get(), "admin.unit")>{u.unit_name.clone()}</td>
                                                <td data-label=move || t(lang.get(), "admin.roles_of_user")>{roles}</td>
                                                <td data-label=move || t(lang.get(), "admin.manager")>{u.manager_name.clone().unwrap_or_default()}</td>
                                                <td data-label=move || t(lang.get(), "admin.status")>
                                                    {move || if is_active { t(lang.get(), "admin.active") } else { t(lang.get(), "admin.disabled") }}
                                                </td>
                                                <td class="row-actions">
                                                    <button class="link" on:click=move |_| {
                                                        edit_form.load(&user_for_edit);
                                                        preview.clear();
                                                        new_password.set(String::new());
                                                        editing.set(Some(id));
                                                    }>{tr("admin.edit")}</button>
                                                    <button class="link" class:danger=is_active data-testid="user-toggle" on:click=move |_| {
                                                        active.dispatch(SetUserActive { user_id: id, active: !is_active });
                                                    }>{move || if is_active { t(lang.get(), "admin.disable") } else { t(lang.get(), "admin.enable") }}</button>
                                                </td>
                                            </tr>
                                            <Show when=move || editing.get() == Some(id)>
                                                <tr class="edit-row">
                                                    <td colspan="7">
                                                        <div class="inline-form stacked">
                                                            <label><span>{tr("admin.display_name")}</span><input bind:value=edit_form.display_name/></label>
                                                            <PlacementFields f=edit_form choices=edit_choices.clone()/>
                                                            <div class="buttons">
                                                                <button class="secondary" on:click=move |_| { preview.dispatch(PreviewUserChange { user_id: id, form: edit_form.form() }); }>{tr("admin.preview")}</button>
                                                                <button class="secondary" on:click=move |_| editing.set(None)>{tr("admin.cancel")}</button>
                                                            </div>
                                                            {move || preview.value().get().and_then(|r| r.ok()).map(|imp| view! {
                                                                <ImpactView impact=imp/>
                                                                <button class="primary" data-testid="user-save" on:click=move |_| {
                                                                    saved.set(false);
                                                                    update.dispatch(UpdateUser { user_id: id, form: edit_form.form() });
                                                                }>{tr("admin.confirm")}</button>
                                                            })}
                                                            <div class="buttons">
                                                                <input type="password" placeholder=move || t(lang.get(), "admin.new_password") bind:value=new_password autocomplete="new-password"/>
                                                                <button class="secondary" on:click=move |_| { saved.set(false); reset.dispatch(ResetPassword { user_id: id, password: new_password.get_untracked() }); }>{tr("admin.reset_password")}</button>
                                                            </div>
                                                        </div>
                                                    </td>
                                                </tr>
                                            </Show>
                                        }
                                        .into_any()
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                        .into_any()
                })}
            </Suspense>
        </div>
    }
}
