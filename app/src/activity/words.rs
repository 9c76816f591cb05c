//! Texts of the customer activity panels (follow-ups, timeline, contacts): they travel in the chunks of
//! the pages showing them, not in the first download.
//! Keys this table lacks fall back to the main table.

use crate::i18n::Texts;

pub const TEXTS: &Texts = &[
    ("contact.add", "添加联系人", "Add contact"),
    ("tl.create", "创建客户", "created"),
    ("tl.claim", "从公海领取", "claimed from the pool"),
    ("tl.release", "退回公海", "released to the pool"),
    ("tl.recycle", "自动回收到公海", "recycled to the pool"),
    ("tl.recycle_reminder", "回收提醒", "recycle reminder"),
    ("tl.assign", "分配", "assigned"),
    ("tl.pool_enter", "进入公海", "entered the pool"),
    ("tl.contact_added", "添加联系人", "contact added"),
];

crate::i18n::own_texts!();
