//! Texts of the customer pools page: they travel in its chunk, not in the first download.
//! Keys this table lacks fall back to the main table.

use crate::i18n::Texts;

pub const TEXTS: &Texts = &[
    ("pool.claimed", "已领取，客户已归入您的名下。", "Claimed: the customer is yours now."),
    ("pool.none", "您不属于任何公海。", "You are not a member of any pool."),
    ("pool.empty", "公海中暂无客户。", "No customers are waiting in this pool."),
    ("pool.assign_to", "分配", "Assign"),
    ("pool.assigned", "已分配。", "Assigned."),
];

crate::i18n::own_texts!();
