//! Texts of the customer pools page: they travel in its chunk, not in the first download.
//! Keys this table lacks fall back to the main table.

use leptos::prelude::*;

use crate::i18n::{use_lang, Lang, Texts};

pub const TEXTS: &Texts = &[
    ("pool.claimed", "已领取，客户已归入您的名下。", "Claimed: the customer is yours now."),
    ("pool.none", "您不属于任何公海。", "You are not a member of any pool."),
    ("pool.empty", "公海中暂无客户。", "No customers are waiting in this pool."),
    ("pool.assign_to", "分配", "Assign"),
    ("pool.assigned", "已分配。", "Assigned."),
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
