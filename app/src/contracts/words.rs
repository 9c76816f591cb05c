//! The contracts pages' texts: they travel in those pages' chunks, not in the first download.
//! Keys this table lacks fall back to the main table.

use leptos::prelude::*;

use crate::i18n::{use_lang, Lang, Texts};

pub const TEXTS: &Texts = &[
    ("k.contracts", "合同", "Contracts"),
    ("k.receivables", "应收款", "Receivables"),
    ("k.new", "新建合同", "New contract"),
    ("k.all_states", "全部状态", "All states"),
    ("k.state.draft", "草稿", "Draft"),
    ("k.state.pending", "审批中", "Under approval"),
    ("k.state.approved", "已批准，待签订", "Approved, to sign"),
    ("k.state.signed", "已签订", "Signed"),
    ("k.number", "合同编号", "Number"),
    ("k.title", "合同名称", "Title"),
    ("k.customer", "客户", "Customer"),
    ("k.state", "状态", "State"),
    ("k.amount", "金额", "Amount"),
    ("k.received", "已回款", "Received"),
    ("k.outstanding", "未回款", "Outstanding"),
    ("k.owner", "负责人", "Owner"),
    ("k.none", "没有合同。", "No contracts."),
    ("k.more", "加载更多", "Load more"),
    ("k.hidden", "—", "—"),
    ("k.lines", "产品明细", "Lines"),
    ("k.product", "产品", "Product"),
    ("k.quantity", "数量", "Qty"),
    ("k.unit_price", "单价", "Unit price"),
    ("k.discount", "折扣 %", "Discount %"),
    ("k.line_amount", "小计", "Line total"),
    ("k.add_line", "添加产品", "Add product"),
    ("k.remove", "删除", "Remove"),
    ("k.plan", "回款计划", "Payment plan"),
    ("k.due", "到期日", "Due"),
    ("k.add_instalment", "添加分期", "Add instalment"),
    ("k.terms", "条款", "Terms"),
    ("k.total", "合同金额", "Contract amount"),
    ("k.planned", "计划合计", "Planned in all"),
    ("k.save", "保存草稿", "Save draft"),
    ("k.cancel", "取消", "Cancel"),
    ("k.pick", "请选择", "Choose"),
    ("k.bad_number", "数量、折扣和金额须为数字（金额最多两位小数）。", "Quantities, discounts and amounts must be numbers (amounts with at most two decimals)."),
    ("k.submit", "提交审批", "Submit for approval"),
    ("k.sign", "标记为已签订", "Mark as signed"),
    ("k.approval", "审批记录", "Approval"),
    ("k.rejected", "上次审批被驳回：", "The last approval was rejected: "),
    ("k.back", "← 返回合同列表", "← Back to contracts"),
    ("k.seq", "期", "No."),
    ("k.overdue", "已逾期", "Overdue"),
    ("k.receipts", "回款记录", "Receipts"),
    ("k.no_receipts", "还没有回款。", "No receipts yet."),
    ("k.record", "登记回款", "Record receipt"),
    ("k.received_on", "到账日期", "Date received"),
    ("k.method", "方式", "Method"),
    ("k.reference", "流水号", "Reference"),
    ("k.recorded_by", "登记人", "Recorded by"),
    ("k.method.bank_transfer", "银行转账", "Bank transfer"),
    ("k.method.cash", "现金", "Cash"),
    ("k.method.cheque", "支票", "Cheque"),
    ("k.method.online", "在线支付", "Online payment"),
    ("k.method.other", "其他", "Other"),
    ("k.save_receipt", "确认登记", "Record it"),
    ("k.recorded", "已登记。", "Recorded."),
    ("k.recorded_before", "这张表单已登记过，未重复记录。", "This form was already recorded; nothing was recorded twice."),
    ("k.reverse", "冲销", "Reverse"),
    ("k.reverse_reason", "冲销原因（必填）", "Reason for reversing (required)"),
    ("k.confirm_reverse", "确认冲销", "Reverse with this reason"),
    ("k.reversed", "已冲销：", "Reversed: "),
    ("k.overdue_only", "只看逾期", "Overdue only"),
    ("k.open_only", "只看未结清", "Outstanding only"),
    ("k.no_receivables", "没有未结清的应收款。", "No open receivables."),
    ("k.totals", "应收 {due} · 已收 {got} · 未收 {left}", "Receivable {due} · received {got} · outstanding {left}"),
    ("k.live", "有新的回款记录", "New receipts arrived"),
    ("k.terms_none", "（无）", "(none)"),
    ("k.invoices", "发票", "Invoices"),
    ("k.quotes", "报价", "Quotes"),
    ("k.new_quote", "新建报价", "New quote"),
    ("k.no_quotes", "没有报价。", "No quotes."),
    ("k.quote_state.draft", "草稿", "Draft"),
    ("k.quote_state.pending", "折扣审批中", "Discount under approval"),
    ("k.quote_state.approved", "已批准", "Approved"),
    ("k.submit_quote", "提交（折扣超出 {pct}% 需审批）", "Submit (discounts above {pct}% need approval)"),
    ("k.to_contract", "生成合同", "Make contract"),
    ("k.contract_made", "已生成合同", "Contract made"),
    ("k.print", "打印", "Print"),
    ("k.quote_doc", "报价单", "Quotation"),
    ("k.valid_until", "有效期至", "Valid until"),
    ("k.threshold", "报价折扣超过（%）需审批", "Quote discounts above (%) need approval"),
    ("k.set", "保存", "Save"),
    ("k.no_invoices", "还没有开票申请。", "No invoice requests yet."),
    ("k.request_invoice", "申请开票", "Request invoice"),
    ("k.note", "备注", "Note"),
    ("k.send_request", "提交申请", "Send request"),
    ("k.invoice.requested", "待开票", "Requested"),
    ("k.invoice.issued", "已开票", "Issued"),
    ("k.invoice.rejected", "已退回", "Rejected"),
    ("k.invoice_number", "发票号码", "Invoice number"),
    ("k.issued_on", "开票日期", "Date issued"),
    ("k.issue", "开具", "Issue"),
    ("k.reject_invoice", "退回", "Reject"),
    ("k.reject_reason", "退回原因（必填）", "Reason (required)"),
];

/// The text for `key`: from this table, or else the main one.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    crate::i18n::t_or_main(TEXTS, lang, key)
}

pub fn tr(key: &'static str) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    let lang = use_lang();
    move || t(lang.get(), key)
}

/// The key of a contract state's name.
pub fn state_key(state: &str) -> &'static str {
    match state {
        "draft" => "k.state.draft",
        "pending" => "k.state.pending",
        "approved" => "k.state.approved",
        _ => "k.state.signed",
    }
}

pub fn method_key(method: &str) -> &'static str {
    match method {
        "bank_transfer" => "k.method.bank_transfer",
        "cash" => "k.method.cash",
        "cheque" => "k.method.cheque",
        "online" => "k.method.online",
        _ => "k.method.other",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_texts_are_complete_in_both_languages() {
        crate::i18n::assert_complete(super::TEXTS);
    }
}
