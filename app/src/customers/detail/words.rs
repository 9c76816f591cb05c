//! Texts of the customer 360 page: they travel in its chunk, not in the first download.
//! Keys this table lacks fall back to the main table.

use crate::i18n::Texts;

pub const TEXTS: &Texts = &[
    ("share.title", "共享与协作", "Shares"),
    ("share.with", "共享给", "Share with"),
    ("share.access", "权限", "Access"),
    ("share.read", "只读", "read"),
    ("share.edit", "可编辑", "edit"),
    ("share.until", "有效期至", "until"),
    ("share.add", "共享", "Share"),
    ("share.revoke", "取消共享", "Revoke"),
    ("share.transfer_to", "转移给", "Transfer to"),
    ("share.transfer", "转移", "Transfer"),
    ("cust.no_tags", "暂无标签", "No tags"),
    ("cust.back", "返回客户列表", "Back to customers"),
    ("cust.details", "客户资料", "Details"),
    ("grade.title", "各部门评级", "Assessments by unit"),
    ("grade.none", "还没有部门评级。", "No unit has assessed this customer yet."),
    ("grade.earlier", "历史评级", "Earlier grades"),
    ("grade.for", "以 {unit} 的名义评级", "Grade for {unit}"),
    ("grade.comment", "评语", "Comment"),
    ("grade.add", "提交评级", "Add grade"),
    ("note.title", "备注", "Notes"),
    ("note.placeholder", "写一条备注…", "Write a note…"),
    ("note.private", "仅自己可见", "Only me"),
    ("note.private_badge", "私人", "private"),
    ("note.add", "添加备注", "Add note"),
    ("note.delete", "删除", "Delete"),
    ("hist.title", "字段变更历史", "Field history"),
    ("hist.none", "还没有字段变更。", "No field has changed yet."),
    ("hist.as_of", "查看某日的资料", "Show as of"),
    ("hist.show", "查看", "Show"),
    ("cust.changed_while_editing", "您编辑期间此客户已被他人修改；保存或取消后将显示最新内容。", "Someone changed this customer while you edit; the latest shows once you save or cancel."),
    ("opp.open", "进行中", "open"),
    ("opp.won", "赢单", "won"),
    ("opp.lost", "输单", "lost"),
];

crate::i18n::own_texts!();
