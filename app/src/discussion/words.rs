//! Texts of the comments under records: they travel in the chunks of the pages showing them, not
//! in the first download.
//! Keys this table lacks fall back to the main table.

use crate::i18n::Texts;

pub const TEXTS: &Texts = &[
    ("comment.title", "讨论", "Discussion"),
    ("comment.none", "还没有评论。", "No comments yet."),
    ("comment.placeholder", "写评论，输入 @ 提及同事…", "Write a comment; type @ to mention a colleague…"),
    ("comment.add", "发表", "Post"),
];

crate::i18n::own_texts!();
