//! Texts of the notification centre's page (the bell in the header keeps its own in the main
//! table): they travel in its chunk, not in the first download.
//! Keys this table lacks fall back to the main table.

use crate::i18n::Texts;

pub const TEXTS: &Texts = &[
    ("ncat.assigned", "分配给我的记录", "Records assigned to me"),
    ("ncat.pool", "公海：退回、回收与提醒", "Pools: releases, recycling, reminders"),
    ("ncat.activity", "我负责的记录有新动态", "Activity on my records"),
    ("ncat.tasks", "任务", "Tasks"),
    ("ncat.comments", "评论", "Comments"),
    ("ncat.mentions", "@我的", "Mentions of me"),
    ("ncat.approvals", "审批", "Approvals"),
    ("ncat.sales", "合同与回款", "Contracts and receipts"),
    ("ncat.service", "客服工单", "Service tickets"),
    ("ncat.shares", "共享给我的", "Shared with me"),
];

crate::i18n::own_texts!();
