//! Simplified Chinese and English. The language comes from the `lang` cookie when the user chose
//! one, otherwise from the browser's Accept-Language; the switch in the header sets the cookie.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The value of the `<html lang>` attribute.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        if code.starts_with("zh") {
            Some(Lang::Zh)
        } else if code.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the first supported language of an Accept-Language header by quality; Chinese when
    /// nothing matches (the product's home market).
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (pos, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok()))
                .unwrap_or(1.0);
            if let Some(lang) = Lang::from_code(tag) {
                let better = match best {
                    None => true,
                    Some((bq, bpos, _)) => q > bq || (q == bq && pos < bpos),
                };
                if better && q > 0.0 {
                    best = Some((q, pos, lang));
                }
            }
        }
        best.map(|(_, _, l)| l).unwrap_or(Lang::Zh)
    }

    /// The language chosen by the `lang` cookie, if any, from a Cookie header.
    pub fn from_cookie_header(header: &str) -> Option<Lang> {
        header
            .split(';')
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Lang::from_code(v))
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// (key, 中文, English)
const TEXTS: &[(&str, &str, &str)] = &[
    ("app.name", "集团 CRM", "Group CRM"),
    ("app.tagline", "一个系统，所有部门", "Every department, one system"),
    ("login.title", "登录", "Sign in"),
    ("login.identifier", "登录名或邮箱", "Login name or e-mail"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Sign in"),
    ("login.submitting", "正在登录…", "Signing in…"),
    ("login.hint", "演示账号见 README（密码 demo1234）", "Demo logins are in the README (password demo1234)"),
    ("nav.dashboard", "工作台", "Dashboard"),
    ("nav.customers", "客户", "Customers"),
    ("nav.leads", "线索", "Leads"),
    ("nav.opportunities", "商机", "Opportunities"),
    ("nav.contracts", "合同", "Contracts"),
    ("nav.tickets", "工单", "Tickets"),
    ("nav.approvals", "审批", "Approvals"),
    ("nav.tasks", "任务", "Tasks"),
    ("nav.reports", "报表", "Reports"),
    ("nav.admin", "系统管理", "Admin"),
    ("nav.more", "更多", "More"),
    ("nav.close", "关闭", "Close"),
    ("shell.sign_out", "退出登录", "Sign out"),
    ("shell.profile", "个人设置与 API 令牌", "My profile and API tokens"),
    ("shell.language", "语言", "Language"),
    ("shell.loading", "加载中…", "Loading…"),
    ("shell.menu", "菜单", "Menu"),
    ("dash.welcome", "欢迎，{name}", "Welcome, {name}"),
    ("dash.your_unit", "所属组织", "Your unit"),
    ("dash.your_roles", "角色", "Roles"),
    ("dash.your_areas", "可用模块", "Your modules"),
    ("dash.no_roles", "尚未分配角色", "No role assigned yet"),
    ("err.unauthenticated", "请先登录。", "Please sign in."),
    ("err.invalid_credentials", "登录名或密码错误。", "Wrong login name or password."),
    ("err.rate_limited", "失败次数过多，请 {secs} 秒后再试。", "Too many failed attempts. Try again in {secs} s."),
    ("err.forbidden", "您没有权限访问此内容。", "You do not have permission to see this."),
    ("err.not_found", "找不到该内容。", "Not found."),
    ("err.conflict", "操作与现有数据冲突。", "This conflicts with existing data."),
    ("err.internal", "服务器出错了，请稍后再试。", "Something went wrong on the server. Please try again."),
    ("err.bad_request", "请求格式不正确。", "The request was malformed."),
    ("err.transport", "网络请求失败，请检查网络后重试。", "The request failed. Check your connection and try again."),
    ("err.read_only_field", "字段“{field}”为只读，修改未保存。", "The field “{field}” is read-only; nothing was saved."),
    ("err.unit_not_empty", "无法停用：该组织仍有 {users} 名在职用户、{records} 条记录和 {units} 个启用的下级组织。", "Cannot deactivate: the unit still has {users} active users, {records} records and {units} active sub-units."),
    ("field.name", "名称", "Name"),
    ("field.login", "登录名", "Login name"),
    ("field.email", "邮箱", "E-mail"),
    ("field.password", "密码", "Password"),
    ("field.parent", "上级组织", "Parent unit"),
    ("field.manager", "直属上级", "Manager"),
    ("field.unit", "组织", "Unit"),
    ("field.level", "级别", "Level"),
    ("field.display_name", "姓名", "Name"),
    ("field.address", "地址", "Address"),
    ("field.province", "省份", "Province"),
    ("field.source", "来源", "Source"),
    ("invalid.required", "必填", "is required"),
    ("invalid.too_long", "太长", "is too long"),
    ("invalid.too_short", "太短（至少 8 个字符）", "is too short (at least 8 characters)"),
    ("invalid.length", "长度应为 3–64 个字符", "must be 3–64 characters"),
    ("invalid.characters", "只能包含小写字母、数字和 . _ -", "may only contain a-z, 0-9, '.', '_' and '-'"),
    ("invalid.format", "格式不正确", "is not valid"),
    ("invalid.cycle", "不能形成循环（不能移到自身或下级之下）", "would create a cycle"),
    ("invalid.unknown", "不存在或已停用", "does not exist or is inactive"),
    ("invalid.cannot_disable_self", "不能停用自己的账号", "you cannot disable your own account"),
    ("invalid.in_the_past", "时间已过", "is in the past"),
    ("invalid.other", "输入无效", "is not valid"),
    ("cust.title", "客户", "Customers"),
    ("cust.count", "共 {n} 个客户", "{n} customers"),
    ("cust.more", "加载更多", "Load more"),
    ("cust.empty", "没有可见的客户。", "No customers you can see."),
    ("cust.name", "客户名称", "Name"),
    ("cust.city", "城市", "City"),
    ("cust.level", "级别", "Level"),
    ("cust.industry", "行业", "Industry"),
    ("cust.phone", "电话", "Phone"),
    ("cust.owner", "负责人", "Owner"),
    ("cust.unit", "所属组织", "Unit"),
    ("cust.pool", "公海", "Pool"),
    ("err.already_claimed", "该客户已被 {by} 领取。", "Already claimed by {by}."),
    ("err.limit_held", "已达到持有客户上限（{limit} 个），请先释放部分客户。", "You hold the maximum of {limit} customers; release some first."),
    ("err.limit_daily", "今日领取次数已达上限（{limit} 次）。", "You reached today's limit of {limit} claims."),
    ("err.cooling_down", "您刚释放过该客户，{until} 之后才能再次领取。", "You released this customer recently; you may claim it again after {until}."),
    ("err.already_in_pool", "该客户已在公海中。", "This customer is already in a pool."),
    ("err.no_pool", "没有可退回的公海，请联系管理员设置公海规则。", "There is no pool to return it to; ask an administrator to set up pool rules."),
    ("err.already_decided", "该审批已由 {by} 于 {at} 处理，您的操作未生效。", "Already decided by {by} at {at}; your decision was not applied."),
    ("err.under_approval", "该单据正在审批中（审批 #{id}），不能修改。请先撤回或等待审批结果。", "This document is under approval (approval #{id}) and cannot be changed. Withdraw it or wait for the decision."),
    ("err.cannot_read_document", "{name} 无权查看该单据，不能转交给TA。", "{name} may not read this document; it cannot be delegated to them."),
    ("err.no_flow", "该类单据尚未发布审批流程。", "No approval flow is published for this kind of document."),
    ("err.document_not_draft", "只有草稿状态的单据可以提交或修改。", "Only a draft can be submitted or changed."),
    ("err.withdraw_after_decision", "已有审批人处理，不能撤回。", "Someone has already decided; it can no longer be withdrawn."),
    ("err.approval_finished", "该审批已结束。", "This approval has ended."),
    ("err.no_earlier_step", "只能退回到之前的节点。", "You can only return it to an earlier step."),
    ("err.already_asked", "此人已是该节点的审批人。", "This person is already asked at this step."),
    ("err.no_approver", "找不到审批人（也没有可用的管理员），未提交。", "No approver found (and no active administrator); nothing was submitted."),
    ("err.flow_not_draft", "只有草稿版本可以发布。", "Only a draft version can be published."),
    ("err.contract_not_approved", "合同尚未审批通过，不能签订。", "The contract is not approved yet and cannot be signed."),
    ("err.contract_already_signed", "合同已经签订。", "The contract is already signed."),
    ("err.receipt_already_reversed", "这笔回款已经冲销。", "This receipt was already reversed."),
    ("err.idempotency_key_reused", "这张表单已经提交过不同的内容，请重新打开表单。", "This form was already submitted with different content; open the form again."),
    ("err.overpayment", "金额超过未收余额（尚欠 {left}），未记录。", "The amount exceeds what is outstanding ({left} left); nothing was recorded."),
    ("field.contract_title", "合同名称", "Contract title"),
    ("err.contract_not_signed", "合同签订后才能申请开票。", "Invoices are requested once the contract is signed."),
    ("err.invoice_already_decided", "这张发票已经处理过了。", "This invoice was already decided."),
    ("err.invoice_number_taken", "这个发票号码已经用过了。", "This invoice number is already used."),
    ("err.ticket_transition", "工单当前状态下不能这样操作（关闭前须先解决）。", "The ticket cannot move that way from its current status (resolve it before closing)."),
    ("field.invoice_number", "发票号码", "Invoice number"),
    ("field.issued_on", "开票日期", "Date issued"),
    ("field.terms", "条款", "Terms"),
    ("field.lines", "产品明细", "Lines"),
    ("field.quantity", "数量", "Quantity"),
    ("field.product", "产品", "Product"),
    ("field.instalments", "回款计划", "Payment plan"),
    ("field.instalment_amount", "分期金额", "Instalment amount"),
    ("field.due_date", "到期日", "Due date"),
    ("field.received_at", "到账日期", "Date received"),
    ("field.method", "收款方式", "Method"),
    ("field.reference", "流水号", "Reference"),
    ("field.idempotency_key", "表单标识", "Form key"),
    ("invalid.not_sellable", "不在您可销售的产品线内", "is not in a product line you may sell"),
    ("invalid.sum_mismatch", "各期金额之和必须等于合同金额", "instalments must add up to the contract amount"),
    ("invalid.mixed", "币种不一致", "currencies differ"),
    ("invalid.in_future", "不能晚于今天", "cannot be later than today"),
    ("pool.title", "公海", "Customer pools"),
    ("segment.title", "客户分群", "Segments"),
    ("pool.waiting", "{n} 个待领取客户", "{n} customers waiting"),
    ("pool.claim", "领取", "Claim"),
    ("pool.release", "退回公海", "Release to pool"),
    ("pool.reason", "原因", "Reason"),
    ("pool.released", "已退回公海。", "Released to the pool."),
    ("pool.assign", "分配给", "Assign to"),
    ("err.duplicate", "集团内已有同名或同电话的客户，请联系 {ask}。", "A customer with this name or phone already exists in the group; ask {ask}."),
    ("cust.search", "名称或电话", "Name or phone"),
    ("cust.filter", "筛选", "Filter"),
    ("cust.more_filters", "更多筛选与排序", "More filters and sort"),
    ("cust.new", "新建客户", "New customer"),
    ("cust.kind_company", "企业", "Company"),
    ("cust.kind_person", "个人", "Person"),
    ("cust.to_pool", "直接放入公海", "Put straight into the pool"),
    ("cust.created", "客户已创建。", "Customer created."),
    ("cust.open_existing", "打开已有客户", "Open the existing customer"),
    ("contact.title", "联系人", "Contacts"),
    ("contact.name", "姓名", "Name"),
    ("contact.job", "职务", "Title"),
    ("contact.none", "暂无联系人。", "No contacts yet."),
    ("fu.title", "跟进记录", "Follow-ups"),
    ("fu.log", "记录跟进", "Log follow-up"),
    ("fu.note", "跟进内容", "Note"),
    ("fu.next", "下次跟进", "Next follow-up"),
    ("fu.call", "电话", "Call"),
    ("fu.visit", "拜访", "Visit"),
    ("fu.email", "邮件", "E-mail"),
    ("fu.message", "消息", "Message"),
    ("lead.company", "公司", "Company"),
    ("lead.job", "职务", "Title"),
    ("lead.convert", "转化为客户", "Convert to customer"),
    ("lead.opportunity", "商机名称（可选）", "Opportunity (optional)"),
    ("lead.amount", "商机金额（元）", "Amount (CNY)"),
    ("lead.assign", "分配", "Assign"),
    ("lead.disqualify", "标记无效", "Disqualify"),
    ("rule.field", "匹配字段", "Field"),
    ("rule.value", "匹配值", "Value"),
    ("rule.priority", "优先级", "Priority"),
    ("lead.err_converted", "该线索已转化为客户，不能再操作。", "This lead has already been converted."),
    ("lead.err_disqualified", "该线索已标记为无效，不能再操作。", "This lead has been disqualified."),
    ("lead.field_file", "文件", "File"),
    ("lead.field_currency", "币种", "Currency"),
    ("lead.invalid_name_or_company", "请填写姓名或公司", "needs a name or a company"),
    ("lead.invalid_out_of_scope", "不在您可分配的范围内", "is outside the units you may assign to"),
    ("lead.invalid_too_large", "超过 1 MB", "is larger than 1 MB"),
    ("lead.invalid_too_many_rows", "超过 5000 行", "has more than 5,000 rows"),
    ("lead.invalid_no_name_column", "表头中没有“姓名”或“公司”列", "has no name or company column"),
    ("lead.invalid_empty", "没有数据行", "has no rows"),
    ("lead.invalid_unclosed_quote", "有未闭合的引号", "has an unclosed quote"),
    ("admin.org", "组织架构", "Org tree"),
    ("admin.users", "用户", "Users"),
    ("admin.roles", "角色权限", "Roles"),
    ("admin.explain", "权限解释", "Explain access"),
    ("admin.audit", "审计日志", "Audit log"),
    ("admin.create", "新建", "Create"),
    ("admin.save", "保存", "Save"),
    ("admin.cancel", "取消", "Cancel"),
    ("admin.inactive", "已停用", "inactive"),
    ("admin.kind", "类型", "Kind"),
    ("admin.head", "负责人", "Head"),
    ("admin.email", "邮箱", "E-mail"),
    ("admin.status", "状态", "Status"),
    ("admin.edit", "编辑", "Edit"),
    ("admin.field", "字段", "Field"),
    ("admin.user", "用户", "User"),
    ("admin.when", "时间", "When"),
    ("admin.who", "操作人", "Who"),
    ("admin.before", "修改前", "Before"),
    ("admin.all", "全部", "All"),
    ("object.customer", "客户", "Customer"),
    ("cust.id", "编号", "ID"),
    ("cust.new_rows", "有 {n} 项新变动，点击刷新列表", "{n} new changes; refresh the list"),
    ("cust.count_exactly", "精确计数", "Count exactly"),
    ("cust.tags", "标签", "Tags"),
    ("cust.last_follow_up", "最近跟进", "Last follow-up"),
    ("cust.updated", "更新时间", "Updated"),
    ("cust.sort", "排序", "Sort by"),
    ("cust.sort_created", "创建时间", "Created"),
    ("cust.sort_name", "名称", "Name"),
    ("cust.sort_updated", "更新时间", "Last updated"),
    ("cust.sort_follow_up", "最近跟进", "Last follow-up"),
    ("cust.descending", "倒序", "Descending"),
    ("cust.columns", "显示列", "Columns"),
    ("cust.reset", "清除筛选", "Clear filters"),
    ("cust.follow_before", "最近跟进早于", "Last follow-up before"),
    ("cust.follow_after", "最近跟进晚于", "Last follow-up after"),
    ("cust.status_active", "正常", "active"),
    ("cust.status_inactive", "停用", "inactive"),
    ("view.saved", "我的视图", "My views"),
    ("view.name", "视图名称", "View name"),
    ("view.save", "保存当前视图", "Save this view"),
    ("view.delete", "删除视图", "Delete view"),
    ("bulk.selected", "已选 {n} 个客户", "{n} selected"),
    ("bulk.clear", "取消选择", "Clear selection"),
    ("bulk.select_page", "选择本页全部", "Select this page"),
    ("bulk.assign", "批量分配", "Assign"),
    ("bulk.add_tag", "添加标签", "Add tag"),
    ("bulk.remove_tag", "移除标签", "Remove tag"),
    ("bulk.result", "已处理 {done} 个，无需变更 {unchanged} 个，未处理 {refused} 个。", "{done} done, {unchanged} already so, {refused} refused."),
    ("bulk.hidden_record", "一个您无权查看的客户", "a customer you cannot see"),
    ("bulk.not_found", "无权查看或不存在", "not visible to you"),
    ("bulk.forbidden", "您无权对其执行此操作", "you may not do this to it"),
    ("bulk.read_only", "字段只读", "the field is read-only for you"),
    ("export.selected", "导出所选", "Export selected"),
    ("export.csv", "导出 CSV", "Export CSV"),
    ("export.all", "导出全部结果", "Export all results"),
    ("export.result", "已导出 {rows} 个客户，{skipped} 个因权限未导出。", "Exported {rows} customers; {skipped} left out by permissions."),
    ("err.changed_meanwhile", "该客户已被他人修改，您的修改未保存。请刷新后再改。", "Someone changed this customer meanwhile; nothing was saved. Reload and edit again."),
    ("err.limit_views", "视图数量已达上限（{limit} 个）。", "You have the maximum of {limit} saved views."),
    ("invalid.not_readable", "您无权查看该字段，不能按它筛选", "is hidden from you and cannot be filtered on"),
    ("invalid.before_creation", "早于客户创建时间", "is before the customer was created"),
    ("invalid.too_many", "数量太多", "has too many entries"),
    ("field.tags", "标签", "Tags"),
    ("field.grade", "评级", "Grade"),
    ("field.comment", "评语", "Comment"),
    ("field.selection", "所选客户", "Selection"),
    ("field.date", "日期", "Date"),
    ("invalid.out_of_range", "超出允许范围", "is out of range"),
    ("field.max_held_per_user", "每人最多持有客户数", "Most customers held"),
    ("field.max_claims_per_day", "每日最多领取数", "Most claims per day"),
    ("field.cooldown_days", "冷却天数", "Cool-down days"),
    ("field.recycle_no_followup_days", "未跟进回收天数", "Days without follow-up"),
    ("field.recycle_no_deal_days", "未成交回收天数", "Days without a deal"),
    ("field.remind_days_before", "提前提醒天数", "Reminder days"),
    ("field.levels", "按级别回收天数", "Recycle days by level"),
    ("field.manager_levels", "上级层数", "Manager levels"),
    ("field.discount", "折扣", "Discount"),
    ("field.steps", "审批步骤", "Approval steps"),
    ("field.time_limit", "时限（小时）", "Time limit (hours)"),
    ("field.role", "角色", "Role"),
    ("invalid.same_user", "不能是您自己", "cannot be yourself"),
    ("notif.title", "通知", "Notifications"),
    ("notif.read_all", "全部已读", "Mark all read"),
    ("notif.mark_read", "标为已读", "Mark read"),
    ("notif.settings", "通知设置", "Settings"),
    ("notif.none", "没有通知。", "No notifications."),
    ("ev.ticket_assigned", "{who} 指派给您一张工单", "{who} assigned you a ticket"),
    ("ev.ticket_updated", "{who} 更新了工单", "{who} updated a ticket"),
    ("ev.ticket_sla_breached", "工单已超过服务时限", "A ticket is past its SLA"),
    ("field.ticket_title", "工单标题", "Ticket title"),
    ("field.quote_title", "报价名称", "Quote title"),
    ("err.quote_not_approved", "报价批准后才能生成合同。", "A contract is made from an approved quote only."),
    ("err.quote_already_contracted", "这份报价已经生成过合同。", "This quote already became a contract."),
    ("field.category", "类别", "Category"),
    ("field.resolution", "处理结果", "Resolution"),
    ("field.contract", "合同", "Contract"),
    ("field.contact", "联系人", "Contact"),
    ("err.opportunity_moved", "这个商机刚被他人移到了别的阶段，您的移动未执行。看板已刷新，请再试。", "Someone moved this opportunity to another stage meanwhile; your move was not made. The board is reloaded: try again."),
    ("field.lost_reason", "输单原因", "Reason for losing"),
    ("field.expected_close", "预计成交日期", "Expected close"),
    ("field.stage", "阶段", "Stage"),
    ("field.code", "代码", "Code"),
    ("field.probability", "赢率", "Win probability"),
    ("field.outcome", "结果", "Outcome"),
    ("field.month", "月份", "Month"),
    ("invalid.taken", "已被使用", "is already used"),
    ("err.stage_in_use", "这个阶段里还有商机，不能改变它的结果类型。", "This stage holds opportunities: its outcome cannot change."),
    ("err.stage_last_of_outcome", "这是该结果类型的最后一个阶段，不能改掉。", "This is the last stage of its outcome: it cannot change."),
    ("invalid.not_service", "不是客服人员", "is not in a service role"),
    ("invalid.not_of_customer", "不属于该客户", "does not belong to this customer"),
    ("live.reconnecting", "连接中断，正在重新连接…", "Connection lost, reconnecting…"),
    ("ev.system", "系统", "The system"),
    ("ev.assigned", "{who} 把客户交给了您", "{who} handed you a customer"),
    ("ev.lead_assigned", "{who} 给您分配了线索", "{who} assigned you a lead"),
    ("ev.released", "{who} 把客户退回了公海", "{who} released a customer to the pool"),
    ("ev.recycled", "客户已被自动回收到公海", "A customer was recycled to the pool"),
    ("ev.recycle_reminder", "客户即将被回收，请尽快跟进", "A customer will be recycled soon; follow up"),
    ("ev.claimed", "{who} 领取了客户", "{who} claimed a customer"),
    ("ev.follow_up", "{who} 记录了跟进", "{who} logged a follow-up"),
    ("ev.updated", "{who} 修改了客户资料", "{who} changed the customer"),
    ("ev.note", "{who} 添加了备注", "{who} added a note"),
    ("ev.assessment", "{who} 给出了评级", "{who} graded the customer"),
    ("ev.contact", "{who} 添加了联系人", "{who} added a contact"),
    ("ev.created", "{who} 新建了客户", "{who} created a customer"),
    ("ev.lead_converted", "{who} 转化了线索", "{who} converted a lead"),
    ("ev.lead_disqualified", "{who} 关闭了线索", "{who} disqualified a lead"),
    ("ev.task_assigned", "{who} 给您分配了任务", "{who} assigned you a task"),
    ("ev.task_done", "{who} 完成了任务", "{who} completed a task"),
    ("ev.task_due", "任务已到期", "A task is due"),
    ("ev.approval_waiting", "有待您审批的单据", "An approval waits for you"),
    ("ev.approval_reminder", "审批即将超时，请尽快处理", "An approval waiting for you is overdue"),
    ("ev.approval_escalated", "审批已超时，转由您处理", "An overdue approval was escalated to you"),
    ("ev.approval_decided", "您提交的单据有了审批意见", "A decision was made on your submission"),
    ("ev.approval_finished", "您提交的单据审批已结束", "The approval of your submission has ended"),
    ("ev.contract_signed", "{who} 签订了合同", "{who} signed the contract"),
    ("ev.receipt_recorded", "{who} 登记了回款", "{who} recorded a receipt"),
    ("ev.receipt_reversed", "{who} 冲销了一笔回款", "{who} reversed a receipt"),
    ("ev.receivable_overdue", "回款已逾期", "A receivable is overdue"),
    ("ev.invoice_requested", "{who} 申请开票", "{who} requested an invoice"),
    ("ev.invoice_issued", "{who} 已开具发票", "{who} issued the invoice"),
    ("ev.invoice_rejected", "{who} 退回了开票申请", "{who} rejected the invoice request"),
    ("ev.task_updated", "{who} 更新了任务", "{who} updated a task"),
    ("ev.comment", "{who} 发表了评论", "{who} commented"),
    ("ev.mention", "{who} 在评论中@了您", "{who} mentioned you"),
    ("ev.shared", "{who} 与您共享了记录", "{who} shared a record with you"),
    ("ev.other", "{who} 有新动态", "{who} made a change"),
    ("task.title_field", "任务", "Task"),
    ("task.description", "说明", "Description"),
    ("task.assignee", "负责人", "Assignee"),
    ("task.due", "截止日期", "Due"),
    ("task.progress", "进度", "Progress"),
    ("task.done", "已完成", "done"),
    ("comment.mentions", "提及的人", "Mentions"),
    ("err.mention_not_allowed", "{name} 无权查看此记录，不能@TA。评论未发表。", "{name} may not see this record and cannot be mentioned; nothing was posted."),
    ("notfound.title", "页面不存在", "Page not found"),
    ("notfound.body", "您要找的页面不存在或已被移动。", "The page you are looking for does not exist or has moved."),
    ("notfound.home", "返回工作台", "Back to the dashboard"),
    ("forbidden.title", "无权访问", "No access"),
    ("error.title", "出错了", "Something went wrong"),
    ("admin.flows", "审批流程", "Approval flows"),
    ("admin.prices", "价目表", "Price lists"),
    ("admin.webhooks", "Webhook", "Webhooks"),
    ("imp.link", "导入", "Import"),
];

/// A table of texts: key, Chinese, English.
pub type Texts = [(&'static str, &'static str, &'static str)];

/// The text for `key` in `lang`; the key itself when it is missing (visible, never a panic).
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    t_in(TEXTS, lang, key)
}

/// The text for `key` in a feature's own table. A lazily loaded page keeps its texts there so
/// they travel in its chunk, not in the first download.
pub fn t_in(table: &'static Texts, lang: Lang, key: &'static str) -> &'static str {
    match table.iter().find(|(k, _, _)| *k == key) {
        Some((_, zh, en)) => match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        None => key,
    }
}

/// The current language as a signal, provided at the root.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Lang>);

pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<I18n>().0
}

/// A reactive text from a feature's own table: `{tr_in(WORDS, "flow.save")}`.
pub fn tr_in(table: &'static Texts, key: &'static str) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    let lang = use_lang();
    move || t_in(table, lang.get(), key)
}

/// The text for `key` from a page's own table, or else from the main one.
pub fn t_or_main(table: &'static Texts, lang: Lang, key: &'static str) -> &'static str {
    if table.iter().any(|(k, _, _)| *k == key) {
        t_in(table, lang, key)
    } else {
        t(lang, key)
    }
}

/// Checks a feature's table the way the main one is checked: unique keys, both languages.
#[cfg(test)]
pub fn assert_complete(table: &Texts) {
    let mut keys = std::collections::HashSet::new();
    for (k, zh, en) in table {
        assert!(keys.insert(*k), "duplicate key {k}");
        assert!(!zh.is_empty() && !en.is_empty(), "{k} is missing a language");
    }
}

/// Gives a page's words module (one holding `TEXTS`) its `t` and `tr`, which look in that table
/// first and then in the main one, and the test that the table is complete.
macro_rules! own_texts {
    () => {
        /// The text for `key`: from this module's table, or else the main one.
        pub fn t(lang: $crate::i18n::Lang, key: &'static str) -> &'static str {
            $crate::i18n::t_or_main(TEXTS, lang, key)
        }

        /// A reactive text for views, this module's table first.
        pub fn tr(key: &'static str) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
            let lang = $crate::i18n::use_lang();
            move || t(::leptos::prelude::Get::get(&lang), key)
        }

        #[cfg(test)]
        mod own_texts {
            #[test]
            fn are_complete_in_both_languages() {
                $crate::i18n::assert_complete(super::TEXTS);
            }
        }
    };
}
pub(crate) use own_texts;

/// A reactive translated text for views: `{tr("nav.customers")}`.
pub fn tr(key: &'static str) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    let lang = use_lang();
    move || t(lang.get(), key)
}

/// The language of this render: on the server from the request, in the browser from `<html lang>`
/// (which the server wrote), so both render the same text and hydration matches.
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        if let Some(parts) = use_context::<http::request::Parts>() {
            return request_lang(&parts.headers);
        }
        Lang::Zh
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Lang::from_code(&l))
            .unwrap_or(Lang::Zh)
    }
}

#[cfg(feature = "ssr")]
pub fn request_lang(headers: &http::HeaderMap) -> Lang {
    let cookie = headers.get(http::header::COOKIE).and_then(|v| v.to_str().ok()).and_then(Lang::from_cookie_header);
    cookie.unwrap_or_else(|| {
        headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or(Lang::Zh)
    })
}

/// Switches the language, remembers it for a year, and updates `<html lang>`.
pub fn switch_lang(signal: RwSignal<Lang>, lang: Lang) {
    signal.set(lang);
    #[cfg(not(feature = "ssr"))]
    {
        use wasm_bindgen::JsCast;
        let doc = document();
        if let Ok(html) = doc.clone().dyn_into::<web_sys::HtmlDocument>() {
            let _ = html.set_cookie(&format!("lang={}; path=/; max-age=31536000; samesite=lax", lang.code()));
        }
        if let Some(root) = doc.document_element() {
            let _ = root.set_attribute("lang", lang.html_lang());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("fr-FR,en;q=0.5,zh;q=0.7"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("fr-FR"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("de;q=1, en-GB;q=0.3"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
    }

    #[test]
    fn cookie_choice_is_read() {
        assert_eq!(Lang::from_cookie_header("crm_session=abc; lang=en"), Some(Lang::En));
        assert_eq!(Lang::from_cookie_header("lang=zh"), Some(Lang::Zh));
        assert_eq!(Lang::from_cookie_header("golang=en"), None);
        assert_eq!(Lang::from_cookie_header("lang=xx"), None);
    }

    #[test]
    fn every_text_has_both_languages_and_keys_are_unique() {
        let mut keys = std::collections::HashSet::new();
        for (k, zh, en) in TEXTS {
            assert!(keys.insert(*k), "duplicate key {k}");
            assert!(!zh.is_empty() && !en.is_empty(), "{k} is missing a language");
        }
        assert_eq!(t(Lang::En, "nav.customers"), "Customers");
        assert_eq!(t(Lang::Zh, "nav.customers"), "客户");
    }
}
