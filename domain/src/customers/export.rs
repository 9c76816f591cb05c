//! Export of customers: the rows the actor may both read and export, with only the fields they may
//! read. The policy's SQL filter for the export action decides, record by record; every export is
//! written to the audit log.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use super::list::{self, ListFilter, ListQuery, Sort};
use super::record::{attach_tags, view_from_row, CustomerView, OBJECT, SELECT};
use crate::acting::Actor;
use crate::audit;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::Action;
use crate::policy::record_filter;

/// The most rows one export holds.
pub const MAX_EXPORT: usize = 10_000;
const CHUNK: usize = 500;

/// What to export: chosen records, or everything a list filter shows (up to [`MAX_EXPORT`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Selection {
    Ids(Vec<i64>),
    Filter { filter: ListFilter, sort: Sort },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Column keys: "id", "name", a customer field, "owner", "unit", "tags", "last_follow_up_at".
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Selected records that were not exported: not readable or no export right.
    pub skipped: usize,
}

const FIELDS: &[&str] = &["kind", "industry", "province", "city", "address", "phone", "level", "source", "status", "tags"];

/// Of `ids`, those the actor may do `action` on, by the policy's SQL filter.
async fn permitted(db: &Db, actor: &Actor, action: Action, ids: &[i64]) -> DomainResult<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let f = record_filter(actor, OBJECT, action, "c", 1, now_ms());
        let first = f.next_param(1);
        let placeholders: Vec<String> = (0..chunk.len()).map(|i| format!("${}", first + i)).collect();
        let sql = format!("SELECT c.id FROM customers c WHERE {} AND c.id IN ({}) ORDER BY c.id", f.sql, placeholders.join(", "));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in &f.binds {
            q = q.bind(*b);
        }
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(db.pool()).await? {
            out.push(r.try_get("id")?);
        }
    }
    Ok(out)
}

async fn views_of(db: &Db, actor: &Actor, ids: &[i64]) -> DomainResult<Vec<CustomerView>> {
    let mut conn = db.pool().acquire().await?;
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("{SELECT} WHERE c.id IN ({})", placeholders.join(", "));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(*id);
        }
        let mut views = q.fetch_all(&mut *conn).await?.iter().map(|r| view_from_row(actor, r)).collect::<DomainResult<Vec<_>>>()?;
        attach_tags(&mut conn, actor, &mut views).await?;
        out.extend(views);
    }
    Ok(out)
}

/// The export as a table, in the selection's order.
pub async fn export(db: &Db, actor: &Actor, selection: &Selection) -> DomainResult<Table> {
    let wanted: Vec<i64> = match selection {
        Selection::Ids(ids) if ids.is_empty() => return Err(DomainError::invalid("selection", "required")),
        Selection::Ids(ids) if ids.len() > MAX_EXPORT => return Err(DomainError::invalid("selection", "too_many")),
        Selection::Ids(ids) => ids.clone(),
        Selection::Filter { filter, sort } => {
            let mut q = ListQuery { filter: filter.clone(), sort: *sort, after: None, limit: list::MAX_PAGE };
            let mut ids = Vec::new();
            while ids.len() < MAX_EXPORT {
                let page = list::page(db, actor, &q).await?;
                ids.extend(page.rows.iter().map(|r| r.id));
                match page.next {
                    Some(next) => q.after = Some(next),
                    None => break,
                }
            }
            ids.truncate(MAX_EXPORT);
            ids
        }
    };
    let readable = permitted(db, actor, Action::Read, &wanted).await?;
    let exportable = permitted(db, actor, Action::Export, &readable).await?;
    let mut views = views_of(db, actor, &exportable).await?;
    let order = |id: i64| wanted.iter().position(|w| *w == id).unwrap_or(usize::MAX);
    views.sort_by_key(|v| order(v.id));

    let readable_fields: Vec<&str> = FIELDS.iter().copied().filter(|f| actor.fields.can_read(OBJECT, f)).collect();
    let mut columns = vec!["id".to_string(), "name".to_string()];
    columns.extend(readable_fields.iter().map(|f| f.to_string()));
    columns.extend(["owner", "unit", "last_follow_up_at"].map(String::from));
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            let mut row = vec![v.id.to_string(), v.name.clone()];
            for f in &readable_fields {
                row.push(match *f {
                    "kind" => v.kind.clone(),
                    "industry" => v.industry.clone(),
                    "province" => v.province.clone(),
                    "city" => v.city.clone(),
                    "address" => v.address.clone(),
                    "phone" => v.phone.clone(),
                    "level" => v.level.clone(),
                    "source" => v.source.clone(),
                    "status" => v.status.clone(),
                    _ => v.tags.as_ref().map(|t| t.join(" ")),
                }
                .unwrap_or_default());
            }
            row.push(v.owner_name.clone().unwrap_or_default());
            row.push(v.unit_name.clone());
            row.push(if v.last_follow_up_at > 0 { crate::clock::format_date(v.last_follow_up_at) } else { String::new() });
            row
        })
        .collect();
    let skipped = wanted.len() - rows.len();
    let mut tx = db.begin_write().await?;
    audit::record(&mut tx, Some(actor.user_id), "customer", None, "export", None, Some(json!({ "rows": rows.len(), "skipped": skipped }))).await?;
    tx.commit().await?;
    Ok(Table { columns, rows, skipped })
}

/// RFC 4180 CSV with a UTF-8 byte order mark (so spreadsheet programs read Chinese correctly).
/// Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
pub fn to_csv(header: &[String], rows: &[Vec<String>]) -> String {
    fn cell(s: &str) -> String {
        let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let mut out = String::from("\u{feff}");
    for line in std::iter::once(header).chain(rows.iter().map(|r| r.as_slice())) {
        out.push_str(&line.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let csv = to_csv(&["a".into(), "b".into()], &[vec!["x,y".into(), "say \"hi\"".into()], vec!["=1+1".into(), "line\nbreak".into()]]);
        assert_eq!(csv, "\u{feff}a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n'=1+1,\"line\nbreak\"\r\n");
    }
}
