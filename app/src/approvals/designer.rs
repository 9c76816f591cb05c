//! The approval flow designer (`/admin/approval-flows`): per document type, the versions of its
//! flow, and a form-based editor for the next version — steps in order, each with its condition
//! branches, default approvers, mode and time limit, plus the flow's fallback. Saving keeps a
//! draft; publishing makes it the version new submissions use and lists the running approvals
//! that stay on the version they started with.
//!
//! Text typed into the editor is written into the definition without re-rendering (so focus and
//! typing are never disturbed); adding, removing or re-kinding a piece re-renders the editor.

use domain_types::approvals::{ApproverRule, Branch, Condition, DocType, FlowDefinition, FlowVersion, Mode, PublishReport, Step, UnitLevel, UnitOf};
use leptos::prelude::*;

use crate::approvals::api::{approval_flows, flow_choices, publish_approval_flow, save_approval_flow, FlowPickers, SaveApprovalFlow};
use crate::approvals::words::doc_type_key;
use crate::error::AppError;
use crate::approvals::words::{t, tr};
use crate::i18n::{t_in, tr_in, use_lang, Lang, Texts};
use crate::ui::action_error::{error_of, first_error, ActionError};
use crate::ui::format::{format_utc, minor_text, parse_minor};
use crate::ui::loading::{loaded, resource};

/// The designer's texts travel in its own chunk.
const WORDS: &Texts = &[
    ("title", "审批流程设计", "Approval flows"),
    ("doc_type", "单据类型", "Document type"),
    ("versions", "版本", "Versions"),
    ("version", "版本", "Version"),
    ("name", "流程名称", "Flow name"),
    ("status", "状态", "Status"),
    ("published_at", "发布时间", "Published"),
    ("status.draft", "草稿", "draft"),
    ("status.published", "生效中", "in use"),
    ("status.retired", "已停用", "retired"),
    ("edit_draft", "编辑草稿", "Edit the draft"),
    ("new_version", "基于此版本新建", "New version from this"),
    ("none", "此类型还没有流程。", "This type has no flow yet."),
    ("start", "新建流程", "Create a flow"),
    ("step", "步骤", "Step"),
    ("step_name", "步骤名称", "Step name"),
    ("step_name_en", "英文名称", "English name"),
    ("mode", "审批方式", "Mode"),
    ("mode.any_one", "或签（一人同意即可）", "Any one (或签)"),
    ("mode.all_must_sign", "会签（全部同意）", "All must sign (会签)"),
    ("limit", "时限（小时，可空）", "Time limit (hours, optional)"),
    ("up", "上移", "Move up"),
    ("down", "下移", "Move down"),
    ("remove", "删除", "Remove"),
    ("add_step", "添加步骤", "Add a step"),
    ("branch", "条件分支", "Branch"),
    ("when", "当满足全部条件", "When all of these hold"),
    ("ask", "审批人", "Ask"),
    ("otherwise", "否则（默认分支）审批人；为空则跳过本步", "Otherwise ask (none: the step is skipped)"),
    ("add_branch", "添加条件分支", "Add a branch"),
    ("add_condition", "添加条件", "Add a condition"),
    ("add_rule", "添加审批人", "Add an approver"),
    ("fallback", "找不到审批人时转给", "When a rule finds nobody, ask"),
    ("save", "保存草稿", "Save draft"),
    ("publish", "发布", "Publish"),
    ("saved", "草稿已保存。", "Draft saved."),
    ("published", "已发布版本 {n}，新提交的审批将使用此版本。", "Version {n} is published; new submissions use it."),
    ("staying", "以下进行中的审批继续使用原版本：", "These running approvals stay on their version:"),
    ("staying_none", "没有进行中的审批使用旧版本。", "No running approval is on an older version."),
    ("fix_inputs", "请先修正标红的输入。", "Fix the highlighted inputs first."),
    ("number", "请输入数字", "Enter a number"),
    ("rule.manager", "提交人的上级（向上 N 级）", "Submitter's manager (N levels up)"),
    ("rule.unit_head", "部门/分公司/子公司负责人", "Head of a unit, branch or subsidiary"),
    ("rule.role_in_unit", "指定单位中的角色", "Holders of a role in a unit"),
    ("rule.role_in_own_subsidiary", "本子公司中的角色（如同公司财务）", "Holders of a role in the submitter's subsidiary"),
    ("rule.users", "指定人员", "Named users"),
    ("rule.previous_approver_manager", "上一步审批人的上级", "Previous approver's manager"),
    ("rule.administrators", "系统管理员", "Administrators"),
    ("levels", "级数", "Levels"),
    ("of.submitter", "提交人所在单位", "Submitter's unit"),
    ("of.target", "目标单位", "Target unit"),
    ("level.own", "本单位", "the unit itself"),
    ("level.branch", "所属分公司", "its branch"),
    ("level.subsidiary", "所属子公司", "its subsidiary"),
    ("role", "角色", "Role"),
    ("unit", "单位", "Unit"),
    ("add_user", "添加人员…", "Add a user…"),
    ("cond.amount_above", "金额高于（元）", "Amount above (yuan)"),
    ("cond.amount_at_most", "金额不高于（元）", "Amount at most (yuan)"),
    ("cond.discount_above", "折扣高于（%）", "Discount above (%)"),
    ("cond.product_line", "产品线为", "Product line is"),
    ("cond.customer_level", "客户等级属于（逗号分隔）", "Customer level in (comma-separated)"),
    ("cond.submitter_under", "提交人属于单位（含下级）", "Submitter is in unit (or below)"),
    ("cond.cross_branch", "跨分公司", "Crosses branches"),
];

fn w(key: &'static str) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    tr_in(WORDS, key)
}

fn wt(lang: Lang, key: &'static str) -> &'static str {
    t_in(WORDS, lang, key)
}

const RULE_KINDS: &[&str] = &["manager", "unit_head", "role_in_unit", "role_in_own_subsidiary", "users", "previous_approver_manager", "administrators"];
const CONDITION_KINDS: &[&str] = &["amount_above", "amount_at_most", "discount_above", "product_line", "customer_level", "submitter_under", "cross_branch"];

fn rule_kind(rule: &ApproverRule) -> &'static str {
    match rule {
        ApproverRule::Manager { .. } => "manager",
        ApproverRule::UnitHead { .. } => "unit_head",
        ApproverRule::RoleInUnit { .. } => "role_in_unit",
        ApproverRule::RoleInOwnSubsidiary { .. } => "role_in_own_subsidiary",
        ApproverRule::Users { .. } => "users",
        ApproverRule::PreviousApproverManager => "previous_approver_manager",
        ApproverRule::Administrators => "administrators",
    }
}

/// A new rule of a kind, filled with the first choices so that it is valid as it stands.
fn new_rule(kind: &str, choices: &FlowPickers) -> ApproverRule {
    let role = || choices.roles.first().map(|r| r.0.clone()).unwrap_or_default();
    match kind {
        "unit_head" => ApproverRule::UnitHead { of: UnitOf::Submitter, level: UnitLevel::Own },
        "role_in_unit" => ApproverRule::RoleInUnit { role: role(), unit_id: choices.units.first().map(|u| u.0).unwrap_or(0) },
        "role_in_own_subsidiary" => ApproverRule::RoleInOwnSubsidiary { role: role() },
        "users" => ApproverRule::Users { user_ids: vec![] },
        "previous_approver_manager" => ApproverRule::PreviousApproverManager,
        "administrators" => ApproverRule::Administrators,
        _ => ApproverRule::Manager { levels: 1 },
    }
}

fn condition_kind(c: &Condition) -> &'static str {
    match c {
        Condition::AmountAbove { .. } => "amount_above",
        Condition::AmountAtMost { .. } => "amount_at_most",
        Condition::DiscountAbove { .. } => "discount_above",
        Condition::ProductLine { .. } => "product_line",
        Condition::CustomerLevel { .. } => "customer_level",
        Condition::SubmitterUnder { .. } => "submitter_under",
        Condition::CrossBranch => "cross_branch",
    }
}

fn new_condition(kind: &str, choices: &FlowPickers) -> Condition {
    match kind {
        "amount_at_most" => Condition::AmountAtMost { minor: 0 },
        "discount_above" => Condition::DiscountAbove { bp: 0 },
        "product_line" => Condition::ProductLine { line: String::new() },
        "customer_level" => Condition::CustomerLevel { levels: vec![] },
        "submitter_under" => Condition::SubmitterUnder { unit_id: choices.units.first().map(|u| u.0).unwrap_or(0) },
        "cross_branch" => Condition::CrossBranch,
        _ => Condition::AmountAbove { minor: 0 },
    }
}

/// "15" or "15.5" (percent) as basis points.
fn parse_percent(text: &str) -> Option<i64> {
    parse_minor(text.trim().trim_end_matches('%'))
}

/// Where a list of approver rules sits in the definition.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum RulesAt {
    /// A step's branch (`None`: its default branch).
    Branch(usize, Option<usize>),
    Fallback,
}

fn rules_mut(def: &mut FlowDefinition, at: RulesAt) -> Option<&mut Vec<ApproverRule>> {
    match at {
        RulesAt::Fallback => Some(&mut def.fallback),
        RulesAt::Branch(s, None) => def.steps.get_mut(s).map(|st| &mut st.default.approvers),
        RulesAt::Branch(s, Some(b)) => def.steps.get_mut(s).and_then(|st| st.branches.get_mut(b)).map(|br| &mut br.approvers),
    }
}

fn conditions_mut(def: &mut FlowDefinition, step: usize, branch: usize) -> Option<&mut Vec<Condition>> {
    def.steps.get_mut(step).and_then(|s| s.branches.get_mut(branch)).map(|b| &mut b.conditions)
}

fn new_step() -> Step {
    Step {
        name: "新步骤".into(),
        name_en: "New step".into(),
        mode: Mode::AnyOne,
        branches: vec![],
        default: Branch { conditions: vec![], approvers: vec![ApproverRule::Manager { levels: 1 }] },
        time_limit_hours: None,
    }
}

/// Swaps a step with its neighbour (`up`: the one before); false when there is none.
fn move_step(def: &mut FlowDefinition, index: usize, up: bool) -> bool {
    let other = if up { index.checked_sub(1) } else { Some(index + 1) };
    match other {
        Some(o) if o < def.steps.len() && index < def.steps.len() => {
            def.steps.swap(index, o);
            true
        }
        _ => false,
    }
}

/// What the editor works on: the definition and its name, and how many inputs hold text that
/// does not parse (saving waits until there are none).
#[derive(Clone, Copy)]
struct Editor {
    def: RwSignal<FlowDefinition>,
    name: RwSignal<String>,
    bad_inputs: RwSignal<i32>,
    choices: StoredValue<FlowPickers>,
}

impl Editor {
    /// A change that needs no re-render (typed text, a parameter picked from a select).
    fn write(&self, f: impl FnOnce(&mut FlowDefinition)) {
        self.def.update_untracked(f);
    }

    /// A change of shape: the editor re-renders from the definition.
    fn reshape(&self, f: impl FnOnce(&mut FlowDefinition)) {
        self.bad_inputs.set(0);
        self.def.update(f);
    }
}

#[component]
pub fn FlowDesignerPage() -> impl IntoView {
    let lang = use_lang();
    let doc_type = RwSignal::new(DocType::ExpenseRequest);
    let reload = RwSignal::new(0u32);
    let versions = resource(move || (doc_type.get(), reload.get()), |(d, _)| approval_flows(d));
    let choices = resource(|| (), |_| flow_choices());
    let editing = RwSignal::new(None::<(String, FlowDefinition)>);
    let report = RwSignal::new(None::<PublishReport>);
    let save = ServerAction::<SaveApprovalFlow>::new();
    let publish = Action::new(move |flow_id: &i64| publish_approval_flow(*flow_id));
    let save_and_publish = Action::new(move |input: &SaveApprovalFlow| {
        let input = input.clone();
        async move {
            let id = save_approval_flow(input.doc_type, input.name, input.definition).await?;
            publish_approval_flow(id).await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| {
        let done = publish.value().get().or_else(|| save_and_publish.value().get());
        if let Some(Ok(r)) = done {
            report.set(Some(r));
            editing.set(None);
            reload.update(|n| *n += 1);
        }
    });
    let errors = first_error(vec![error_of(save.value()), error_of(publish.value()), error_of(save_and_publish.value())]);
    let pick_type = move |d: DocType| {
        editing.set(None);
        report.set(None);
        doc_type.set(d);
    };
    view! {
        <section class="flow-designer" data-testid="flow-designer">
            <h2>{w("title")}</h2>
            <label>
                {w("doc_type")}" "
                <select data-testid="flow-doc-type" on:change=move |ev| { if let Some(d) = DocType::parse(&event_target_value(&ev)) { pick_type(d) } }>
                    {DocType::ALL.iter().map(|d| view! {
                        <option value=d.as_str() selected={*d == DocType::ExpenseRequest}>{move || t(lang.get(), doc_type_key(*d))}</option>
                    }).collect_view()}
                </select>
            </label>
            <Transition fallback=move || view! { <p class="loading">{tr("shell.loading")}</p> }>
                {move || Suspend::new(async move {
                    match loaded(versions).await {
                        None => ().into_any(),
                        Some(Err(e)) => view! { <p class="form-error">{move || e.message(lang.get())}</p> }.into_any(),
                        Some(Ok(list)) => view! { <Versions list editing publish/> }.into_any(),
                    }
                })}
            </Transition>
            {move || report.get().map(|r| view! { <Report r/> })}
            <ActionError error=errors/>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let Some(Ok(choices)) = loaded(choices).await else { return ().into_any() };
                    (move || editing.get().map(|(name, def)| {
                        let editor = Editor {
                            def: RwSignal::new(def),
                            name: RwSignal::new(name),
                            bad_inputs: RwSignal::new(0),
                            choices: StoredValue::new(choices.clone()),
                        };
                        view! { <FlowEditor editor doc_type=doc_type.get_untracked() save save_and_publish/> }
                    }))
                    .into_any()
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Versions(list: Vec<FlowVersion>, editing: RwSignal<Option<(String, FlowDefinition)>>, publish: Action<i64, Result<PublishReport, AppError>>) -> impl IntoView {
    let lang = use_lang();
    if list.is_empty() {
        let start = move |_| editing.set(Some((String::new(), FlowDefinition { steps: vec![new_step()], fallback: vec![ApproverRule::Administrators] })));
        return view! {
            <p class="empty">{w("none")}</p>
            <button data-testid="flow-start" on:click=start>{w("start")}</button>
        }
        .into_any();
    }
    // The newest version is the one to go on from: the draft itself, or a copy of the one in use.
    let newest = list[0].id;
    view! {
        <table class="records compact" data-testid="flow-versions">
            <thead><tr><th>{w("version")}</th><th>{w("name")}</th><th>{w("status")}</th><th>{w("published_at")}</th><th></th></tr></thead>
            <tbody>
                {list.into_iter().map(|v| {
                    let status = v.status.clone();
                    let is_draft = v.status == "draft";
                    let (name, def, id) = (v.name.clone(), v.definition.clone(), v.id);
                    let edit = move |_| editing.set(Some((name.clone(), def.clone())));
                    view! {
                        <tr data-testid="flow-version" data-version=v.version data-status=v.status.clone()>
                            <td>{format!("v{}", v.version)}</td>
                            <td>{v.name.clone()}</td>
                            <td>{move || status_text(lang.get(), &status)}</td>
                            <td>{v.published_at.map(format_utc).unwrap_or_default()}</td>
                            <td class="inline">
                                {(id == newest).then(|| view! {
                                    <button data-testid="flow-edit" on:click=edit>{if is_draft { w("edit_draft") } else { w("new_version") }}</button>
                                })}
                                {is_draft.then(|| view! {
                                    <button class="primary" data-testid="flow-publish-draft" disabled=move || publish.pending().get() on:click=move |_| { publish.dispatch(id); }>{w("publish")}</button>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn status_text(lang: Lang, status: &str) -> &'static str {
    match status {
        "draft" => wt(lang, "status.draft"),
        "published" => wt(lang, "status.published"),
        _ => wt(lang, "status.retired"),
    }
}

#[component]
fn Report(r: PublishReport) -> impl IntoView {
    let lang = use_lang();
    let version = r.version;
    let staying = r.staying_on_old;
    view! {
        <div class="notice" data-testid="flow-report" data-version=version>
            <p>{move || wt(lang.get(), "published").replace("{n}", &version.to_string())}</p>
            {if staying.is_empty() {
                view! { <p class="muted">{w("staying_none")}</p> }.into_any()
            } else {
                view! {
                    <p>{w("staying")}</p>
                    <ul>
                        {staying.into_iter().map(|s| view! {
                            <li data-testid="flow-staying"><a href=format!("/approvals/{}", s.approval_id)>{s.title}</a>{format!(" · v{}", s.version)}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn FlowEditor(
    editor: Editor,
    doc_type: DocType,
    save: ServerAction<SaveApprovalFlow>,
    save_and_publish: Action<SaveApprovalFlow, Result<PublishReport, AppError>>,
) -> impl IntoView {
    let Editor { def, name, bad_inputs, .. } = editor;
    let input = move || SaveApprovalFlow { doc_type, name: name.get_untracked(), definition: def.get_untracked() };
    let blocked = move || bad_inputs.get() > 0;
    let busy = move || save.pending().get() || save_and_publish.pending().get();
    view! {
        <div class="flow-editor" data-testid="flow-editor">
            <label>{w("name")}" "<input type="text" bind:value=name data-testid="flow-name"/></label>
            {move || {
                let steps = def.with(|d| d.steps.clone());
                let count = steps.len();
                view! {
                    <ol class="flow-steps">
                        {steps.into_iter().enumerate().map(|(i, s)| view! { <StepEditor editor index=i count step=s/> }).collect_view()}
                    </ol>
                    <button data-testid="flow-add-step" on:click=move |_| editor.reshape(|d| d.steps.push(new_step()))>{w("add_step")}</button>
                    <fieldset class="flow-fallback">
                        <legend>{w("fallback")}</legend>
                        <RulesEditor editor at=RulesAt::Fallback rules=def.with_untracked(|d| d.fallback.clone())/>
                    </fieldset>
                }
            }}
            <Show when=blocked>
                <p class="form-error" data-testid="flow-fix-inputs">{w("fix_inputs")}</p>
            </Show>
            <div class="inline">
                <button data-testid="flow-save" disabled=move || blocked() || busy() on:click=move |_| { save.dispatch(input()); }>{w("save")}</button>
                <button class="primary" data-testid="flow-publish" disabled=move || blocked() || busy() on:click=move |_| { save_and_publish.dispatch(input()); }>{w("publish")}</button>
            </div>
            <Show when=move || matches!(save.value().get(), Some(Ok(_)))>
                <p class="muted" data-testid="flow-saved">{w("saved")}</p>
            </Show>
        </div>
    }
}

#[component]
fn StepEditor(editor: Editor, index: usize, count: usize, step: Step) -> impl IntoView {
    let i = index;
    let lang = use_lang();
    let limit_bad = RwSignal::new(false);
    let mode = step.mode;
    let branches = step.branches.clone();
    view! {
        <li class="flow-step" data-testid="flow-step" data-index=i>
            <div class="inline">
                <strong>{move || format!("{} {}", wt(lang.get(), "step"), i + 1)}</strong>
                <input type="text" aria-label=w("step_name") placeholder=w("step_name") data-testid="step-name" prop:value=step.name.clone()
                    on:input=move |ev| { let v = event_target_value(&ev); editor.write(|d| d.steps[i].name = v) }/>
                <input type="text" aria-label=w("step_name_en") placeholder=w("step_name_en") data-testid="step-name-en" prop:value=step.name_en.clone()
                    on:input=move |ev| { let v = event_target_value(&ev); editor.write(|d| d.steps[i].name_en = v) }/>
                <select aria-label=w("mode") data-testid="step-mode" on:change=move |ev| {
                    let m = if event_target_value(&ev) == "all_must_sign" { Mode::AllMustSign } else { Mode::AnyOne };
                    editor.write(|d| d.steps[i].mode = m)
                }>
                    <option value="any_one" selected={mode == Mode::AnyOne}>{w("mode.any_one")}</option>
                    <option value="all_must_sign" selected={mode == Mode::AllMustSign}>{w("mode.all_must_sign")}</option>
                </select>
                <input type="text" inputmode="numeric" class:invalid=move || limit_bad.get() aria-label=w("limit") placeholder=w("limit") data-testid="step-limit"
                    prop:value=step.time_limit_hours.map(|h| h.to_string()).unwrap_or_default()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        let parsed = if v.trim().is_empty() { Some(None) } else { v.trim().parse::<i64>().ok().map(Some) };
                        mark(editor, limit_bad, parsed.is_some());
                        if let Some(h) = parsed { editor.write(|d| d.steps[i].time_limit_hours = h) }
                    }/>
                <button disabled={i == 0} on:click=move |_| editor.reshape(|d| { move_step(d, i, true); })>{w("up")}</button>
                <button disabled={i + 1 >= count} on:click=move |_| editor.reshape(|d| { move_step(d, i, false); })>{w("down")}</button>
                <button class="danger" data-testid="step-remove" on:click=move |_| editor.reshape(|d| { d.steps.remove(i); })>{w("remove")}</button>
            </div>
            {branches.into_iter().enumerate().map(|(b, br)| view! {
                <fieldset class="flow-branch" data-testid="flow-branch" data-index=b>
                    <legend>{move || format!("{} {}", wt(lang.get(), "branch"), b + 1)}</legend>
                    <p class="muted">{w("when")}</p>
                    <ConditionsEditor editor step=i branch=b conditions=br.conditions/>
                    <p class="muted">{w("ask")}</p>
                    <RulesEditor editor at=RulesAt::Branch(i, Some(b)) rules=br.approvers/>
                    <button class="danger" data-testid="branch-remove" on:click=move |_| editor.reshape(|d| { d.steps[i].branches.remove(b); })>{w("remove")}</button>
                </fieldset>
            }).collect_view()}
            <button data-testid="add-branch" on:click=move |_| editor.reshape(|d| d.steps[i].branches.push(Branch {
                conditions: vec![Condition::AmountAbove { minor: 0 }],
                approvers: vec![ApproverRule::Manager { levels: 1 }],
            }))>{w("add_branch")}</button>
            <fieldset class="flow-branch default" data-testid="flow-default">
                <legend>{w("otherwise")}</legend>
                <RulesEditor editor at=RulesAt::Branch(i, None) rules=step.default.approvers/>
            </fieldset>
        </li>
    }
}

/// Counts an input in or out of the "does not parse" set as its text changes.
fn mark(editor: Editor, bad: RwSignal<bool>, ok: bool) {
    if bad.get_untracked() == ok {
        bad.set(!ok);
        editor.bad_inputs.update(|n| *n += if ok { -1 } else { 1 });
    }
}

#[component]
fn ConditionsEditor(editor: Editor, step: usize, branch: usize, conditions: Vec<Condition>) -> impl IntoView {
    let choices = editor.choices;
    view! {
        <ul class="flow-conditions">
            {conditions.into_iter().enumerate().map(|(c, cond)| {
                let kind = condition_kind(&cond);
                let set = move |new: Condition| editor.write(move |d| { if let Some(list) = conditions_mut(d, step, branch) { list[c] = new } });
                view! {
                    <li class="inline" data-testid="flow-condition">
                        <select data-testid="cond-kind" on:change=move |ev| {
                            let k = event_target_value(&ev);
                            editor.reshape(|d| { if let Some(list) = conditions_mut(d, step, branch) { list[c] = new_condition(&k, &choices.get_value()) } })
                        }>
                            {CONDITION_KINDS.iter().map(|k| view! { <option value=*k selected={*k == kind}>{w(cond_key(k))}</option> }).collect_view()}
                        </select>
                        <ConditionValue editor cond set/>
                        <button class="danger" on:click=move |_| editor.reshape(|d| { if let Some(list) = conditions_mut(d, step, branch) { list.remove(c); } })>{w("remove")}</button>
                    </li>
                }
            }).collect_view()}
        </ul>
        <button data-testid="add-condition" on:click=move |_| editor.reshape(|d| { if let Some(list) = conditions_mut(d, step, branch) { list.push(Condition::AmountAbove { minor: 0 }) } })>{w("add_condition")}</button>
    }
}

fn cond_key(kind: &str) -> &'static str {
    match kind {
        "amount_at_most" => "cond.amount_at_most",
        "discount_above" => "cond.discount_above",
        "product_line" => "cond.product_line",
        "customer_level" => "cond.customer_level",
        "submitter_under" => "cond.submitter_under",
        "cross_branch" => "cond.cross_branch",
        _ => "cond.amount_above",
    }
}

/// The value input of a condition: yuan, percent, text, a unit, or nothing.
#[component]
fn ConditionValue(editor: Editor, cond: Condition, set: impl Fn(Condition) + Copy + Send + Sync + 'static) -> impl IntoView {
    let bad = RwSignal::new(false);
    let numeric = move |initial: String, parse: fn(&str) -> Option<i64>, make: fn(i64) -> Condition| {
        view! {
            <input type="text" inputmode="decimal" class:invalid=move || bad.get() title=w("number") data-testid="cond-value" prop:value=initial
                on:input=move |ev| {
                    let parsed = parse(&event_target_value(&ev));
                    mark(editor, bad, parsed.is_some());
                    if let Some(v) = parsed { set(make(v)) }
                }/>
        }
        .into_any()
    };
    match cond {
        Condition::AmountAbove { minor } => numeric(minor_text(minor), parse_minor, |m| Condition::AmountAbove { minor: m }),
        Condition::AmountAtMost { minor } => numeric(minor_text(minor), parse_minor, |m| Condition::AmountAtMost { minor: m }),
        Condition::DiscountAbove { bp } => numeric(minor_text(bp), parse_percent, |b| Condition::DiscountAbove { bp: b }),
        Condition::ProductLine { line } => view! {
            <input type="text" data-testid="cond-value" prop:value=line on:input=move |ev| set(Condition::ProductLine { line: event_target_value(&ev).trim().to_string() })/>
        }
        .into_any(),
        Condition::CustomerLevel { levels } => view! {
            <input type="text" data-testid="cond-value" prop:value=levels.join(",") on:input=move |ev| {
                let levels = event_target_value(&ev).split([',', '，']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
                set(Condition::CustomerLevel { levels })
            }/>
        }
        .into_any(),
        Condition::SubmitterUnder { unit_id } => view! {
            <UnitSelect editor selected=unit_id on_pick=move |u| set(Condition::SubmitterUnder { unit_id: u })/>
        }
        .into_any(),
        Condition::CrossBranch => ().into_any(),
    }
}

#[component]
fn UnitSelect(editor: Editor, selected: i64, on_pick: impl Fn(i64) + Send + Sync + 'static) -> impl IntoView {
    let units = editor.choices.with_value(|c| c.units.clone());
    view! {
        <select aria-label=w("unit") data-testid="unit-select" on:change=move |ev| { if let Ok(u) = event_target_value(&ev).parse() { on_pick(u) } }>
            {units.into_iter().map(|(id, label)| view! { <option value=id selected={id == selected}>{label}</option> }).collect_view()}
        </select>
    }
}

#[component]
fn RoleSelect(editor: Editor, selected: String, on_pick: impl Fn(String) + Send + Sync + 'static) -> impl IntoView {
    let lang = use_lang();
    let roles = editor.choices.with_value(|c| c.roles.clone());
    view! {
        <select aria-label=w("role") data-testid="role-select" on:change=move |ev| on_pick(event_target_value(&ev))>
            {roles.into_iter().map(|(key, zh, en)| {
                let sel = key == selected;
                view! { <option value=key selected=sel>{move || if lang.get() == Lang::En { en.clone() } else { zh.clone() }}</option> }
            }).collect_view()}
        </select>
    }
}

#[component]
fn RulesEditor(editor: Editor, at: RulesAt, rules: Vec<ApproverRule>) -> impl IntoView {
    let choices = editor.choices;
    view! {
        <ul class="flow-rules">
            {rules.into_iter().enumerate().map(|(r, rule)| {
                let kind = rule_kind(&rule);
                view! {
                    <li class="inline" data-testid="flow-rule">
                        <select data-testid="rule-kind" on:change=move |ev| {
                            let k = event_target_value(&ev);
                            editor.reshape(|d| { if let Some(list) = rules_mut(d, at) { list[r] = new_rule(&k, &choices.get_value()) } })
                        }>
                            {RULE_KINDS.iter().map(|k| view! { <option value=*k selected={*k == kind}>{w(rule_key(k))}</option> }).collect_view()}
                        </select>
                        <RuleParams editor at index=r rule/>
                        <button class="danger" on:click=move |_| editor.reshape(|d| { if let Some(list) = rules_mut(d, at) { list.remove(r); } })>{w("remove")}</button>
                    </li>
                }
            }).collect_view()}
        </ul>
        <button data-testid="add-rule" on:click=move |_| editor.reshape(|d| { if let Some(list) = rules_mut(d, at) { list.push(ApproverRule::Manager { levels: 1 }) } })>{w("add_rule")}</button>
    }
}

fn rule_key(kind: &str) -> &'static str {
    match kind {
        "unit_head" => "rule.unit_head",
        "role_in_unit" => "rule.role_in_unit",
        "role_in_own_subsidiary" => "rule.role_in_own_subsidiary",
        "users" => "rule.users",
        "previous_approver_manager" => "rule.previous_approver_manager",
        "administrators" => "rule.administrators",
        _ => "rule.manager",
    }
}

/// The parameters of one approver rule.
#[component]
fn RuleParams(editor: Editor, at: RulesAt, index: usize, rule: ApproverRule) -> impl IntoView {
    let set = move |new: ApproverRule| editor.write(move |d| { if let Some(list) = rules_mut(d, at) { list[index] = new } });
    let current = move || editor.def.with_untracked(|d| {
        let mut d = d.clone();
        rules_mut(&mut d, at).and_then(|l| l.get(index).cloned())
    });
    match rule {
        ApproverRule::Manager { levels } => {
            let bad = RwSignal::new(false);
            view! {
                <input type="text" inputmode="numeric" class="short" class:invalid=move || bad.get() aria-label=w("levels") title=w("levels") data-testid="rule-levels" prop:value=levels.to_string()
                    on:input=move |ev| {
                        let parsed = event_target_value(&ev).trim().parse::<u32>().ok();
                        mark(editor, bad, parsed.is_some());
                        if let Some(levels) = parsed { set(ApproverRule::Manager { levels }) }
                    }/>
            }
            .into_any()
        }
        ApproverRule::UnitHead { of, level } => view! {
            <select data-testid="rule-of" on:change=move |ev| {
                let of = if event_target_value(&ev) == "target" { UnitOf::Target } else { UnitOf::Submitter };
                if let Some(ApproverRule::UnitHead { level, .. }) = current() { set(ApproverRule::UnitHead { of, level }) }
            }>
                <option value="submitter" selected={of == UnitOf::Submitter}>{w("of.submitter")}</option>
                <option value="target" selected={of == UnitOf::Target}>{w("of.target")}</option>
            </select>
            <select data-testid="rule-level" on:change=move |ev| {
                let level = match event_target_value(&ev).as_str() { "branch" => UnitLevel::Branch, "subsidiary" => UnitLevel::Subsidiary, _ => UnitLevel::Own };
                if let Some(ApproverRule::UnitHead { of, .. }) = current() { set(ApproverRule::UnitHead { of, level }) }
            }>
                <option value="own" selected={level == UnitLevel::Own}>{w("level.own")}</option>
                <option value="branch" selected={level == UnitLevel::Branch}>{w("level.branch")}</option>
                <option value="subsidiary" selected={level == UnitLevel::Subsidiary}>{w("level.subsidiary")}</option>
            </select>
        }
        .into_any(),
        ApproverRule::RoleInUnit { role, unit_id } => view! {
            <RoleSelect editor selected=role on_pick=move |role| { if let Some(ApproverRule::RoleInUnit { unit_id, .. }) = current() { set(ApproverRule::RoleInUnit { role, unit_id }) } }/>
            <UnitSelect editor selected=unit_id on_pick=move |unit_id| { if let Some(ApproverRule::RoleInUnit { role, .. }) = current() { set(ApproverRule::RoleInUnit { role, unit_id }) } }/>
        }
        .into_any(),
        ApproverRule::RoleInOwnSubsidiary { role } => view! {
            <RoleSelect editor selected=role on_pick=move |role| set(ApproverRule::RoleInOwnSubsidiary { role })/>
        }
        .into_any(),
        ApproverRule::Users { user_ids } => {
            let users = editor.choices.with_value(|c| c.users.clone());
            let label = |id: i64| users.iter().find(|u| u.0 == id).map(|u| u.1.clone()).unwrap_or_else(|| format!("#{id}"));
            view! {
                {user_ids.iter().map(|id| {
                    let id = *id;
                    view! {
                        <span class="chip" data-testid="rule-user">{label(id)}
                            <button class="link" aria-label=w("remove") on:click=move |_| editor.reshape(|d| {
                                if let Some(ApproverRule::Users { user_ids }) = rules_mut(d, at).and_then(|l| l.get_mut(index)) { user_ids.retain(|u| *u != id) }
                            })>"×"</button>
                        </span>
                    }
                }).collect_view()}
                <select data-testid="rule-add-user" on:change=move |ev| {
                    if let Ok(id) = event_target_value(&ev).parse::<i64>() {
                        editor.reshape(|d| {
                            if let Some(ApproverRule::Users { user_ids }) = rules_mut(d, at).and_then(|l| l.get_mut(index)) {
                                if !user_ids.contains(&id) { user_ids.push(id) }
                            }
                        })
                    }
                }>
                    <option value="" selected=true>{w("add_user")}</option>
                    {users.iter().map(|(id, l)| view! { <option value=*id>{l.clone()}</option> }).collect_view()}
                </select>
            }
            .into_any()
        }
        ApproverRule::PreviousApproverManager | ApproverRule::Administrators => ().into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices() -> FlowPickers {
        FlowPickers { units: vec![(7, "集团".into())], users: vec![(3, "张伟".into())], roles: vec![("finance".into(), "财务".into(), "Finance".into())] }
    }

    #[test]
    fn the_texts_are_complete_in_both_languages() {
        crate::i18n::assert_complete(WORDS);
        for k in RULE_KINDS {
            assert_ne!(wt(Lang::En, rule_key(k)), rule_key(k), "{k} has no text");
        }
        for k in CONDITION_KINDS {
            assert_ne!(wt(Lang::Zh, cond_key(k)), cond_key(k), "{k} has no text");
        }
    }

    #[test]
    fn every_kind_makes_a_rule_or_condition_of_that_kind() {
        let c = choices();
        for k in RULE_KINDS {
            assert_eq!(rule_kind(&new_rule(k, &c)), *k);
        }
        for k in CONDITION_KINDS {
            assert_eq!(condition_kind(&new_condition(k, &c)), *k);
        }
        assert_eq!(new_rule("role_in_unit", &c), ApproverRule::RoleInUnit { role: "finance".into(), unit_id: 7 });
    }

    #[test]
    fn percentages_parse_to_basis_points() {
        assert_eq!(parse_percent("15%"), Some(1_500));
        assert_eq!(parse_percent("12.5"), Some(1_250));
        assert_eq!(parse_percent("lots"), None);
    }

    #[test]
    fn steps_move_within_bounds_and_rules_are_found_where_they_sit() {
        let mut def = FlowDefinition { steps: vec![new_step(), new_step()], fallback: vec![ApproverRule::Administrators] };
        def.steps[1].name = "second".into();
        assert!(!move_step(&mut def, 0, true));
        assert!(!move_step(&mut def, 1, false));
        assert!(move_step(&mut def, 1, true));
        assert_eq!(def.steps[0].name, "second");
        def.steps[0].branches.push(Branch { conditions: vec![], approvers: vec![ApproverRule::PreviousApproverManager] });
        assert_eq!(rules_mut(&mut def, RulesAt::Branch(0, Some(0))).unwrap()[0], ApproverRule::PreviousApproverManager);
        assert_eq!(rules_mut(&mut def, RulesAt::Branch(1, None)).unwrap()[0], ApproverRule::Manager { levels: 1 });
        assert_eq!(rules_mut(&mut def, RulesAt::Fallback).unwrap()[0], ApproverRule::Administrators);
        assert!(rules_mut(&mut def, RulesAt::Branch(5, None)).is_none());
        assert!(conditions_mut(&mut def, 0, 1).is_none());
    }
}
