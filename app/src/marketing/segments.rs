//! `/segments`: customer segments (客户分群). A rule is built from conditions on customer fields
//! and tags, joined by "all" or "any", in groups that are themselves joined by "all" or "any";
//! it is counted within the reader's scope with a sample of the matching customers, and saved
//! under a name, private to its author. The rules' checks are in `domain::marketing::segments`.

use domain_types::marketing::{SegmentRow, SegmentRule};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::{t_or_main, use_lang, Lang, Texts};
use crate::ui::action_error::{error_of, ActionError};
use crate::ui::loading::{loaded, resource};

const TEXTS: &Texts = &[
    ("seg.title", "客户分群", "Customer segments"),
    ("seg.saved", "我的分群", "My segments"),
    ("seg.none", "还没有保存的分群。", "No saved segments yet."),
    ("seg.match_all", "满足全部条件", "Match all"),
    ("seg.match_any", "满足任一条件", "Match any"),
    ("seg.group", "条件组", "Group"),
    ("seg.add_condition", "添加条件", "Add condition"),
    ("seg.add_group", "添加条件组", "Add group"),
    ("seg.remove", "删除", "Remove"),
    ("seg.count", "计算人数", "Count"),
    ("seg.matches", "符合条件的客户（在你可见范围内）：", "Matching customers (within what you may see): "),
    ("seg.name", "分群名称", "Segment name"),
    ("seg.save", "保存分群", "Save segment"),
    ("seg.new", "新建", "New"),
    ("seg.values_hint", "多个值用逗号分隔", "Separate several values with commas"),
    ("f.level", "客户等级", "Level"),
    ("f.industry", "行业", "Industry"),
    ("f.province", "省份", "Province"),
    ("f.city", "城市", "City"),
    ("f.source", "来源", "Source"),
    ("f.status", "状态", "Status"),
    ("f.kind", "类型", "Kind"),
    ("f.created_at", "创建日期", "Created on"),
    ("f.last_follow_up_at", "最近跟进", "Last follow-up"),
    ("f.unit", "所属单元（含下级）", "Unit (and below)"),
    ("f.tag", "标签", "Tag"),
    ("op.is", "是", "is"),
    ("op.is_not", "不是", "is not"),
    ("op.contains", "包含", "contains"),
    ("op.before", "早于", "before"),
    ("op.after", "不早于", "on or after"),
    ("op.under", "属于", "in"),
    ("op.has", "有", "has"),
    ("op.lacks", "没有", "has not"),
];

fn text(lang: Lang, key: &'static str) -> &'static str {
    t_or_main(TEXTS, lang, key)
}

const FIELDS: &[(&str, &str)] = &[
    ("level", "f.level"),
    ("industry", "f.industry"),
    ("province", "f.province"),
    ("city", "f.city"),
    ("source", "f.source"),
    ("status", "f.status"),
    ("kind", "f.kind"),
    ("created_at", "f.created_at"),
    ("last_follow_up_at", "f.last_follow_up_at"),
    ("unit", "f.unit"),
    ("tag", "f.tag"),
];

/// The operators a field offers.
fn ops_of(field: &str) -> &'static [(&'static str, &'static str)] {
    match field {
        "created_at" | "last_follow_up_at" => &[("before", "op.before"), ("after", "op.after")],
        "unit" => &[("under", "op.under")],
        "tag" => &[("has", "op.has"), ("lacks", "op.lacks")],
        _ => &[("is", "op.is"), ("is_not", "op.is_not"), ("contains", "op.contains")],
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentCount {
    pub count: i64,
    /// The first matching customers: (id, name).
    pub sample: Vec<(i64, String)>,
}

#[server(endpoint = "segments/list")]
pub async fn my_segments() -> Result<Vec<SegmentRow>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::marketing::segments::list(&st.db, &actor).await.map_err(domain_err)
}

#[server(endpoint = "segments/count", input = Json)]
pub async fn count_segment(rule: SegmentRule) -> Result<SegmentCount, AppError> {
    use crate::server::{actor, domain_err};
    use domain::marketing::segments;
    let (st, actor) = actor().await?;
    let count = segments::count(&st.db, &actor, &rule).await.map_err(domain_err)?;
    let sample = segments::members(&st.db, &actor, &rule, None, 20).await.map_err(domain_err)?;
    Ok(SegmentCount { count, sample })
}

#[server(endpoint = "segments/save", input = Json)]
pub async fn save_segment(id: Option<i64>, name: String, rule: SegmentRule) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::marketing::segments::save(&st.db, &actor, id, &name, &rule).await.map_err(domain_err)
}

#[server(endpoint = "segments/delete")]
pub async fn delete_segment(id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::marketing::segments::delete(&st.db, &actor, id).await.map_err(domain_err)
}

/// One condition as the form holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cond {
    field: String,
    op: String,
    value: String,
}

impl Cond {
    fn new() -> Self {
        Cond { field: "level".into(), op: "is".into(), value: String::new() }
    }

    fn rule(&self) -> SegmentRule {
        match self.field.as_str() {
            "tag" => SegmentRule::Tag { tag: self.value.trim().to_string(), present: self.op != "lacks" },
            field => {
                let values = if self.op == "is" || self.op == "is_not" {
                    self.value.split([',', '，']).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
                } else {
                    vec![self.value.trim().to_string()]
                };
                SegmentRule::Field { field: field.to_string(), op: self.op.clone(), values }
            }
        }
    }

    fn of(rule: &SegmentRule) -> Option<Cond> {
        match rule {
            SegmentRule::Tag { tag, present } => Some(Cond { field: "tag".into(), op: if *present { "has" } else { "lacks" }.into(), value: tag.clone() }),
            SegmentRule::Field { field, op, values } => Some(Cond { field: field.clone(), op: op.clone(), value: values.join(", ") }),
            _ => None,
        }
    }
}

/// A group of conditions as the form holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    any: bool,
    conds: Vec<Cond>,
}

/// The form's groups as one rule: groups joined by `any` (or all), conditions within each.
fn rule_of(any: bool, groups: &[Group]) -> SegmentRule {
    let groups: Vec<SegmentRule> = groups
        .iter()
        .filter(|g| !g.conds.is_empty())
        .map(|g| {
            let rules: Vec<SegmentRule> = g.conds.iter().map(Cond::rule).collect();
            if g.any { SegmentRule::Any { rules } } else { SegmentRule::All { rules } }
        })
        .collect();
    if any { SegmentRule::Any { rules: groups } } else { SegmentRule::All { rules: groups } }
}

/// A saved rule back into the form (rules the form cannot show come back as one empty group).
fn form_of(rule: &SegmentRule) -> (bool, Vec<Group>) {
    let (any, parts) = match rule {
        SegmentRule::Any { rules } => (true, rules.clone()),
        SegmentRule::All { rules } => (false, rules.clone()),
        other => (false, vec![other.clone()]),
    };
    let groups = parts
        .iter()
        .map(|p| match p {
            SegmentRule::Any { rules } => Group { any: true, conds: rules.iter().filter_map(Cond::of).collect() },
            SegmentRule::All { rules } => Group { any: false, conds: rules.iter().filter_map(Cond::of).collect() },
            leaf => Group { any: false, conds: Cond::of(leaf).into_iter().collect() },
        })
        .collect();
    (any, groups)
}

#[component]
fn CondRow(groups: RwSignal<Vec<Group>>, g: usize, c: usize) -> impl IntoView {
    let lang = use_lang();
    let get = move || groups.with(|gs| gs.get(g).and_then(|x| x.conds.get(c)).cloned().unwrap_or_else(Cond::new));
    let edit = move |f: &dyn Fn(&mut Cond)| groups.update(|gs| if let Some(x) = gs.get_mut(g).and_then(|x| x.conds.get_mut(c)) { f(x) });
    view! {
        <div class="seg-cond" data-testid="seg-cond">
            <select data-testid="seg-field" prop:value=move || get().field on:change=move |ev| {
                let field = event_target_value(&ev);
                edit(&|x: &mut Cond| { x.op = ops_of(&field)[0].0.to_string(); x.field = field.clone(); });
            }>
                {FIELDS.iter().map(|(f, key)| view! { <option value=*f>{move || text(lang.get(), key)}</option> }).collect_view()}
            </select>
            <select data-testid="seg-op" prop:value=move || get().op on:change=move |ev| {
                let op = event_target_value(&ev);
                edit(&|x: &mut Cond| x.op = op.clone());
            }>
                {move || ops_of(&get().field).iter().map(|(o, key)| view! { <option value=*o selected=get().op == *o>{text(lang.get(), key)}</option> }).collect_view()}
            </select>
            <input type=move || if matches!(get().field.as_str(), "created_at" | "last_follow_up_at") { "date" } else { "text" }
                data-testid="seg-value" title=move || text(lang.get(), "seg.values_hint")
                prop:value=move || get().value on:input=move |ev| {
                    let v = event_target_value(&ev);
                    edit(&|x: &mut Cond| x.value = v.clone());
                }/>
            <button type="button" class="link" data-testid="seg-remove" on:click=move |_| groups.update(|gs| { if let Some(x) = gs.get_mut(g) { x.conds.remove(c); } })>
                {move || text(lang.get(), "seg.remove")}
            </button>
        </div>
    }
}

#[component]
pub fn SegmentsPage() -> impl IntoView {
    let lang = use_lang();
    let outer_any = RwSignal::new(false);
    let groups = RwSignal::new(vec![Group { any: false, conds: vec![Cond::new()] }]);
    let name = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<i64>);
    let count = Action::new(move |rule: &SegmentRule| {
        let rule = rule.clone();
        async move { count_segment(rule).await }
    });
    let save = Action::new(move |(id, name, rule): &(Option<i64>, String, SegmentRule)| {
        let (id, name, rule) = (*id, name.clone(), rule.clone());
        async move { save_segment(id, name, rule).await }
    });
    let delete = ServerAction::<DeleteSegment>::new();
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            editing.set(Some(id));
        }
    });
    let saved = resource(move || (save.version().get(), delete.version().get()), |_| my_segments());
    let current = move || rule_of(outer_any.get_untracked(), &groups.get_untracked());
    view! {
        <section class="segments" data-testid="segments">
            <div class="page-head"><h1>{move || text(lang.get(), "seg.title")}</h1></div>
            <div class="seg-layout">
                <aside class="seg-saved">
                    <h2>{move || text(lang.get(), "seg.saved")}</h2>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let list = loaded(saved).await.and_then(|r| r.ok()).unwrap_or_default();
                            if list.is_empty() {
                                return view! { <p class="muted">{move || text(lang.get(), "seg.none")}</p> }.into_any();
                            }
                            view! {
                                <ul>
                                    {list.into_iter().map(|s| {
                                        let rule = s.rule.clone();
                                        let label = s.name.clone();
                                        view! {
                                            <li data-testid="seg-saved">
                                                <button type="button" class="link" on:click=move |_| {
                                                    let (any, gs) = form_of(&rule);
                                                    outer_any.set(any);
                                                    groups.set(gs);
                                                    name.set(label.clone());
                                                    editing.set(Some(s.id));
                                                    count.dispatch(rule.clone());
                                                }>{s.name.clone()}</button>
                                                <button type="button" class="link danger" data-testid="seg-delete" on:click=move |_| { delete.dispatch(DeleteSegment { id: s.id }); }>"×"</button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        })}
                    </Transition>
                    <button type="button" class="secondary" data-testid="seg-new" on:click=move |_| {
                        outer_any.set(false);
                        groups.set(vec![Group { any: false, conds: vec![Cond::new()] }]);
                        name.set(String::new());
                        editing.set(None);
                    }>{move || text(lang.get(), "seg.new")}</button>
                </aside>
                <div class="seg-editor">
                    <label class="inline">
                        <select data-testid="seg-outer" prop:value=move || if outer_any.get() { "any" } else { "all" } on:change=move |ev| outer_any.set(event_target_value(&ev) == "any")>
                            <option value="all">{move || text(lang.get(), "seg.match_all")}</option>
                            <option value="any">{move || text(lang.get(), "seg.match_any")}</option>
                        </select>
                    </label>
                    {move || (0..groups.with(|g| g.len())).map(|g| view! {
                        <fieldset class="seg-group" data-testid="seg-group">
                            <legend>
                                {move || text(lang.get(), "seg.group")}" "
                                <select data-testid="seg-group-any" prop:value=move || if groups.with(|gs| gs.get(g).is_some_and(|x| x.any)) { "any" } else { "all" }
                                    on:change=move |ev| { let any = event_target_value(&ev) == "any"; groups.update(|gs| if let Some(x) = gs.get_mut(g) { x.any = any; }); }>
                                    <option value="all">{move || text(lang.get(), "seg.match_all")}</option>
                                    <option value="any">{move || text(lang.get(), "seg.match_any")}</option>
                                </select>
                            </legend>
                            {move || (0..groups.with(|gs| gs.get(g).map(|x| x.conds.len()).unwrap_or(0))).map(|c| view! { <CondRow groups g c/> }).collect_view()}
                            <button type="button" class="secondary" data-testid="seg-add" on:click=move |_| groups.update(|gs| if let Some(x) = gs.get_mut(g) { x.conds.push(Cond::new()); })>
                                {move || text(lang.get(), "seg.add_condition")}
                            </button>
                        </fieldset>
                    }).collect_view()}
                    <div class="actions">
                        <button type="button" class="secondary" data-testid="seg-add-group" on:click=move |_| groups.update(|gs| gs.push(Group { any: false, conds: vec![Cond::new()] }))>
                            {move || text(lang.get(), "seg.add_group")}
                        </button>
                        <button type="button" data-testid="seg-count" disabled=move || count.pending().get() on:click=move |_| { count.dispatch(current()); }>
                            {move || text(lang.get(), "seg.count")}
                        </button>
                    </div>
                    <ActionError error=error_of(count.value())/>
                    {move || count.value().get().and_then(|r| r.ok()).map(|r| view! {
                        <div class="seg-result">
                            <p>{move || text(lang.get(), "seg.matches")}<strong data-testid="seg-total">{r.count}</strong></p>
                            <ul class="seg-sample">
                                {r.sample.into_iter().map(|(id, n)| view! { <li><A href=format!("/customers/{id}")>{n}</A></li> }).collect_view()}
                            </ul>
                        </div>
                    })}
                    <form class="inline" on:submit=move |ev| {
                        ev.prevent_default();
                        save.dispatch((editing.get_untracked(), name.get_untracked(), current()));
                    }>
                        <input type="text" data-testid="seg-name" placeholder=move || text(lang.get(), "seg.name") bind:value=name/>
                        <button type="submit" data-testid="seg-save" disabled=move || save.pending().get()>{move || text(lang.get(), "seg.save")}</button>
                    </form>
                    <ActionError error=error_of(save.value())/>
                    <ActionError error=error_of(delete.value())/>
                </div>
            </div>
        </section>
    }
}
