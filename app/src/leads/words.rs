//! Texts of the leads pages: they travel in those pages' chunks, not in the first download.
//! Keys this table lacks fall back to the main table.

use leptos::prelude::*;

use crate::i18n::{use_lang, Lang, Texts};

pub const TEXTS: &Texts = &[
    ("lead.title", "线索", "Leads"),
    ("lead.count", "共 {n} 条线索", "{n} leads"),
    ("lead.empty", "没有可见的线索。", "No leads you can see."),
    ("lead.name", "姓名", "Name"),
    ("lead.note", "备注", "Note"),
    ("lead.region", "地区", "Region"),
    ("lead.status", "状态", "Status"),
    ("lead.status_new", "待分配", "New"),
    ("lead.status_assigned", "已分配", "Assigned"),
    ("lead.status_following", "跟进中", "Following up"),
    ("lead.status_converted", "已转化", "Converted"),
    ("lead.status_disqualified", "无效", "Disqualified"),
    ("lead.unassigned", "待分配", "Unassigned"),
    ("lead.search", "姓名、公司或电话", "Name, company or phone"),
    ("lead.new", "新建线索", "New lead"),
    ("lead.keep", "分配给我", "Assign to me"),
    ("lead.by_rules", "按规则分配", "Assign by the rules"),
    ("lead.created_to", "线索已创建，已分配给 {owner}（{unit}）。", "Lead created and assigned to {owner} ({unit})."),
    ("lead.created_waiting", "线索已创建，在 {unit} 等待分配。", "Lead created; it waits for assignment in {unit}."),
    ("lead.import", "导入 CSV", "Import CSV"),
    ("lead.import_hint", "首行为表头：姓名、公司、职务、电话、邮箱、省份、城市、来源、备注（中英文均可）；最多 5000 行、1 MB。先预览，再导入。", "The first line names the columns: name, company, title, phone, email, province, city, source, note (Chinese or English); at most 5,000 rows and 1 MB. Preview first, then import."),
    ("lead.file", "CSV 文件", "CSV file"),
    ("lead.preview", "预览", "Preview"),
    ("lead.do_import", "确认导入", "Import"),
    ("lead.import_preview", "预览：将创建 {created} 条，无效 {invalid} 条，重复 {dup} 条。尚未保存。", "Preview: {created} would be created, {invalid} invalid, {dup} duplicates. Nothing is saved yet."),
    ("lead.import_done", "已导入 {created} 条，跳过无效 {invalid} 条、重复 {dup} 条。", "Imported {created}; skipped {invalid} invalid and {dup} duplicates."),
    ("lead.row", "行", "Row"),
    ("lead.outcome", "结果", "Outcome"),
    ("lead.will_go_to", "将分配给 {to}", "would go to {to}"),
    ("lead.went_to", "已创建，分配给 {to}", "created, assigned to {to}"),
    ("lead.waiting_in", "{unit}（待分配）", "{unit} (unassigned)"),
    ("lead.dup_existing", "电话与已有线索重复", "phone already held by a lead"),
    ("lead.dup_row", "电话与第 {row} 行重复", "same phone as row {row}"),
    ("lead.stats", "销售线索跟进情况", "Leads by salesperson"),
    ("lead.n_assigned", "分配", "Assigned"),
    ("lead.n_followed", "已跟进", "Followed up"),
    ("lead.n_converted", "已转化", "Converted"),
    ("lead.n_disqualified", "无效", "Disqualified"),
    ("lead.rate", "跟进率", "Follow-up rate"),
    ("lead.created_at", "创建时间", "Created"),
    ("lead.converted_to", "已转化为客户。", "Converted into a customer."),
    ("lead.open_customer", "打开客户", "Open the customer"),
    ("lead.disqualified_because", "已标记无效，原因：", "Disqualified because:"),
    ("lead.no_follow_ups", "暂无跟进记录。", "No follow-ups yet."),
    ("lead.back", "返回线索列表", "Back to the leads"),
    ("rule.title", "分配规则", "Assignment rules"),
    ("campaign.title", "市场活动", "Campaigns"),
    ("rule.hint", "新线索按优先级（小者优先）匹配第一条启用的规则，在目标组织及其下级中可拥有线索的人员间轮流分配；没有匹配的规则时留在创建人所在组织待分配。", "A new lead takes the first active rule that matches, lowest priority first, and goes round-robin to the people of the rule's unit and the units below it who may own leads; without a match it waits in its creator's unit."),
    ("rule.name", "规则名称", "Rule"),
    ("rule.match", "匹配", "Matches"),
    ("rule.any", "任意线索", "any lead"),
    ("rule.unit", "分配到组织（含下级）", "To unit (and below)"),
    ("rule.active", "启用", "Active"),
    ("rule.people", "可分配人数", "People"),
    ("rule.last", "上次分配给", "Last given to"),
    ("rule.add", "添加规则", "Add a rule"),
    ("rule.edit", "修改规则", "Change the rule"),
    ("rule.delete", "删除", "Delete"),
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
