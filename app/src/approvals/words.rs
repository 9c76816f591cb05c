//! How approval states, history actions and document types read in each language. The engine
//! stores them as plain codes; a code this list does not know shows as it is.

use domain_types::approvals::DocType;

use crate::i18n::{Lang, Texts};

/// The approvals pages' texts: they travel in those pages' chunks, not in the first download.
pub const TEXTS: &Texts = &[
    ("appr.waiting", "待我审批", "Waiting for me"),
    ("appr.submitted", "我提交的", "Submitted by me"),
    ("appr.decided", "我已审批", "Decided by me"),
    ("appr.all_types", "全部类型", "All types"),
    ("appr.type.customer_transfer", "客户转移", "Customer transfer"),
    ("appr.type.expense_request", "折扣/费用申请", "Discount / expense request"),
    ("appr.type.contract", "合同", "Contract"),
    ("appr.type.quote", "报价", "Quote"),
    ("appr.from", "提交日期从", "Submitted from"),
    ("appr.until", "至", "until"),
    ("appr.none", "这里没有审批。", "Nothing here."),
    ("appr.more", "加载更多", "Load more"),
    ("appr.open", "打开", "Open"),
    ("appr.back", "← 返回审批列表", "← Back to approvals"),
    ("appr.approve", "同意", "Approve"),
    ("appr.reject", "驳回", "Reject"),
    ("appr.reason", "驳回理由（必填）", "Reason for rejecting (required)"),
    ("appr.confirm_reject", "确认驳回", "Reject with this reason"),
    ("appr.comment", "审批意见（可选）", "Comment (optional)"),
    ("appr.withdraw", "撤回", "Withdraw"),
    ("appr.doc_type", "单据类型", "Document"),
    ("appr.submitter", "提交人", "Submitted by"),
    ("appr.progress", "进度", "Progress"),
    ("appr.step", "第 {n}/{m} 步", "step {n} of {m}"),
    ("appr.version", "流程版本 {n}", "flow version {n}"),
    ("appr.due", "期限", "due"),
    ("appr.history", "审批记录", "History"),
    ("appr.step_col", "步骤", "Step"),
    ("appr.asked", "审批人", "Asked"),
    ("appr.state", "状态", "State"),
    ("appr.when", "时间", "When"),
    ("appr.comment_col", "意见", "Comment"),
    ("appr.amount", "金额", "Amount"),
    ("appr.discount", "折扣", "Discount"),
    ("appr.product_line", "产品线", "Product line"),
    ("appr.body", "说明", "Details"),
    ("appr.reject_reason", "驳回理由", "Reason for rejection"),
    ("appr.state.pending", "审批中", "pending"),
    ("appr.state.approved", "已通过", "approved"),
    ("appr.state.rejected", "已驳回", "rejected"),
    ("appr.state.withdrawn", "已撤回", "withdrawn"),
    ("appr.state.returned", "已退回", "returned"),
    ("appr.state.delegated", "已转交", "delegated"),
    ("appr.state.closed", "无需处理", "closed"),
    ("appr.state.escalated", "已超时转交", "escalated"),
    ("appr.state.draft", "草稿", "draft"),
    ("appr.act.submit", "提交", "submitted"),
    ("appr.act.approve", "同意", "approved"),
    ("appr.act.reject", "驳回", "rejected"),
    ("appr.act.return", "退回", "returned it"),
    ("appr.act.withdraw", "撤回", "withdrew it"),
    ("appr.act.delegate", "转交", "delegated"),
    ("appr.act.comment", "评论", "commented"),
    ("appr.act.escalate", "超时升级", "escalated"),
    ("appr.act.remind", "超时提醒", "reminded"),
    ("appr.act.skip", "跳过（本步无需审批）", "skipped (no approver needed)"),
];

crate::i18n::own_texts!();

pub fn doc_type_key(doc_type: DocType) -> &'static str {
    match doc_type {
        DocType::CustomerTransfer => "appr.type.customer_transfer",
        DocType::ExpenseRequest => "appr.type.expense_request",
        DocType::Contract => "appr.type.contract",
        DocType::Quote => "appr.type.quote",
    }
}

/// An approval's or an approver's state: pending, approved, rejected, ...
pub fn state_text(lang: Lang, state: &str) -> String {
    let key = match state {
        "pending" => "appr.state.pending",
        "approved" => "appr.state.approved",
        "rejected" => "appr.state.rejected",
        "withdrawn" => "appr.state.withdrawn",
        "returned" => "appr.state.returned",
        "delegated" => "appr.state.delegated",
        "closed" => "appr.state.closed",
        "escalated" => "appr.state.escalated",
        "draft" => "appr.state.draft",
        other => return other.to_string(),
    };
    t(lang, key).to_string()
}

/// A line of the history: submitted, approved, delegated, ...
pub fn action_text(lang: Lang, action: &str) -> String {
    let key = match action {
        "submit" => "appr.act.submit",
        "approve" => "appr.act.approve",
        "reject" => "appr.act.reject",
        "return" => "appr.act.return",
        "withdraw" => "appr.act.withdraw",
        "delegate" => "appr.act.delegate",
        "comment" => "appr.act.comment",
        "escalate" => "appr.act.escalate",
        "remind" => "appr.act.remind",
        "skip" => "appr.act.skip",
        other => return other.to_string(),
    };
    t(lang, key).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_the_engine_writes_has_words_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            for state in ["pending", "approved", "rejected", "withdrawn", "returned", "delegated", "closed", "escalated", "draft"] {
                assert!(!state_text(lang, state).starts_with("appr."), "{state}");
            }
            for action in ["submit", "approve", "reject", "return", "withdraw", "delegate", "comment", "escalate", "remind", "skip"] {
                assert!(!action_text(lang, action).starts_with("appr."), "{action}");
            }
            for d in DocType::ALL {
                assert!(!t(lang, doc_type_key(*d)).starts_with("appr."), "{d:?}");
            }
        }
        assert_eq!(state_text(Lang::Zh, "approved"), "已通过");
        assert_eq!(state_text(Lang::En, "something_new"), "something_new");
    }
}

#[cfg(test)]
mod texts {
    use super::*;

    #[test]
    fn approvals_texts_are_complete_and_shared_ones_still_found() {
        assert_eq!(t(Lang::En, "appr.approve"), "Approve");
        assert_eq!(t(Lang::Zh, "appr.approve"), "同意");
        assert_eq!(t(Lang::En, "shell.loading"), crate::i18n::t(Lang::En, "shell.loading"));
        for d in DocType::ALL {
            assert_ne!(t(Lang::En, doc_type_key(*d)), doc_type_key(*d));
        }
    }
}
