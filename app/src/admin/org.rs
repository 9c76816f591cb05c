//! The org tree page: create, rename, move (with an impact preview first) and deactivate units.

use domain_types::org::UnitRow;
use leptos::prelude::*;

use super::choices::admin_choices;
use super::impact::{ImpactDto, ImpactView};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::admin::words::{t, tr};
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::loading::resource;

#[server(endpoint = "admin/units")]
pub async fn list_units() -> Result<Vec<UnitRow>, AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    if !actor.is_admin() {
        return Err(fail(AppError::Forbidden));
    }
    domain::org::list_tree(&st.db).await.map_err(domain_err)
}

#[server(endpoint = "admin/units/create")]
pub async fn create_unit(parent_id: i64, kind: String, name: String, name_en: String) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let kind = domain::org::parse_unit_kind(&kind).map_err(domain_err)?;
    let name = domain::org::UnitName::parse(&name).map_err(domain_err)?;
    domain::org::admin_create_unit(&st.db, &actor, Some(parent_id), kind, &name, &name_en).await.map_err(domain_err)
}

#[server(endpoint = "admin/units/update")]
pub async fn update_unit(id: i64, name: String, name_en: String, head: Option<i64>) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let name = domain::org::UnitName::parse(&name).map_err(domain_err)?;
    domain::org::update_unit(&st.db, &actor, id, &name, &name_en, head).await.map_err(domain_err)
}

#[server(endpoint = "admin/units/preview_move")]
pub async fn preview_unit_move(id: i64, new_parent: i64) -> Result<ImpactDto, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let change = domain::impact::Change::MoveUnit { unit_id: id, new_parent };
    domain::impact::preview(&st.db, &actor, &change).await.map(super::impact::impact_dto).map_err(domain_err)
}

#[server(endpoint = "admin/units/move")]
pub async fn move_unit(id: i64, new_parent: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::org::move_unit(&st.db, &actor, id, new_parent).await.map_err(domain_err)
}

#[server(endpoint = "admin/units/deactivate")]
pub async fn deactivate_unit(id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::org::deactivate_unit(&st.db, &actor, id).await.map_err(domain_err)
}

const KINDS: &[&str] = &["group", "subsidiary", "branch", "department", "team"];

fn kind_key(kind: &str) -> &'static str {
    match kind {
        "group" => "kind.group",
        "subsidiary" => "kind.subsidiary",
        "branch" => "kind.branch",
        "department" => "kind.department",
        _ => "kind.team",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Rename,
    Move,
}

#[component]
pub fn OrgPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateUnit>::new();
    let rename = ServerAction::<UpdateUnit>::new();
    let preview = ServerAction::<PreviewUnitMove>::new();
    let do_move = ServerAction::<MoveUnit>::new();
    let deactivate = ServerAction::<DeactivateUnit>::new();
    let changes = move || {
        (create.version().get(), rename.version().get(), do_move.version().get(), deactivate.version().get())
    };
    let units = resource(changes, |_| list_units());
    let choices = resource(changes, |_| admin_choices());

    let parent = RwSignal::new(String::new());
    let kind = RwSignal::new("department".to_string());
    let name = RwSignal::new(String::new());
    let name_en = RwSignal::new(String::new());
    let selected = RwSignal::new(None::<(i64, Mode)>);
    let edit_name = RwSignal::new(String::new());
    let edit_name_en = RwSignal::new(String::new());
    let edit_head = RwSignal::new(String::new());
    let move_to = RwSignal::new(String::new());

    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
            name_en.set(String::new());
        }
    });
    Effect::new(move |_| {
        if matches!(rename.value().get(), Some(Ok(_))) || matches!(do_move.value().get(), Some(Ok(_))) {
            selected.set(None);
        }
    });
    let last_error = first_error(vec![error_of(create.value()), error_of(rename.value()), error_of(preview.value()), error_of(do_move.value()), error_of(deactivate.value())]);

    view! {
        <div class="admin-org">
            <form
                class="inline-form"
                data-testid="new-unit"
                on:submit=move |ev| {
                    ev.prevent_default();
                    let parent_id = parent.get_untracked().parse().unwrap_or(0);
                    create.dispatch(CreateUnit { parent_id, kind: kind.get_untracked(), name: name.get_untracked(), name_en: name_en.get_untracked() });
                }
            >
                <h2>{tr("admin.new_unit")}</h2>
                <label>
                    <span>{tr("admin.parent")}</span>
                    <select data-testid="unit-parent" bind:value=parent required>
                        <option value="">"—"</option>
                        <Suspense>
                            {move || Suspend::new(async move {
                                choices.await.map(|c| c.units.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.label}</option> }).collect_view()).ok()
                            })}
                        </Suspense>
                    </select>
                </label>
                <label>
                    <span>{tr("admin.kind")}</span>
                    <select data-testid="unit-kind" bind:value=kind>
                        {KINDS.iter().map(|k| view! { <option value=*k>{move || t(lang.get(), kind_key(k))}</option> }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>{tr("field.name")}</span>
                    <input data-testid="unit-name" bind:value=name required/>
                </label>
                <label>
                    <span>{tr("admin.name_en")}</span>
                    <input data-testid="unit-name-en" bind:value=name_en/>
                </label>
                <button type="submit" class="primary" data-testid="unit-create">{tr("admin.create")}</button>
            </form>
            <ActionError error=last_error/>
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    let units = match units.await {
                        Ok(u) => u,
                        Err(e) => return view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                    };
                    let unit_options = units.clone();
                    let people = choices.await.map(|c| c.users).unwrap_or_default();
                    view! {
                        <table class="records tree" data-testid="unit-tree">
                            <thead>
                                <tr>
                                    <th>{tr("field.name")}</th>
                                    <th>{tr("admin.kind")}</th>
                                    <th>{tr("admin.head")}</th>
                                    <th>{tr("admin.people")}</th>
                                    <th></th>
                                </tr>
                            </thead>
                            <tbody>
                                {units
                                    .into_iter()
                                    .map(|u| {
                                        let id = u.id;
                                        let (n, ne) = (u.name.clone(), u.name_en.clone());
                                        let head = u.head_user_id.map(|h| h.to_string()).unwrap_or_default();
                                        let head_choices = people.clone();
                                        let kind = u.kind.as_str();
                                        let opts = unit_options.clone();
                                        view! {
                                            <tr class:inactive=!u.active data-testid="unit-row" data-name=u.name.clone()>
                                                <td data-label=move || t(lang.get(), "field.name")>
                                                    <span class="indent" style=format!("padding-left:{}rem", u.depth as f32 * 1.2)>{u.name.clone()}</span>
                                                    <span class="muted small">" "{u.name_en.clone()}</span>
                                                    {(!u.active).then(|| view! { <span class="badge">{tr("admin.inactive")}</span> })}
                                                </td>
                                                <td data-label=move || t(lang.get(), "admin.kind")>{move || t(lang.get(), kind_key(&kind))}</td>
                                                <td data-label=move || t(lang.get(), "admin.head")>{u.head_name.clone().unwrap_or_default()}</td>
                                                <td data-label=move || t(lang.get(), "admin.people")>{u.user_count}</td>
                                                <td class="row-actions">
                                                    <button class="link" on:click=move |_| {
                                                        edit_name.set(n.clone());
                                                        edit_name_en.set(ne.clone());
                                                        edit_head.set(head.clone());
                                                        selected.set(Some((id, Mode::Rename)));
                                                    }>{tr("admin.rename")}</button>
                                                    <Show when=move || u.parent_id.is_some()>
                                                        <button class="link" data-testid="unit-move" on:click=move |_| {
                                                            move_to.set(String::new());
                                                            preview.clear();
                                                            selected.set(Some((id, Mode::Move)));
                                                        }>{tr("admin.move")}</button>
                                                    </Show>
                                                    <Show when=move || u.active && u.parent_id.is_some()>
                                                        <button class="link danger" data-testid="unit-deactivate" on:click=move |_| {
                                                            deactivate.dispatch(DeactivateUnit { id });
                                                        }>{tr("admin.deactivate")}</button>
                                                    </Show>
                                                </td>
                                            </tr>
                                            <Show when=move || selected.get() == Some((id, Mode::Rename))>
                                                <tr class="edit-row">
                                                    <td colspan="5">
                                                        <form class="inline-form" on:submit=move |ev| {
                                                            ev.prevent_default();
                                                            rename.dispatch(UpdateUnit { id, name: edit_name.get_untracked(), name_en: edit_name_en.get_untracked(), head: edit_head.get_untracked().parse().ok() });
                                                        }>
                                                            <label><span>{tr("field.name")}</span><input bind:value=edit_name required/></label>
                                                            <label><span>{tr("admin.name_en")}</span><input bind:value=edit_name_en/></label>
                                                            <label>
                                                                <span>{tr("admin.head")}</span>
                                                                <select bind:value=edit_head>
                                                                    <option value="">{tr("admin.none")}</option>
                                                                    {head_choices.iter().map(|c| view! { <option value=c.id.to_string()>{c.label.clone()}</option> }).collect_view()}
                                                                </select>
                                                            </label>
                                                            <button type="submit" class="primary">{tr("admin.save")}</button>
                                                            <button type="button" class="secondary" on:click=move |_| selected.set(None)>{tr("admin.cancel")}</button>
                                                        </form>
                                                    </td>
                                                </tr>
                                            </Show>
                                            <Show when=move || selected.get() == Some((id, Mode::Move))>
                                                <tr class="edit-row">
                                                    <td colspan="5">
                                                        <div class="inline-form">
                                                            <label>
                                                                <span>{tr("admin.parent")}</span>
                                                                <select data-testid="move-to" bind:value=move_to>
                                                                    <option value="">"—"</option>
                                                                    {opts
                                                                        .iter()
                                                                        .filter(|o| o.active && o.id != id)
                                                                        .map(|o| view! { <option value=o.id.to_string()>{format!("{}{}", "　".repeat(o.depth as usize), o.name)}</option> })
                                                                        .collect_view()}
                                                                </select>
                                                            </label>
                                                            <button class="secondary" data-testid="move-preview" on:click=move |_| {
                                                                if let Ok(p) = move_to.get_untracked().parse() {
                                                                    preview.dispatch(PreviewUnitMove { id, new_parent: p });
                                                                }
                                                            }>{tr("admin.preview")}</button>
                                                            <button class="secondary" on:click=move |_| selected.set(None)>{tr("admin.cancel")}</button>
                                                        </div>
                                                        {move || preview.value().get().and_then(|r| r.ok()).map(|imp| view! {
                                                            <ImpactView impact=imp/>
                                                            <button class="primary" data-testid="move-confirm" on:click=move |_| {
                                                                if let Ok(p) = move_to.get_untracked().parse() {
                                                                    do_move.dispatch(MoveUnit { id, new_parent: p });
                                                                }
                                                            }>{tr("admin.confirm")}</button>
                                                        })}
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
