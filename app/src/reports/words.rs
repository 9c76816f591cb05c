//! The dashboard's words in both languages: titles, and each figure's name (the figures' names
//! in `domain_types::reports::FIGURES` are the keys).

use domain_types::reports::FIGURES;

use crate::i18n::{t_or_main, Lang, Texts};

const TEXTS: &Texts = &[
    ("rep.title", "经营看板", "Dashboard"),
    ("rep.period", "期间", "Period"),
    ("rep.month", "月", "Month"),
    ("rep.quarter", "季度", "Quarter"),
    ("rep.year", "年", "Year"),
    ("rep.custom", "自定义", "Custom"),
    ("rep.from", "从", "From"),
    ("rep.to", "至", "To"),
    ("rep.currency", "币种", "Currency"),
    ("rep.show", "查看", "Show"),
    ("rep.total", "合计", "Total"),
    ("rep.name", "单元 / 人员", "Unit / person"),
    ("rep.unassigned", "未分配", "Unassigned"),
    ("rep.table", "数据表", "Table"),
    ("rep.export", "导出 CSV", "Export CSV"),
    ("rep.targets", "目标", "Targets"),
    ("rep.hidden", "—", "—"),
    ("customers_new", "新增客户", "New customers"),
    ("leads_new", "新增线索", "New leads"),
    ("leads_converted", "线索转化", "Leads converted"),
    ("follow_ups", "跟进次数", "Follow-ups"),
    ("pipeline_count", "进行中商机", "Open opportunities"),
    ("pipeline_minor", "商机金额", "Pipeline"),
    ("forecast_minor", "预测成交", "Forecast"),
    ("target_minor", "目标", "Target"),
    ("contracts_signed", "签约合同", "Contracts signed"),
    ("signed_minor", "签约金额", "Signed"),
    ("planned_minor", "计划回款", "Planned receipts"),
    ("received_minor", "实际回款", "Received"),
    ("overdue_minor", "逾期未回", "Overdue"),
    ("tickets_opened", "新建工单", "Tickets opened"),
    ("sla_breaches", "超时工单", "SLA breaches"),
    ("pool_claims", "公海领取", "Pool claims"),
    ("pool_recycles", "自动回收", "Pool recycles"),
    ("chart.sales", "签约与目标", "Signed vs target"),
    ("chart.cash", "回款与计划", "Receipts vs plan"),
    ("chart.pipeline", "商机阶段", "Pipeline by stage"),
    ("chart.activity", "客户与线索", "Customers and leads"),
];

pub fn text(lang: Lang, key: &'static str) -> &'static str {
    t_or_main(TEXTS, lang, key)
}

/// The figure's title in a language; figure names are the keys of [`TEXTS`].
pub fn figure_title(lang: Lang, name: &str) -> &'static str {
    FIGURES.iter().find(|f| **f == name).map(|f| text(lang, f)).unwrap_or("")
}
