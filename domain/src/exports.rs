//! CSV exports of the sales and service lists (contracts, receivables, opportunities, tickets):
//! the rows the list shows the reader, with the list's field rights already applied, for those
//! whose roles grant the export of the object, and only the records within their export scope
//! (the others are counted as skipped). Columns are keys the app translates.

use std::collections::HashSet;

use sqlx::Row;

use crate::acting::Actor;
use crate::clock::{format_date, now_ms};
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType};
use crate::policy::record_filter;
use domain_types::lists::ListFilter;

/// An export: column keys, rows of text, and how many listed records were left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportTable {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    pub skipped: usize,
}

/// Exports stop here; a larger one is a report's job.
pub const MAX_ROWS: usize = 50_000;
const PAGE: i64 = 200;

/// Minor units as a plain decimal in major units ("1234.56"); empty when hidden.
fn money(minor: Option<i64>) -> String {
    minor.map(|m| format!("{}{}.{:02}", if m < 0 { "-" } else { "" }, m.abs() / 100, m.abs() % 100)).unwrap_or_default()
}

/// The object a list's export covers ("contracts", "receivables", "opportunities", "tickets").
pub fn object_of(list: &str) -> Option<ObjectType> {
    Some(match list {
        "contracts" => ObjectType::Contract,
        "receivables" => ObjectType::Receivable,
        "opportunities" => ObjectType::Opportunity,
        "tickets" => ObjectType::Ticket,
        _ => return None,
    })
}

/// Whether the actor's roles grant exporting the list (which decides whether its button shows).
pub fn may_export(actor: &Actor, list: &str) -> bool {
    object_of(list).is_some_and(|o| actor.grants.can(o, Action::Export))
}

fn require_export(actor: &Actor, object: ObjectType) -> DomainResult<()> {
    if actor.grants.can(object, Action::Export) {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

/// Of `ids` (records of `table`), those the actor may export.
async fn exportable(db: &Db, actor: &Actor, object: ObjectType, table: &str, ids: &[i64]) -> DomainResult<HashSet<i64>> {
    let mut out = HashSet::new();
    for chunk in ids.chunks(PAGE as usize) {
        let f = record_filter(actor, object, Action::Export, "x", 1, now_ms());
        let first = f.next_param(1);
        let placeholders: Vec<String> = (0..chunk.len()).map(|i| format!("${}", first + i)).collect();
        let sql = format!("SELECT x.id FROM {table} x WHERE {} AND x.id IN ({})", f.sql, placeholders.join(", "));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in f.binds.iter().chain(chunk) {
            q = q.bind(*b);
        }
        for r in q.fetch_all(db.pool()).await? {
            out.insert(r.try_get("id")?);
        }
    }
    Ok(out)
}

/// Keeps the rows whose record the actor may export.
#[allow(clippy::too_many_arguments)]
async fn keep_exportable<R>(db: &Db, actor: &Actor, object: ObjectType, table: &str, rows: Vec<R>, id: &impl Fn(&R) -> i64, out: &mut ExportTable, line: &impl Fn(R) -> Vec<String>) -> DomainResult<()> {
    let ids: Vec<i64> = rows.iter().map(id).collect();
    let allowed = exportable(db, actor, object, table, &ids).await?;
    for r in rows {
        if allowed.contains(&id(&r)) && out.rows.len() < MAX_ROWS {
            out.rows.push(line(r));
        } else {
            out.skipped += 1;
        }
    }
    Ok(())
}

/// Pages through a list (`page` answers the rows after a key, `key` gives a row's key) and keeps,
/// as lines, the rows whose record the actor may export.
#[allow(clippy::too_many_arguments)]
async fn export_pages<R, K, F, Fut>(
    db: &Db,
    actor: &Actor,
    object: ObjectType,
    table: &str,
    columns: Vec<&'static str>,
    mut page: F,
    key: impl Fn(&R) -> K,
    id: impl Fn(&R) -> i64,
    line: impl Fn(R) -> Vec<String>,
) -> DomainResult<ExportTable>
where
    F: FnMut(Option<K>) -> Fut,
    Fut: std::future::Future<Output = DomainResult<Vec<R>>>,
{
    require_export(actor, object)?;
    let mut out = ExportTable { columns, ..Default::default() };
    let mut after = None;
    while out.rows.len() < MAX_ROWS {
        let rows = page(after.take()).await?;
        let Some(last) = rows.last() else { break };
        after = Some(key(last));
        let n = rows.len();
        keep_exportable(db, actor, object, table, rows, &id, &mut out, &line).await?;
        if (n as i64) < PAGE {
            break;
        }
    }
    Ok(out)
}

pub async fn contracts(db: &Db, actor: &Actor, filter: &ListFilter) -> DomainResult<ExportTable> {
    use crate::sales::contracts::{list, ContractQuery};
    let query = ContractQuery::of_filter(filter, None, PAGE)?;
    let columns = vec!["number", "title", "customer", "state", "amount", "received", "currency", "owner", "signed_at"];
    let query = &query;
    let page = |before_id| async move { list(db, actor, &ContractQuery { before_id, ..query.clone() }).await };
    export_pages(db, actor, ObjectType::Contract, "contracts", columns, page, |r| r.id, |r| r.id, |r| {
        vec![r.number, r.title, r.customer_name, r.state, money(r.amount_minor), money(r.received_minor), r.currency, r.owner_name.unwrap_or_default(), r.signed_at.map(format_date).unwrap_or_default()]
    })
    .await
}

/// The receivables as the receivables tab lists them with this filter.
pub async fn receivables(db: &Db, actor: &Actor, filter: &ListFilter) -> DomainResult<ExportTable> {
    use crate::sales::receivables::{list, ReceivableQuery};
    let columns = vec!["contract", "customer", "instalment", "due_at", "amount", "received", "outstanding", "currency", "overdue", "owner", "unit"];
    let query = &ReceivableQuery::of_filter(filter, None, PAGE);
    let page = |after| async move { list(db, actor, &ReceivableQuery { after, ..query.clone() }).await };
    export_pages(db, actor, ObjectType::Receivable, "receivables", columns, page, |r| (r.due_at, r.id), |r| r.id, |r| {
        vec![
            r.contract_number,
            r.customer_name,
            r.seq.to_string(),
            format_date(r.due_at),
            money(r.amount_minor),
            money(r.received_minor),
            money(r.outstanding_minor),
            r.currency,
            if r.overdue { "yes".into() } else { String::new() },
            r.owner_name.unwrap_or_default(),
            r.unit_name,
        ]
    })
    .await
}

pub async fn tickets(db: &Db, actor: &Actor, filter: &ListFilter) -> DomainResult<ExportTable> {
    use crate::service::tickets::{list, TicketQuery};
    let query = &TicketQuery::of_filter(filter, None, PAGE)?;
    let columns = vec!["id", "title", "customer", "category", "priority", "status", "sla_due_at", "breached", "owner", "unit", "created_at"];
    let page = |before_id| async move { list(db, actor, &TicketQuery { before_id, ..query.clone() }).await };
    export_pages(db, actor, ObjectType::Ticket, "tickets", columns, page, |r| r.id, |r| r.id, |r| {
        vec![
            r.id.to_string(),
            r.title,
            r.customer_name,
            r.category,
            r.priority,
            r.status,
            format_date(r.sla_due_at),
            if r.breached { "yes".into() } else { String::new() },
            r.owner_name.unwrap_or_default(),
            r.unit_name,
            format_date(r.created_at),
        ]
    })
    .await
}

pub async fn opportunities(db: &Db, actor: &Actor, filter: &ListFilter) -> DomainResult<ExportTable> {
    use crate::opportunities::pipeline::list;
    require_export(actor, ObjectType::Opportunity)?;
    let stages: std::collections::HashMap<i64, String> = crate::opportunities::stages::list(db).await?.into_iter().map(|s| (s.id, s.code)).collect();
    let columns = vec!["id", "name", "customer", "stage", "amount", "currency", "expected_close", "competitors", "lost_reason", "owner", "unit"];
    let page = |before_id| async move { list(db, actor, filter, before_id, PAGE).await };
    export_pages(db, actor, ObjectType::Opportunity, "opportunities", columns, page, |r| r.id, |r| r.id, |r| {
        vec![
            r.id.to_string(),
            r.name,
            r.customer_name,
            stages.get(&r.stage_id).cloned().unwrap_or_default(),
            money(r.amount_minor),
            r.currency,
            r.expected_close.unwrap_or_default(),
            r.competitors,
            r.lost_reason,
            r.owner_name.unwrap_or_default(),
            r.unit_name,
        ]
    })
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_is_written_in_major_units() {
        assert_eq!(super::money(Some(123_456)), "1234.56");
        assert_eq!(super::money(Some(5)), "0.05");
        assert_eq!(super::money(Some(-250)), "-2.50");
        assert_eq!(super::money(None), "");
    }
}
