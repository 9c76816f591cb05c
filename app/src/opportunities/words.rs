//! The opportunity pages' texts (in those pages' chunks); keys this table lacks fall back to the
//! main one.

use crate::i18n::Texts;

pub const TEXTS: &Texts = &[
    ("pipe.title", "商机", "Opportunities"),
    ("pipe.board", "销售漏斗", "Pipeline"),
    ("pipe.forecast", "销售预测", "Forecast"),
    ("pipe.new", "新建商机", "New opportunity"),
    ("pipe.customer", "客户", "Customer"),
    ("pipe.pick", "请选择", "Choose"),
    ("pipe.name", "商机名称", "Name"),
    ("pipe.amount", "金额（元）", "Amount"),
    ("pipe.currency", "币种", "Currency"),
    ("pipe.close", "预计成交日期", "Expected close"),
    ("pipe.save", "创建", "Create"),
    ("pipe.cancel", "取消", "Cancel"),
    ("pipe.stage", "阶段", "Stage"),
    ("pipe.more", "另有 {n} 个未显示", "{n} more not shown"),
    ("pipe.empty_column", "暂无商机", "No opportunities"),
    ("pipe.no_stages", "还没有配置商机阶段。", "No stages are configured yet."),
    ("pipe.closes", "预计 {date} 成交", "Closes {date}"),
    ("pipe.no_close", "未定成交日期", "No close date"),
    ("pipe.lost_ask", "移到「{stage}」需要填写输单原因：", "Moving to “{stage}” needs a reason:"),
    ("pipe.lost_confirm", "确认移动", "Move"),
    ("pipe.lost_cancel", "取消", "Cancel"),
    ("pipe.lost_was", "原因：{reason}", "Reason: {reason}"),
    ("pipe.drag_hint", "拖动卡片，或用卡片上的阶段列表移动商机。", "Drag a card, or use its stage list, to move an opportunity."),
    ("pipe.from_month", "起始月份", "From month"),
    ("pipe.months", "共 {n} 个月", "{n} months"),
    ("pipe.month", "月份", "Month"),
    ("pipe.unit", "组织", "Unit"),
    ("pipe.deals", "商机数", "Opportunities"),
    ("pipe.unweighted", "金额合计", "Total amount"),
    ("pipe.weighted", "加权金额", "Weighted amount"),
    ("pipe.total", "合计", "Total"),
    ("pipe.stages", "商机阶段设置", "Pipeline stages"),
    ("pipe.stage_code", "代码", "Code"),
    ("pipe.stage_zh", "中文名", "Chinese name"),
    ("pipe.stage_en", "英文名", "English name"),
    ("pipe.stage_probability", "赢率 %", "Win %"),
    ("pipe.stage_position", "顺序", "Order"),
    ("pipe.stage_outcome", "结果", "Outcome"),
    ("pipe.outcome_open", "进行中", "Open"),
    ("pipe.outcome_won", "赢单", "Won"),
    ("pipe.outcome_lost", "输单", "Lost"),
    ("pipe.stage_save", "保存", "Save"),
    ("pipe.stage_add", "添加阶段", "Add stage"),
    ("pipe.no_forecast", "这几个月没有预计成交的商机。", "No opportunities are expected to close in these months."),
];

crate::i18n::own_texts!();

/// A win probability in basis points as a percentage: "60%", "12.5%".
pub fn percent(bp: i64) -> String {
    if bp % 100 == 0 {
        format!("{}%", bp / 100)
    } else {
        let text = format!("{}.{:02}", bp / 100, bp % 100);
        format!("{}%", text.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn its_texts_and_shared_ones_are_found() {
        assert_eq!(t(Lang::En, "pipe.weighted"), "Weighted amount");
        assert_eq!(t(Lang::Zh, "nav.opportunities"), "商机");
    }

    #[test]
    fn probabilities_read_as_percentages() {
        assert_eq!(percent(6000), "60%");
        assert_eq!(percent(1250), "12.5%");
        assert_eq!(percent(0), "0%");
        assert_eq!(percent(10000), "100%");
    }
}
