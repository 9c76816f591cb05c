//! The import page's words in both languages.

use domain_types::imports::ImportProblem;

use crate::i18n::{t_or_main, Lang, Texts};

const TEXTS: &Texts = &[
    ("imp.title", "导入客户与联系人", "Import customers and contacts"),
    ("imp.explain", "上传 CSV 文件（UTF-8 或 Excel 另存的 GBK 均可）。先预览并为每一列选择字段，再开始导入；导入在后台进行。默认全部成功才写入。", "Upload a CSV file (UTF-8, or GBK as saved by Excel). Preview it and choose a field per column, then start; the import runs in the background. By default nothing is written unless every row is good."),
    ("imp.kind", "导入内容", "Import"),
    ("imp.customers", "客户", "Customers"),
    ("imp.contacts", "联系人", "Contacts"),
    ("imp.file", "文件", "File"),
    ("imp.reading", "正在读取文件…", "Reading the file…"),
    ("imp.rows", "行", "rows"),
    ("imp.ignore", "（忽略此列）", "(ignore this column)"),
    ("imp.good_only", "只导入没有问题的行", "Import only the rows without problems"),
    ("imp.start", "开始导入", "Start import"),
    ("imp.queued", "排队中", "Queued"),
    ("imp.running", "导入中", "Importing"),
    ("imp.done", "已完成", "Done"),
    ("imp.failed", "未导入（有问题的行，未写入任何数据）", "Not imported (rows with problems; nothing was written)"),
    ("imp.created", "已导入", "Imported"),
    ("imp.problems", "有问题", "With problems"),
    ("imp.line", "行号", "Line"),
    ("imp.row", "内容", "Row"),
    ("imp.reason", "原因", "Reason"),
    ("imp.duplicate", "已存在，请联系", "Exists already; ask"),
    ("imp.duplicate_plain", "已存在", "Exists already"),
    ("imp.duplicate_in_file", "与文件中的第 {} 行重复", "Repeats line {} of the file"),
    ("imp.invalid", "字段有误", "Invalid field"),
    ("f.name", "名称", "Name"),
    ("f.kind", "类型", "Kind"),
    ("f.industry", "行业", "Industry"),
    ("f.province", "省份", "Province"),
    ("f.city", "城市", "City"),
    ("f.phone", "电话", "Phone"),
    ("f.level", "级别", "Level"),
    ("f.source", "来源", "Source"),
    ("f.customer", "客户名称", "Customer"),
    ("f.title", "职务", "Title"),
    ("f.email", "邮箱", "E-mail"),
    ("f.file", "文件", "File"),
    ("c.required", "必填", "is required"),
    ("c.format", "格式不对", "has the wrong format"),
    ("c.unknown_kind", "应为 企业/个人", "must be company or person"),
    ("c.unknown_level", "应为 A/B/C/D", "must be A, B, C or D"),
    ("c.too_long", "太长", "is too long"),
    ("c.not_found_or_not_yours", "不存在或您无权修改", "does not exist or is not yours to change"),
    ("c.interrupted", "导入中途服务器重启，已写入的行见“已导入”", "the server restarted while writing; the rows written are counted as imported"),
    ("c.internal", "系统出错，未写入", "a system error; nothing was written"),
];

pub fn text(lang: Lang, key: &'static str) -> &'static str {
    t_or_main(TEXTS, lang, key)
}

pub fn field_title(lang: Lang, field: &str) -> &'static str {
    TEXTS.iter().find(|(k, _, _)| k.strip_prefix("f.") == Some(field)).map(|(k, _, _)| text(lang, *k)).unwrap_or("")
}

/// Why a row was not imported, in words.
pub fn problem_text(lang: Lang, p: &ImportProblem) -> String {
    match p.kind.as_str() {
        "duplicate" if !p.ask.is_empty() => format!("{} {}", text(lang, "imp.duplicate"), p.ask),
        "duplicate" => text(lang, "imp.duplicate_plain").to_string(),
        "duplicate_in_file" => text(lang, "imp.duplicate_in_file").replace("{}", &p.earlier_line.unwrap_or(0).to_string()),
        _ => {
            let reason = TEXTS.iter().find(|(k, _, _)| k.strip_prefix("c.") == Some(p.code.as_str())).map(|(k, _, _)| text(lang, *k)).unwrap_or(p.code.as_str());
            let field = field_title(lang, &p.field);
            format!("{}{}{}", if field.is_empty() { p.field.as_str() } else { field }, if lang == Lang::Zh { "" } else { " " }, reason)
        }
    }
}
