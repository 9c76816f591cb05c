//! Texts of the administration pages: they travel in those pages' chunks, not in the first download.
//! Keys this table lacks fall back to the main table.

use leptos::prelude::*;

use crate::i18n::{use_lang, Lang, Texts};

pub const TEXTS: &Texts = &[
    ("admin.via_creator", "任务的分配人", "assigned this task"),
    ("admin.via_approval", "审批 #{id} 的当前审批人（只读）", "current approver of approval #{id} (read only)"),
    ("admin.via_approval_done", "曾审批 #{id}（只读）", "decided approval #{id} (read only)"),
    ("admin.via_pool", "公海 #{id} 的成员", "member of pool #{id}"),
    ("admin.preview", "预览影响", "Preview impact"),
    ("admin.confirm", "确认保存", "Confirm and save"),
    ("admin.saved", "已保存。", "Saved."),
    ("admin.rename", "改名", "Rename"),
    ("admin.move", "移动", "Move"),
    ("admin.deactivate", "停用", "Deactivate"),
    ("admin.name_en", "英文名称", "English name"),
    ("admin.parent", "上级组织", "Parent unit"),
    ("admin.people", "人数", "People"),
    ("admin.new_unit", "新建组织", "New unit"),
    ("admin.new_user", "新建用户", "New user"),
    ("admin.login", "登录名", "Login name"),
    ("admin.display_name", "姓名", "Name"),
    ("admin.password", "初始密码", "Initial password"),
    ("admin.unit", "所属组织", "Unit"),
    ("admin.extra_units", "兼任组织", "Extra units"),
    ("admin.manager", "直属上级", "Manager"),
    ("admin.none", "（无）", "(none)"),
    ("admin.roles_of_user", "角色", "Roles"),
    ("admin.active", "在职", "active"),
    ("admin.disabled", "已停用", "disabled"),
    ("admin.disable", "停用", "Disable"),
    ("admin.enable", "启用", "Enable"),
    ("admin.reset_password", "重置密码", "Reset password"),
    ("admin.new_password", "新密码", "New password"),
    ("admin.copy_role", "复制为新角色", "Copy as a new role"),
    ("admin.role_name", "角色名称", "Role name"),
    ("admin.builtin", "内置", "built-in"),
    ("admin.users_count", "{n} 人", "{n} users"),
    ("admin.object", "对象", "Object"),
    ("admin.field_rights", "字段权限（客户）", "Field rights (customer)"),
    ("admin.impact", "影响预览", "Impact preview"),
    ("admin.impact_line", "{obj}：{gain} 人获得 {gained} 条、{lose} 人失去 {lost} 条的访问权", "{obj}: {gain} users gain access to {gained} records, {lose} users lose access to {lost} records"),
    ("admin.impact_users", "涉及 {n} 名用户", "{n} users considered"),
    ("admin.gains", "获得", "gains"),
    ("admin.loses", "失去", "loses"),
    ("admin.record_id", "记录编号", "Record id"),
    ("admin.explain_go", "解释", "Explain"),
    ("admin.allowed", "允许", "allowed"),
    ("admin.refused", "拒绝", "refused"),
    ("admin.via_grant", "角色授权：{roles}（范围：{scope}）", "role grant: {roles} (scope: {scope})"),
    ("admin.via_share", "共享 #{id}（{access}）", "share #{id} ({access})"),
    ("admin.no_reason", "没有任何授权或共享覆盖此记录", "no grant or share covers this record"),
    ("admin.what", "对象", "What"),
    ("admin.action", "操作", "Action"),
    ("admin.after", "修改后", "After"),
    ("audit.since", "从（UTC 日期）", "From (UTC date)"),
    ("audit.until", "到（UTC 日期）", "To (UTC date)"),
    ("scope.none", "无", "None"),
    ("scope.own", "本人", "Own"),
    ("scope.own_and_subordinates", "本人及下属", "Own and subordinates"),
    ("scope.unit", "本部门", "Own unit"),
    ("scope.unit_and_below", "本部门及下属部门", "Unit and below"),
    ("scope.all", "全部", "All"),
    ("fa.hidden", "不可见", "Hidden"),
    ("fa.read", "只读", "Read"),
    ("fa.edit", "读写", "Edit"),
    ("action.read", "查看", "Read"),
    ("action.create", "新建", "Create"),
    ("action.update", "编辑", "Update"),
    ("action.delete", "删除", "Delete"),
    ("action.assign", "分配/转移", "Assign"),
    ("action.share", "共享", "Share"),
    ("action.export", "导出", "Export"),
    ("object.contact", "联系人", "Contact"),
    ("object.lead", "线索", "Lead"),
    ("object.opportunity", "商机", "Opportunity"),
    ("object.quote", "报价", "Quote"),
    ("object.contract", "合同", "Contract"),
    ("object.receivable", "回款", "Receivable"),
    ("object.ticket", "工单", "Ticket"),
    ("object.product", "产品", "Product"),
    ("object.approval", "审批", "Approval"),
    ("object.task", "任务", "Task"),
    ("object.report", "报表", "Report"),
    ("object.admin", "系统管理", "Administration"),
    ("kind.group", "集团", "Group"),
    ("kind.subsidiary", "子公司", "Subsidiary"),
    ("kind.branch", "分公司", "Branch"),
    ("kind.department", "部门", "Department"),
    ("kind.team", "小组", "Team"),
    ("poolcfg.new", "新建公海", "New pool"),
    ("poolcfg.edit", "设置公海：{name}", "Pool settings: {name}"),
    ("poolcfg.rules", "入池规则", "Entry rules"),
    ("poolcfg.summary", "规则摘要", "Rules"),
    ("poolcfg.summary_line", "每人最多持有 {held}，每日最多领取 {daily}，冷却 {cool} 天；{follow} 天未跟进或 {deal} 天未成交回收（0 表示不限）", "hold at most {held}, claim {daily} a day, cool-down {cool} days; recycle after {follow} days without follow-up or {deal} without a deal (0: no limit)"),
    ("poolcfg.max_held", "每人最多持有客户数（0 不限）", "Most customers held per person (0: no cap)"),
    ("poolcfg.max_daily", "每人每日最多领取数（0 不限）", "Most claims per person per day (0: no cap)"),
    ("poolcfg.cooldown", "原负责人再次领取冷却天数", "Days before the previous owner may claim again"),
    ("poolcfg.no_followup", "多少天未跟进自动回收（0 不回收）", "Recycle after days without follow-up (0: never)"),
    ("poolcfg.no_deal", "多少天未成交自动回收（0 不回收）", "Recycle after days without a deal (0: never)"),
    ("poolcfg.remind", "回收前几天提醒负责人", "Remind the owner this many days before"),
    ("poolcfg.skip_open", "有进行中商机的客户不回收", "Skip customers with an open deal"),
    ("poolcfg.by_level", "按客户级别的回收天数（未跟进 / 未成交；留空用默认）", "Recycle days by level (no follow-up / no deal; empty: the defaults)"),
    ("poolcfg.no_followup_short", "未跟进天数", "no follow-up"),
    ("poolcfg.no_deal_short", "未成交天数", "no deal"),
    ("poolcfg.member_units", "其他可见并可领取的组织", "Other units that may see and claim"),
    ("poolcfg.member_users", "其他可见并可领取的人员", "Other people who may see and claim"),
    ("poolcfg.add_rule", "添加规则", "Add rule"),
];

/// The text for `key`: from this table, or else the main one.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    crate::i18n::t_or_main(TEXTS, lang, key)
}

pub fn tr(key: &'static str) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    let lang = use_lang();
    move || t(lang.get(), key)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_texts_are_complete_in_both_languages() {
        crate::i18n::assert_complete(super::TEXTS);
    }
}
