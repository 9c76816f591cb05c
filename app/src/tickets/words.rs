//! The ticket pages' texts (in those pages' chunks); keys this table lacks fall back to the main one.

use crate::i18n::{t_in, Lang, Texts};

pub const TEXTS: &Texts = &[
    ("tk.tickets", "工单", "Tickets"),
    ("tk.new", "新建工单", "New ticket"),
    ("tk.open_only", "只看未结", "Open only"),
    ("tk.any", "全部", "Any"),
    ("tk.none", "没有工单。", "No tickets."),
    ("tk.title", "标题", "Title"),
    ("tk.customer", "客户", "Customer"),
    ("tk.category", "类别", "Category"),
    ("tk.priority", "优先级", "Priority"),
    ("tk.status", "状态", "Status"),
    ("tk.due", "服务时限", "SLA due"),
    ("tk.owner", "处理人", "Assignee"),
    ("tk.description", "描述", "Description"),
    ("tk.resolution", "处理结果", "Resolution"),
    ("tk.save", "创建", "Create"),
    ("tk.cancel", "取消", "Cancel"),
    ("tk.pick", "请选择", "Choose"),
    ("tk.breached", "已超时", "SLA breached"),
    ("tk.back", "← 返回工单列表", "← Back to tickets"),
    ("tk.start", "开始处理", "Start work"),
    ("tk.resolve", "标记已解决", "Mark resolved"),
    ("tk.close", "关闭", "Close"),
    ("tk.reopen", "重新打开", "Reopen"),
    ("tk.cat.complaint", "投诉", "Complaint"),
    ("tk.cat.request", "服务请求", "Request"),
    ("tk.cat.fault", "故障", "Fault"),
    ("tk.pri.urgent", "紧急", "Urgent"),
    ("tk.pri.high", "高", "High"),
    ("tk.pri.normal", "普通", "Normal"),
    ("tk.pri.low", "低", "Low"),
    ("tk.st.open", "待处理", "Open"),
    ("tk.st.in_progress", "处理中", "In progress"),
    ("tk.st.resolved", "已解决", "Resolved"),
    ("tk.st.closed", "已关闭", "Closed"),
];

crate::i18n::own_texts!();

/// The word for a stored code ("complaint", "urgent", "in_progress").
pub fn code(lang: Lang, code: &str) -> &'static str {
    for prefix in ["tk.cat.", "tk.pri.", "tk.st."] {
        if let Some((k, _, _)) = TEXTS.iter().find(|(k, _, _)| k.strip_prefix(prefix) == Some(code)) {
            return t_in(TEXTS, lang, k);
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_texts_are_complete_in_both_languages() {
        assert_eq!(code(Lang::En, "in_progress"), "In progress");
        assert_eq!(code(Lang::Zh, "complaint"), "投诉");
    }
}
