//! The campaigns' and channels' words in both languages.

use crate::i18n::{t_or_main, Lang, Texts};

const TEXTS: &Texts = &[
    ("cmp.title", "市场活动", "Campaigns"),
    ("cmp.effect", "渠道效果", "Channel effectiveness"),
    ("cmp.name", "活动名称", "Campaign"),
    ("cmp.channel", "渠道", "Channel"),
    ("cmp.cost", "费用", "Cost"),
    ("cmp.unit", "单元", "Unit"),
    ("cmp.dates", "日期", "Dates"),
    ("cmp.leads", "线索", "Leads"),
    ("cmp.converted", "已转化", "Converted"),
    ("cmp.campaigns", "活动数", "Campaigns"),
    ("cmp.deals", "赢单", "Deals won"),
    ("cmp.won", "赢单金额", "Won"),
    ("cmp.received", "回款", "Received"),
    ("cmp.cost_per_lead", "单条线索成本", "Cost per lead"),
    ("cmp.new", "新建活动", "New campaign"),
    ("cmp.starts", "开始", "Starts"),
    ("cmp.ends", "结束", "Ends"),
    ("cmp.create", "创建", "Create"),
    ("cmp.none", "还没有市场活动。", "No campaigns yet."),
    ("cmp.of_lead", "来源活动", "Campaign"),
    ("cmp.no_campaign", "（无）", "(none)"),
    ("ch.exhibition", "展会", "Exhibitions"),
    ("ch.online_ads", "线上广告", "Online ads"),
    ("ch.search", "搜索推广", "Search"),
    ("ch.referral", "转介绍", "Referrals"),
    ("ch.email", "邮件营销", "E-mail"),
    ("ch.social", "社交媒体", "Social media"),
    ("ch.telemarketing", "电话营销", "Telemarketing"),
    ("ch.other", "其他", "Other"),
];

pub fn text(lang: Lang, key: &'static str) -> &'static str {
    t_or_main(TEXTS, lang, key)
}

pub fn channel_title(lang: Lang, channel: &str) -> &'static str {
    match channel {
        "exhibition" => text(lang, "ch.exhibition"),
        "online_ads" => text(lang, "ch.online_ads"),
        "search" => text(lang, "ch.search"),
        "referral" => text(lang, "ch.referral"),
        "email" => text(lang, "ch.email"),
        "social" => text(lang, "ch.social"),
        "telemarketing" => text(lang, "ch.telemarketing"),
        _ => text(lang, "ch.other"),
    }
}
