//! The profile page's words in both languages.

use crate::i18n::{t_or_main, Lang, Texts};

const TEXTS: &Texts = &[
    ("tok.profile", "个人设置", "My profile"),
    ("tok.title", "API 访问令牌", "API access tokens"),
    ("tok.explain", "令牌让其他程序以您的身份调用 REST API，权限与您本人完全相同。请妥善保管，不用时立即撤销。", "A token lets another program call the REST API as you, with exactly your rights. Keep it safe and revoke it when no longer needed."),
    ("tok.name", "名称", "Name"),
    ("tok.expires", "有效期至", "Expires"),
    ("tok.never", "永不过期", "Never"),
    ("tok.days", "天", "days"),
    ("tok.create", "生成令牌", "Create token"),
    ("tok.copy_now", "请立即复制此令牌：它只显示这一次。", "Copy this token now: it is shown only once."),
    ("tok.loading", "加载中…", "Loading…"),
    ("tok.none", "您还没有令牌。", "You have no tokens yet."),
    ("tok.prefix", "开头", "Starts with"),
    ("tok.created", "创建于", "Created"),
    ("tok.last_used", "最近使用", "Last used"),
    ("tok.state", "状态", "State"),
    ("tok.live", "有效", "Active"),
    ("tok.revoked", "已撤销", "Revoked"),
    ("tok.expired", "已过期", "Expired"),
    ("tok.revoke", "撤销", "Revoke"),
    ("tok.docs", "接口说明（OpenAPI）：", "API description (OpenAPI):"),
];

pub fn text(lang: Lang, key: &'static str) -> &'static str {
    t_or_main(TEXTS, lang, key)
}
