//! Texts of the task pages: they travel in those pages' chunks, not in the first download.
//! Keys this table lacks fall back to the main table.

use crate::i18n::Texts;

pub const TEXTS: &Texts = &[
    ("task.new", "分配任务", "Assign a task"),
    ("task.priority", "优先级", "Priority"),
    ("task.assign", "分配", "Assign"),
    ("task.none", "没有任务。", "No tasks."),
    ("task.mine", "我的任务", "My tasks"),
    ("task.assigned_by_me", "我分配的", "Assigned by me"),
    ("task.team", "团队任务", "My units' tasks"),
    ("task.open_only", "只看未完成", "Open only"),
    ("task.overdue_only", "只看逾期", "Overdue only"),
    ("task.overdue", "已逾期", "overdue"),
    ("task.open", "未开始", "open"),
    ("task.in_progress", "进行中", "in progress"),
    ("task.cancelled", "已取消", "cancelled"),
    ("task.low", "低", "low"),
    ("task.normal", "普通", "normal"),
    ("task.high", "高", "high"),
    ("task.urgent", "紧急", "urgent"),
];

crate::i18n::own_texts!();
