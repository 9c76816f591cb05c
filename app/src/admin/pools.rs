//! Pool administration: create a pool for a unit and set its rules — who else may see and claim
//! (member units and users), which new or released customers enter it (entry rules by region,
//! industry or source), caps, the cool-down, and when held customers are recycled (per level).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::choices::{admin_choices, Choices};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::admin::words::{t, tr};
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::loading::resource;

/// The pool editor's form as one flat value: the domain's PoolSettings, member lists and entry
/// rules with the rule field as text, as the editor edits and sends them back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolConfig {
    pub max_held_per_user: i64,
    pub max_claims_per_day: i64,
    pub cooldown_days: i64,
    pub recycle_no_followup_days: i64,
    pub recycle_no_deal_days: i64,
    pub skip_if_open_deal: bool,
    pub remind_days_before: i64,
    /// (level, no follow-up days, no deal days)
    pub levels: Vec<(String, i64, i64)>,
    pub member_units: Vec<i64>,
    pub member_users: Vec<i64>,
    /// (field, value, priority)
    pub rules: Vec<(String, String, i64)>,
}

/// A pool on the administration page: its name, waiting count and the editor's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolAdminDto {
    pub id: i64,
    pub name: String,
    pub name_en: String,
    pub unit_name: String,
    pub waiting: i64,
    pub config: PoolConfig,
}

#[server(endpoint = "admin/pools")]
pub async fn admin_pools() -> Result<Vec<PoolAdminDto>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let pools = domain::pools::pools_to_configure(&st.db, &actor).await.map_err(domain_err)?;
    Ok(pools
        .into_iter()
        .map(|p| PoolAdminDto {
            id: p.id,
            name: p.name,
            name_en: p.name_en,
            unit_name: p.unit_name,
            waiting: p.customers,
            config: PoolConfig {
                max_held_per_user: p.settings.max_held_per_user,
                max_claims_per_day: p.settings.max_claims_per_day,
                cooldown_days: p.settings.cooldown_days,
                recycle_no_followup_days: p.settings.recycle_no_followup_days,
                recycle_no_deal_days: p.settings.recycle_no_deal_days,
                skip_if_open_deal: p.settings.skip_if_open_deal,
                remind_days_before: p.settings.remind_days_before,
                levels: p.settings.levels,
                member_units: p.member_units,
                member_users: p.member_users,
                rules: p.entry_rules.into_iter().map(|r| (r.field.column().to_string(), r.value, r.priority)).collect(),
            },
        })
        .collect())
}

#[server(endpoint = "admin/pools/create")]
pub async fn admin_create_pool(unit_id: i64, name: String, name_en: String) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::pools::create_pool(&st.db, &actor, unit_id, &name, &name_en, &Default::default()).await.map_err(domain_err)
}

#[server(endpoint = "admin/pools/configure", input = Json)]
pub async fn admin_configure_pool(pool_id: i64, config: PoolConfig) -> Result<(), AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    use domain::pools::{EntryField, EntryRule, PoolSettings};
    let (st, actor) = actor().await?;
    let settings = PoolSettings {
        max_held_per_user: config.max_held_per_user,
        max_claims_per_day: config.max_claims_per_day,
        cooldown_days: config.cooldown_days,
        recycle_no_followup_days: config.recycle_no_followup_days,
        recycle_no_deal_days: config.recycle_no_deal_days,
        skip_if_open_deal: config.skip_if_open_deal,
        remind_days_before: config.remind_days_before,
        levels: config.levels,
    };
    let rules = config
        .rules
        .into_iter()
        .map(|(field, value, priority)| {
            let field = EntryField::parse(&field).ok_or_else(|| fail(AppError::Invalid { field: "field".into(), code: "format".into() }))?;
            Ok(EntryRule { field, value, priority })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    domain::pools::configure_pool(&st.db, &actor, pool_id, &settings, &config.member_units, &config.member_users, &rules)
        .await
        .map_err(domain_err)
}

fn entry_field_key(f: &str) -> &'static str {
    match f {
        "province" => "field.province",
        "city" => "cust.city",
        "industry" => "cust.industry",
        _ => "field.source",
    }
}

#[component]
pub fn PoolsAdminPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<AdminCreatePool>::new();
    let configure = ServerAction::<AdminConfigurePool>::new();
    let pools = resource(move || (create.version().get(), configure.version().get()), |_| admin_pools());
    let choices = resource(|| (), |_| admin_choices());
    let new_unit = RwSignal::new(String::new());
    let new_name = RwSignal::new(String::new());
    let new_name_en = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<i64>);
    let errors = first_error(vec![error_of(create.value()), error_of(configure.value())]);
    let saved = Signal::derive(move || matches!(configure.value().get(), Some(Ok(()))));
    view! {
        <div class="admin-pools" data-testid="admin-pools">
            <ActionError error=errors/>
            <Show when=move || saved.get()><p class="notice" data-testid="pool-saved">{tr("admin.saved")}</p></Show>
            <Suspense fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    let (pools, choices) = match (pools.await, choices.await) {
                        (Ok(p), Ok(c)) => (p, c),
                        (Err(e), _) | (_, Err(e)) => return view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                    };
                    let units = choices.units.clone();
                    let pools_for_edit = pools.clone();
                    view! {
                        <form class="inline-form" data-testid="new-pool" on:submit=move |ev| {
                            ev.prevent_default();
                            if let Ok(unit_id) = new_unit.get_untracked().parse() {
                                create.dispatch(AdminCreatePool { unit_id, name: new_name.get_untracked(), name_en: new_name_en.get_untracked() });
                            }
                        }>
                            <h2>{tr("poolcfg.new")}</h2>
                            <label><span>{tr("admin.unit")}</span>
                                <select bind:value=new_unit required data-testid="new-pool-unit">
                                    <option value="">"—"</option>
                                    {units.iter().map(|u| view! { <option value=u.id.to_string()>{u.label.clone()}</option> }).collect_view()}
                                </select></label>
                            <label><span>{tr("field.name")}</span><input bind:value=new_name required data-testid="new-pool-name"/></label>
                            <label><span>{tr("admin.name_en")}</span><input bind:value=new_name_en/></label>
                            <button type="submit" class="primary" data-testid="new-pool-submit">{tr("admin.create")}</button>
                        </form>
                        <table class="records" data-testid="pool-admin-list">
                            <thead><tr>
                                <th>{tr("field.name")}</th><th>{tr("admin.unit")}</th><th>{tr("poolcfg.rules")}</th>
                                <th>{tr("poolcfg.summary")}</th><th></th>
                            </tr></thead>
                            <tbody>
                                {pools.iter().map(|p| {
                                    let id = p.id;
                                    let c = p.config.clone();
                                    let rules = c.rules.clone();
                                    let waiting = p.waiting;
                                    view! {
                                        <tr data-testid="pool-admin-row" data-pool=p.name.clone()>
                                            <td class="name" data-label=move || t(lang.get(), "field.name")>{p.name.clone()}
                                                <span class="muted small">" · "{move || t(lang.get(), "pool.waiting").replace("{n}", &waiting.to_string())}</span></td>
                                            <td data-label=move || t(lang.get(), "admin.unit")>{p.unit_name.clone()}</td>
                                            <td data-label=move || t(lang.get(), "poolcfg.rules")>
                                                {rules.into_iter().map(|(f, v, _)| {
                                                    let key = entry_field_key(&f);
                                                    view! { <span class="chip">{move || t(lang.get(), key)}" = "{v.clone()}</span> }
                                                }).collect_view()}
                                            </td>
                                            <td data-label=move || t(lang.get(), "poolcfg.summary")>{move || t(lang.get(), "poolcfg.summary_line")
                                                .replace("{held}", &c.max_held_per_user.to_string())
                                                .replace("{daily}", &c.max_claims_per_day.to_string())
                                                .replace("{cool}", &c.cooldown_days.to_string())
                                                .replace("{follow}", &c.recycle_no_followup_days.to_string())
                                                .replace("{deal}", &c.recycle_no_deal_days.to_string())}</td>
                                            <td class="row-actions"><button class="link" data-testid="pool-edit" on:click=move |_| editing.set(Some(id))>{tr("admin.edit")}</button></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        {move || editing.get().and_then(|id| pools_for_edit.iter().find(|p| p.id == id).cloned()).map(|p| {
                            view! { <PoolEditor pool=p choices=choices.clone() configure editing/> }
                        })}
                    }.into_any()
                })}
            </Suspense>
        </div>
    }
}

fn number(s: &str) -> i64 {
    // Anything that is not a whole number goes to the server as -1, which it refuses with a
    // localized "out of range" naming the field.
    s.trim().parse().unwrap_or(-1)
}

#[component]
fn PoolEditor(pool: PoolAdminDto, choices: Choices, configure: ServerAction<AdminConfigurePool>, editing: RwSignal<Option<i64>>) -> impl IntoView {
    let lang = use_lang();
    let c = pool.config.clone();
    let text = |v: i64| RwSignal::new(v.to_string());
    let (held, daily, cool, follow, deal, remind) =
        (text(c.max_held_per_user), text(c.max_claims_per_day), text(c.cooldown_days), text(c.recycle_no_followup_days), text(c.recycle_no_deal_days), text(c.remind_days_before));
    let skip = RwSignal::new(c.skip_if_open_deal);
    let level_days: Vec<(&'static str, RwSignal<String>, RwSignal<String>)> = ["A", "B", "C", "D"]
        .into_iter()
        .map(|l| {
            let found = c.levels.iter().find(|(x, _, _)| x == l);
            (l, RwSignal::new(found.map(|f| f.1.to_string()).unwrap_or_default()), RwSignal::new(found.map(|f| f.2.to_string()).unwrap_or_default()))
        })
        .collect();
    let member_units = RwSignal::new(c.member_units.clone());
    let member_users = RwSignal::new(c.member_users.clone());
    let rules = RwSignal::new(c.rules.clone());
    let (rule_field, rule_value) = (RwSignal::new("province".to_string()), RwSignal::new(String::new()));
    let pool_id = pool.id;
    let levels_for_submit = level_days.clone();
    let rule_items = move || rules.get().into_iter().enumerate().collect::<Vec<_>>();
    let toggle = |list: RwSignal<Vec<i64>>, id: i64, on: bool| {
        list.update(|l| {
            l.retain(|x| *x != id);
            if on {
                l.push(id);
            }
        })
    };
    view! {
        <form class="inline-form stacked pool-editor" data-testid="pool-editor" on:submit=move |ev| {
            ev.prevent_default();
            let levels = levels_for_submit
                .iter()
                .filter(|(_, f, d)| !f.get_untracked().trim().is_empty() || !d.get_untracked().trim().is_empty())
                .map(|(l, f, d)| (l.to_string(), number(&f.get_untracked()), number(&d.get_untracked())))
                .collect();
            let config = PoolConfig {
                max_held_per_user: number(&held.get_untracked()),
                max_claims_per_day: number(&daily.get_untracked()),
                cooldown_days: number(&cool.get_untracked()),
                recycle_no_followup_days: number(&follow.get_untracked()),
                recycle_no_deal_days: number(&deal.get_untracked()),
                skip_if_open_deal: skip.get_untracked(),
                remind_days_before: number(&remind.get_untracked()),
                levels,
                member_units: member_units.get_untracked(),
                member_users: member_users.get_untracked(),
                rules: rules.get_untracked(),
            };
            configure.dispatch(AdminConfigurePool { pool_id, config });
        }>
            <h2>{move || t(lang.get(), "poolcfg.edit").replace("{name}", &pool.name)}</h2>
            <label><span>{tr("poolcfg.max_held")}</span><input type="number" bind:value=held data-testid="cfg-held"/></label>
            <label><span>{tr("poolcfg.max_daily")}</span><input type="number" bind:value=daily data-testid="cfg-daily"/></label>
            <label><span>{tr("poolcfg.cooldown")}</span><input type="number" bind:value=cool data-testid="cfg-cooldown"/></label>
            <label><span>{tr("poolcfg.no_followup")}</span><input type="number" bind:value=follow data-testid="cfg-follow"/></label>
            <label><span>{tr("poolcfg.no_deal")}</span><input type="number" bind:value=deal data-testid="cfg-deal"/></label>
            <label><span>{tr("poolcfg.remind")}</span><input type="number" bind:value=remind data-testid="cfg-remind"/></label>
            <label class="check"><input type="checkbox" bind:checked=skip/>{tr("poolcfg.skip_open")}</label>
            <fieldset class="checks">
                <legend>{tr("poolcfg.by_level")}</legend>
                {level_days.into_iter().map(|(l, f, d)| view! {
                    <span class="level-days">
                        <strong>{l}</strong>
                        <input type="number" bind:value=f placeholder=move || t(lang.get(), "poolcfg.no_followup_short") data-testid=format!("cfg-level-{l}-follow")/>
                        <input type="number" bind:value=d placeholder=move || t(lang.get(), "poolcfg.no_deal_short")/>
                    </span>
                }).collect_view()}
            </fieldset>
            <fieldset class="checks extra-units">
                <legend>{tr("poolcfg.member_units")}</legend>
                {choices.units.iter().map(|u| {
                    let id = u.id;
                    view! { <label class="check"><input type="checkbox" prop:checked=move || member_units.get().contains(&id)
                        on:change=move |ev| toggle(member_units, id, event_target_checked(&ev))/>{u.label.trim().to_string()}</label> }
                }).collect_view()}
            </fieldset>
            <fieldset class="checks extra-units">
                <legend>{tr("poolcfg.member_users")}</legend>
                {choices.users.iter().map(|u| {
                    let id = u.id;
                    view! { <label class="check"><input type="checkbox" prop:checked=move || member_users.get().contains(&id)
                        on:change=move |ev| toggle(member_users, id, event_target_checked(&ev))/>{u.label.clone()}</label> }
                }).collect_view()}
            </fieldset>
            <fieldset class="checks extra-units" data-testid="cfg-rules">
                <legend>{tr("poolcfg.rules")}</legend>
                <For each=rule_items key=|(i, r)| (*i, r.clone()) let:item>
                    {
                        let (i, (f, v, _)) = item;
                        let key = entry_field_key(&f);
                        view! {
                            <span class="chip" data-testid="cfg-rule">{move || t(lang.get(), key)}" = "{v}
                                <button type="button" class="link danger" on:click=move |_| rules.update(|r| { r.remove(i); })>"×"</button>
                            </span>
                        }
                    }
                </For>
                <span class="rule-add">
                    <select bind:value=rule_field data-testid="cfg-rule-field">
                        {["province", "city", "industry", "source"].into_iter().map(|f| view! { <option value=f>{move || t(lang.get(), entry_field_key(f))}</option> }).collect_view()}
                    </select>
                    <input bind:value=rule_value data-testid="cfg-rule-value"/>
                    <button type="button" class="secondary" data-testid="cfg-rule-add" on:click=move |_| {
                        let v = rule_value.get_untracked();
                        if !v.trim().is_empty() {
                            rules.update(|r| { let p = (r.len() as i64 + 1) * 10; r.push((rule_field.get_untracked(), v.trim().to_string(), p)); });
                            rule_value.set(String::new());
                        }
                    }>{tr("poolcfg.add_rule")}</button>
                </span>
            </fieldset>
            <div class="buttons">
                <button type="submit" class="primary" data-testid="cfg-save">{tr("admin.save")}</button>
                <button type="button" class="secondary" on:click=move |_| editing.set(None)>{tr("admin.cancel")}</button>
            </div>
        </form>
    }
}
