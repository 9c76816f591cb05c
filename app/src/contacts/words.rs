//! Texts of the contacts page: they travel in its chunk, not in the first download.
//! Keys this table lacks fall back to the main table.

use leptos::prelude::*;

use crate::i18n::{use_lang, Lang, Texts};

pub const TEXTS: &Texts = &[
    ("contact.search", "姓名、电话或邮箱", "Name, phone or e-mail"),
    ("contact.customer", "所属客户", "Customer"),
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
