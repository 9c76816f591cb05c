//! The lead assignment rules (administrators): which leads go to which unit's people, by
//! province, city or source, in priority order; add, change, switch off and delete rules.

use domain_types::leads::RuleInput;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::use_lang;
use crate::leads::words::{t, tr};
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::loading::resource;

/// A rule as the page lists it: the editable part as the form takes it, plus what the rule shows
/// (the domain's Rule is flat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDto {
    pub id: i64,
    pub form: RuleInput,
    pub unit_name: String,
    pub last_user_name: Option<String>,
    pub people: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesView {
    pub rules: Vec<RuleDto>,
    pub units: Vec<(i64, String)>,
}

#[server(endpoint = "leads/rules")]
pub async fn lead_rules() -> Result<RulesView, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let rules = domain::leads::list_rules(&st.db, &actor).await.map_err(domain_err)?;
    let units = domain::org::directory(&st.db).await.map_err(domain_err)?.units;
    Ok(RulesView {
        rules: rules
            .into_iter()
            .map(|r| RuleDto {
                id: r.id,
                form: RuleInput { name: r.name, field: r.field, value: r.value, target_unit_id: r.target_unit_id, priority: r.priority, active: r.active },
                unit_name: r.target_unit_name,
                last_user_name: r.last_user_name,
                people: r.people,
            })
            .collect(),
        units,
    })
}

#[server(endpoint = "leads/rules/save", input = Json)]
pub async fn save_lead_rule(id: Option<i64>, form: RuleInput) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::leads::save_rule(&st.db, &actor, id, &form).await.map_err(domain_err)
}

#[server(endpoint = "leads/rules/delete")]
pub async fn delete_lead_rule(id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::leads::delete_rule(&st.db, &actor, id).await.map_err(domain_err)
}

fn field_key(field: &str) -> &'static str {
    match field {
        "province" => "field.province",
        "city" => "cust.city",
        "source" => "field.source",
        _ => "rule.any",
    }
}

#[component]
pub fn LeadRulesPage() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveLeadRule>::new();
    let delete = ServerAction::<DeleteLeadRule>::new();
    let data = resource(move || (save.version().get(), delete.version().get()), |_| lead_rules());
    let editing = RwSignal::new(None::<i64>);
    let blank = || RuleInput { field: "province".into(), priority: 100, active: true, ..Default::default() };
    let form = RwSignal::new(blank());
    let priority_text = RwSignal::new("100".to_string());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(None);
            form.set(blank());
            priority_text.set("100".into());
        }
    });
    let last_error = first_error(vec![error_of(save.value()), error_of(delete.value())]);
    let text = move |f: fn(&mut RuleInput) -> &mut String| {
        (move || form.with(|x| f(&mut x.clone()).clone()), move |v: String| form.update(|x| *f(x) = v))
    };
    let (name, set_name) = text(|x| &mut x.name);
    let (value, set_value) = text(|x| &mut x.value);

    view! {
        <section class="lead-rules" data-testid="lead-rules">
            <div class="page-head">
                <h1>{tr("rule.title")}</h1>
                <A href="/leads" attr:class="button secondary">{tr("lead.back")}</A>
            </div>
            <p class="muted">{tr("rule.hint")}</p>
            <ActionError error=last_error/>
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    let data = match data.await {
                        Ok(d) => d,
                        Err(e) => return view! { <p class="form-error" data-testid="rules-error">{move || e.message(lang.get())}</p> }.into_any(),
                    };
                    let units = data.units.clone();
                    view! {
                        <table class="records" data-testid="rule-list">
                            <thead>
                                <tr>
                                    <th>{tr("rule.priority")}</th>
                                    <th>{tr("rule.name")}</th>
                                    <th>{tr("rule.match")}</th>
                                    <th>{tr("rule.unit")}</th>
                                    <th>{tr("rule.people")}</th>
                                    <th>{tr("rule.last")}</th>
                                    <th></th>
                                </tr>
                            </thead>
                            <tbody>
                                {data.rules.into_iter().map(|r| {
                                    let id = r.id;
                                    let f = r.form.clone();
                                    let fkey = field_key(&f.field);
                                    let matches = f.value.clone();
                                    let active = f.active;
                                    view! {
                                        <tr data-testid="rule-row" class:inactive=!active>
                                            <td data-label=move || t(lang.get(), "rule.priority")>{f.priority}</td>
                                            <td class="name" data-label=move || t(lang.get(), "rule.name")>{f.name.clone()}
                                                <Show when=move || !active><span class="badge">{tr("admin.inactive")}</span></Show></td>
                                            <td data-label=move || t(lang.get(), "rule.match")>{move || t(lang.get(), fkey)}" "{matches.clone()}</td>
                                            <td data-label=move || t(lang.get(), "rule.unit")>{r.unit_name.clone()}</td>
                                            <td data-label=move || t(lang.get(), "rule.people")>{r.people}</td>
                                            <td data-label=move || t(lang.get(), "rule.last")>{r.last_user_name.clone().unwrap_or_else(|| "—".into())}</td>
                                            <td class="row-actions">
                                                <button class="link" data-testid="rule-edit" on:click={
                                                    let f = f.clone();
                                                    move |_| {
                                                        editing.set(Some(id));
                                                        priority_text.set(f.priority.to_string());
                                                        form.set(f.clone());
                                                    }
                                                }>{tr("admin.edit")}</button>
                                                <button class="link danger" data-testid="rule-delete" on:click=move |_| { delete.dispatch(DeleteLeadRule { id }); }>{tr("rule.delete")}</button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <form class="inline-form" data-testid="rule-form" on:submit=move |ev| {
                            ev.prevent_default();
                            let mut f = form.get_untracked();
                            f.priority = priority_text.get_untracked().trim().parse().unwrap_or(-1);
                            save.dispatch(SaveLeadRule { id: editing.get_untracked(), form: f });
                        }>
                            <h2>{move || t(lang.get(), if editing.get().is_some() { "rule.edit" } else { "rule.add" })}</h2>
                            <label><span>{tr("rule.name")}</span><input required data-testid="rule-name" prop:value=name on:input=move |ev| set_name(event_target_value(&ev))/></label>
                            <label><span>{tr("rule.field")}</span>
                                <select data-testid="rule-field" prop:value=move || form.with(|x| x.field.clone())
                                    on:change=move |ev| form.update(|x| x.field = event_target_value(&ev))>
                                    {["province", "city", "source", ""].into_iter().map(|f| view! { <option value=f>{move || t(lang.get(), field_key(f))}</option> }).collect_view()}
                                </select>
                            </label>
                            <label><span>{tr("rule.value")}</span><input data-testid="rule-value" prop:value=value on:input=move |ev| set_value(event_target_value(&ev))/></label>
                            <label><span>{tr("rule.unit")}</span>
                                <select required data-testid="rule-unit" prop:value=move || form.with(|x| if x.target_unit_id > 0 { x.target_unit_id.to_string() } else { String::new() })
                                    on:change=move |ev| form.update(|x| x.target_unit_id = event_target_value(&ev).parse().unwrap_or(0))>
                                    <option value="">"—"</option>
                                    {units.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                                </select>
                            </label>
                            <label><span>{tr("rule.priority")}</span><input type="number" min="0" data-testid="rule-priority" bind:value=priority_text/></label>
                            <label class="check"><input type="checkbox" data-testid="rule-active" prop:checked=move || form.with(|x| x.active)
                                on:change=move |ev| form.update(|x| x.active = event_target_checked(&ev))/>{tr("rule.active")}</label>
                            <button type="submit" class="primary" data-testid="rule-save" disabled=move || save.pending().get()>{tr("admin.save")}</button>
                            <Show when=move || editing.get().is_some()>
                                <button type="button" class="secondary" on:click=move |_| { editing.set(None); form.set(blank()); priority_text.set("100".into()); }>{tr("admin.cancel")}</button>
                            </Show>
                        </form>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}
