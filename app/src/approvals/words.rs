//! How approval states, history actions and document types read in each language. The engine
//! stores them as plain codes; a code this list does not know shows as it is.

use domain_types::approvals::DocType;

use crate::i18n::{t, Lang};

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
