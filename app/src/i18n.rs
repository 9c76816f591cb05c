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
    ("nav.approvals", "审批", "Approvals"),
    ("nav.tasks", "任务", "Tasks"),
    ("nav.reports", "报表", "Reports"),
    ("nav.admin", "系统管理", "Admin"),
    ("nav.more", "更多", "More"),
    ("nav.close", "关闭", "Close"),
    ("shell.sign_out", "退出登录", "Sign out"),
    ("shell.language", "语言", "Language"),
    ("shell.loading", "加载中…", "Loading…"),
    ("shell.menu", "菜单", "Menu"),
    ("dash.welcome", "欢迎，{name}", "Welcome, {name}"),
    ("dash.your_unit", "所属组织", "Your unit"),
    ("dash.your_roles", "角色", "Roles"),
    ("dash.your_areas", "可用模块", "Your modules"),
    ("dash.no_roles", "尚未分配角色", "No role assigned yet"),
    ("area.coming", "此模块正在建设中，将在后续版本中提供。", "This module is being built and arrives in a later release."),
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
    ("admin.via_pool", "公海 #{id} 的成员", "member of pool #{id}"),
    ("pool.title", "公海", "Customer pools"),
    ("pool.waiting", "{n} 个待领取客户", "{n} customers waiting"),
    ("pool.claim", "领取", "Claim"),
    ("pool.claimed", "已领取，客户已归入您的名下。", "Claimed: the customer is yours now."),
    ("pool.none", "您不属于任何公海。", "You are not a member of any pool."),
    ("pool.empty", "公海中暂无客户。", "No customers are waiting in this pool."),
    ("pool.release", "退回公海", "Release to pool"),
    ("pool.reason", "原因", "Reason"),
    ("pool.released", "已退回公海。", "Released to the pool."),
    ("pool.assign", "分配给", "Assign to"),
    ("err.duplicate", "集团内已有同名或同电话的客户，请联系 {ask}。", "A customer with this name or phone already exists in the group; ask {ask}."),
    ("cust.search", "名称或电话", "Name or phone"),
    ("cust.filter", "筛选", "Filter"),
    ("cust.new", "新建客户", "New customer"),
    ("cust.kind_company", "企业", "Company"),
    ("cust.kind_person", "个人", "Person"),
    ("cust.to_pool", "直接放入公海", "Put straight into the pool"),
    ("cust.created", "客户已创建。", "Customer created."),
    ("cust.open_existing", "打开已有客户", "Open the existing customer"),
    ("contact.title", "联系人", "Contacts"),
    ("contact.add", "添加联系人", "Add contact"),
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
    ("tl.create", "创建客户", "created"),
    ("tl.claim", "从公海领取", "claimed from the pool"),
    ("tl.release", "退回公海", "released to the pool"),
    ("tl.recycle", "自动回收到公海", "recycled to the pool"),
    ("tl.recycle_reminder", "回收提醒", "recycle reminder"),
    ("tl.assign", "分配", "assigned"),
    ("tl.pool_enter", "进入公海", "entered the pool"),
    ("tl.contact_added", "添加联系人", "contact added"),
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
    ("admin.org", "组织架构", "Org tree"),
    ("admin.users", "用户", "Users"),
    ("admin.roles", "角色权限", "Roles"),
    ("admin.explain", "权限解释", "Explain access"),
    ("admin.audit", "审计日志", "Audit log"),
    ("admin.create", "新建", "Create"),
    ("admin.save", "保存", "Save"),
    ("admin.cancel", "取消", "Cancel"),
    ("admin.preview", "预览影响", "Preview impact"),
    ("admin.confirm", "确认保存", "Confirm and save"),
    ("admin.saved", "已保存。", "Saved."),
    ("admin.rename", "改名", "Rename"),
    ("admin.move", "移动", "Move"),
    ("admin.deactivate", "停用", "Deactivate"),
    ("admin.inactive", "已停用", "inactive"),
    ("admin.kind", "类型", "Kind"),
    ("admin.name_en", "英文名称", "English name"),
    ("admin.parent", "上级组织", "Parent unit"),
    ("admin.head", "负责人", "Head"),
    ("admin.people", "人数", "People"),
    ("admin.new_unit", "新建组织", "New unit"),
    ("admin.new_user", "新建用户", "New user"),
    ("admin.login", "登录名", "Login name"),
    ("admin.display_name", "姓名", "Name"),
    ("admin.email", "邮箱", "E-mail"),
    ("admin.password", "初始密码", "Initial password"),
    ("admin.unit", "所属组织", "Unit"),
    ("admin.extra_units", "兼任组织", "Extra units"),
    ("admin.manager", "直属上级", "Manager"),
    ("admin.none", "（无）", "(none)"),
    ("admin.roles_of_user", "角色", "Roles"),
    ("admin.status", "状态", "Status"),
    ("admin.active", "在职", "active"),
    ("admin.disabled", "已停用", "disabled"),
    ("admin.disable", "停用", "Disable"),
    ("admin.enable", "启用", "Enable"),
    ("admin.reset_password", "重置密码", "Reset password"),
    ("admin.new_password", "新密码", "New password"),
    ("admin.edit", "编辑", "Edit"),
    ("admin.copy_role", "复制为新角色", "Copy as a new role"),
    ("admin.role_name", "角色名称", "Role name"),
    ("admin.builtin", "内置", "built-in"),
    ("admin.users_count", "{n} 人", "{n} users"),
    ("admin.object", "对象", "Object"),
    ("admin.field", "字段", "Field"),
    ("admin.field_rights", "字段权限（客户）", "Field rights (customer)"),
    ("admin.impact", "影响预览", "Impact preview"),
    ("admin.impact_line", "{obj}：{gain} 人获得 {gained} 条、{lose} 人失去 {lost} 条的访问权", "{obj}: {gain} users gain access to {gained} records, {lose} users lose access to {lost} records"),
    ("admin.impact_users", "涉及 {n} 名用户", "{n} users considered"),
    ("admin.gains", "获得", "gains"),
    ("admin.loses", "失去", "loses"),
    ("admin.user", "用户", "User"),
    ("admin.record_id", "记录编号", "Record id"),
    ("admin.explain_go", "解释", "Explain"),
    ("admin.allowed", "允许", "allowed"),
    ("admin.refused", "拒绝", "refused"),
    ("admin.via_grant", "角色授权：{roles}（范围：{scope}）", "role grant: {roles} (scope: {scope})"),
    ("admin.via_share", "共享 #{id}（{access}）", "share #{id} ({access})"),
    ("admin.no_reason", "没有任何授权或共享覆盖此记录", "no grant or share covers this record"),
    ("admin.when", "时间", "When"),
    ("admin.who", "操作人", "Who"),
    ("admin.what", "对象", "What"),
    ("admin.action", "操作", "Action"),
    ("admin.before", "修改前", "Before"),
    ("admin.after", "修改后", "After"),
    ("admin.all", "全部", "All"),
    ("audit.since", "从（UTC 日期）", "From (UTC date)"),
    ("audit.until", "到（UTC 日期）", "To (UTC date)"),
    ("scope.none", "无", "None"),
    ("scope.own", "本人", "Own"),
    ("scope.own_and_subordinates", "本人及下属", "Own and subordinates"),
    ("scope.unit", "本部门", "Own unit"),
    ("scope.unit_and_below", "本部门及下属部门", "Unit and below"),
    ("scope.all", "全部", "All"),
    ("fa.hidden", "不可见", "Hidden"),
    ("fa.read", "只读", "Read"),
    ("fa.edit", "读写", "Edit"),
    ("action.read", "查看", "Read"),
    ("action.create", "新建", "Create"),
    ("action.update", "编辑", "Update"),
    ("action.delete", "删除", "Delete"),
    ("action.assign", "分配/转移", "Assign"),
    ("action.share", "共享", "Share"),
    ("action.export", "导出", "Export"),
    ("object.customer", "客户", "Customer"),
    ("object.contact", "联系人", "Contact"),
    ("object.lead", "线索", "Lead"),
    ("object.opportunity", "商机", "Opportunity"),
    ("object.quote", "报价", "Quote"),
    ("object.contract", "合同", "Contract"),
    ("object.receivable", "回款", "Receivable"),
    ("object.ticket", "工单", "Ticket"),
    ("object.approval", "审批", "Approval"),
    ("object.task", "任务", "Task"),
    ("object.report", "报表", "Report"),
    ("object.admin", "系统管理", "Administration"),
    ("kind.group", "集团", "Group"),
    ("kind.subsidiary", "子公司", "Subsidiary"),
    ("kind.branch", "分公司", "Branch"),
    ("kind.department", "部门", "Department"),
    ("kind.team", "小组", "Team"),
    ("notfound.title", "页面不存在", "Page not found"),
    ("notfound.body", "您要找的页面不存在或已被移动。", "The page you are looking for does not exist or has moved."),
    ("notfound.home", "返回工作台", "Back to the dashboard"),
    ("forbidden.title", "无权访问", "No access"),
    ("error.title", "出错了", "Something went wrong"),
];

/// The text for `key` in `lang`; the key itself when it is missing (visible, never a panic).
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    match TEXTS.iter().find(|(k, _, _)| *k == key) {
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
