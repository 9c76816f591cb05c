//! Texts of the comments under records: they travel in the chunks of the pages showing them, not
//! in the first download.
//! Keys this table lacks fall back to the main table.

use leptos::prelude::*;

use crate::i18n::{use_lang, Lang, Texts};

pub const TEXTS: &Texts = &[
    ("comment.title", "讨论", "Discussion"),
    ("comment.none", "还没有评论。", "No comments yet."),
    ("comment.placeholder", "写评论，输入 @ 提及同事…", "Write a comment; type @ to mention a colleague…"),
    ("comment.add", "发表", "Post"),
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
