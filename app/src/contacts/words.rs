//! Texts of the contacts page: they travel in its chunk, not in the first download.
//! Keys this table lacks fall back to the main table.

use crate::i18n::Texts;

pub const TEXTS: &Texts = &[
    ("contact.search", "姓名、电话或邮箱", "Name, phone or e-mail"),
    ("contact.customer", "所属客户", "Customer"),
];

crate::i18n::own_texts!();
