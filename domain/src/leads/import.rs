//! Importing leads from a CSV file. The header names the columns in Chinese or English (姓名/name,
//! 公司/company, 职务/title, 电话/phone, 邮箱/email, 省份/province, 城市/city, 来源/source,
//! 备注/note; others are ignored; rows with nothing in them are skipped). Each row passes the checks of the lead form; a phone already
//! held by a lead, or by an earlier row of the file, marks the row a duplicate. Valid rows are
//! created and handed out by the assignment rules in one transaction; invalid and duplicate rows
//! are reported and skipped. A dry run does all of it and rolls back, so its report shows exactly
//! what an import would do and nothing changes.

use std::collections::BTreeMap;


use super::assignment::Router;
use super::capture::{insert_lead_tx, names_of};
use super::csv;
use super::input::{LeadInput, ValidateLead};
use super::record::OBJECT;
use crate::acting::Actor;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};

pub use domain_types::leads::{ImportReport, RowOutcome, RowReport};

/// Largest file accepted, in bytes.
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024;
/// Most data rows accepted.
pub const MAX_IMPORT_ROWS: usize = 5000;

/// The column a header names, in Chinese or English.
fn column_of(header: &str) -> Option<&'static str> {
    let h = header.trim().to_lowercase();
    Some(match h.as_str() {
        "姓名" | "联系人" | "name" | "contact" => "name",
        "公司" | "公司名称" | "单位" | "company" => "company",
        "职务" | "职位" | "title" | "job title" => "title",
        "电话" | "手机" | "手机号" | "phone" | "mobile" => "phone",
        "邮箱" | "电子邮件" | "email" | "e-mail" => "email",
        "省份" | "省" | "province" => "province",
        "城市" | "市" | "city" => "city",
        "来源" | "source" => "source",
        "备注" | "note" | "notes" => "note",
        _ => return None,
    })
}

fn input_of(columns: &[Option<&'static str>], fields: &[String]) -> LeadInput {
    let mut input = LeadInput::default();
    for (column, value) in columns.iter().zip(fields) {
        let slot = match column {
            Some("name") => &mut input.name,
            Some("company") => &mut input.company,
            Some("title") => &mut input.title,
            Some("phone") => &mut input.phone,
            Some("email") => &mut input.email,
            Some("province") => &mut input.province,
            Some("city") => &mut input.city,
            Some("source") => &mut input.source,
            Some("note") => &mut input.note,
            _ => continue,
        };
        *slot = value.clone();
    }
    input
}

/// Imports leads from CSV text (see the module). Needs a create grant for leads.
pub async fn import_csv(db: &Db, actor: &Actor, text: &str, dry_run: bool) -> DomainResult<ImportReport> {
    if !actor.may_create(OBJECT) {
        return Err(DomainError::Forbidden);
    }
    if text.len() > MAX_IMPORT_BYTES {
        return Err(DomainError::invalid("file", "too_large"));
    }
    let records = csv::parse(text).map_err(|_| DomainError::invalid("file", "unclosed_quote"))?;
    let Some((header, rows)) = records.split_first() else {
        return Err(DomainError::invalid("file", "empty"));
    };
    // Spreadsheets write empty rows as bare commas: they are blank lines.
    let rows: Vec<&csv::Record> = rows.iter().filter(|r| r.fields.iter().any(|f| !f.trim().is_empty())).collect();
    let columns: Vec<Option<&'static str>> = header.fields.iter().map(|h| column_of(h)).collect();
    if !columns.iter().any(|c| matches!(c, Some("name" | "company"))) {
        return Err(DomainError::invalid("file", "no_name_column"));
    }
    if rows.is_empty() {
        return Err(DomainError::invalid("file", "empty"));
    }
    if rows.len() > MAX_IMPORT_ROWS {
        return Err(DomainError::invalid("file", "too_many_rows"));
    }

    let mut report = ImportReport { dry_run, ..Default::default() };
    let mut tx = db.begin_write().await?;
    let mut router = Router::load(&mut tx, db, true).await?;
    let mut phones: BTreeMap<String, usize> = BTreeMap::new();
    let mut names: BTreeMap<(Option<i64>, i64), (Option<String>, String)> = BTreeMap::new();
    for record in rows {
        let input = input_of(&columns, &record.fields);
        let label = if input.name.trim().is_empty() { input.company.trim().to_string() } else { input.name.trim().to_string() };
        let outcome = match input.validated() {
            Err(DomainError::Invalid { field, code }) => {
                report.invalid += 1;
                RowOutcome::Invalid { field: field.into(), code: code.into() }
            }
            Err(e) => return Err(e),
            Ok(lead) => {
                let earlier = if lead.phone.is_empty() { None } else { phones.get(&lead.phone).copied() };
                let existing = !lead.phone.is_empty()
                    && earlier.is_none()
                    && sqlx::query("SELECT id FROM leads WHERE phone = $1 LIMIT 1").bind(&lead.phone).fetch_optional(&mut *tx).await?.is_some();
                if earlier.is_some() || existing {
                    report.duplicates += 1;
                    RowOutcome::Duplicate { earlier_row: earlier }
                } else {
                    if !lead.phone.is_empty() {
                        phones.insert(lead.phone.clone(), record.line);
                    }
                    let routed = router.route(&mut tx, &lead).await?;
                    let owner = routed.owner.map(|(user, _)| user);
                    let unit = routed.owner.map(|(_, unit)| unit).or(routed.unit).unwrap_or(actor.units[0]);
                    let id = insert_lead_tx(&mut tx, &lead, owner, unit, actor.user_id).await?;
                    let (owner_name, unit_name) = match names.get(&(owner, unit)) {
                        Some(n) => n.clone(),
                        None => {
                            let n = names_of(&mut tx, owner, unit).await?;
                            names.insert((owner, unit), n.clone());
                            n
                        }
                    };
                    report.created += 1;
                    RowOutcome::Created { id: (!dry_run).then_some(id), owner_name, unit_name }
                }
            }
        };
        report.rows.push(RowReport { row: record.line, label, outcome });
    }
    router.save(&mut tx).await?;
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_either_language() {
        assert_eq!(column_of(" 姓名 "), Some("name"));
        assert_eq!(column_of("Company"), Some("company"));
        assert_eq!(column_of("E-mail"), Some("email"));
        assert_eq!(column_of("手机"), Some("phone"));
        assert_eq!(column_of("行业"), None);
    }

    #[test]
    fn rows_fill_the_named_columns_and_skip_others() {
        let columns = vec![Some("company"), None, Some("phone")];
        let input = input_of(&columns, &["华信".into(), "ignored".into(), "138".into(), "extra".into()]);
        assert_eq!(input.company, "华信");
        assert_eq!(input.phone, "138");
        assert_eq!(input.name, "");
    }
}
