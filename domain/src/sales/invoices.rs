//! Invoices (开票): the contract's owner (or whoever may update it) requests one on a signed
//! contract; finance, who may update its receivables, issues it with a number and date or rejects
//! it with a reason. Requested and issued amounts together never exceed the contract amount.
//! Finance is told of each request, the requester of each decision, live.

use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::InvoiceRow;
use crate::acting::Actor;
use crate::approvals::routing::{role_holders, unit_at};
use crate::approvals::UnitLevel;
use crate::audit;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::events;
use crate::objects::{Action, ObjectType};
use crate::policy::require_on;

const CONTRACT: ObjectType = ObjectType::Contract;

/// The invoices of a contract the actor may read; amounts follow the contract's field rights.
pub(crate) async fn of_contract(conn: &mut AnyConnection, actor: &Actor, contract: i64) -> DomainResult<Vec<InvoiceRow>> {
    let amounts = actor.fields.can_read(CONTRACT, "amount_minor");
    sqlx::query(
        "SELECT i.id, i.contract_id, i.amount_minor, i.currency, i.state, i.note, i.number, i.issued_on, i.reject_reason, \
         u.display_name AS requested_by, i.created_at FROM invoices i JOIN users u ON u.id = i.requested_by \
         WHERE i.contract_id = $1 ORDER BY i.id",
    )
    .bind(contract)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(InvoiceRow {
            id: r.try_get("id")?,
            contract_id: r.try_get("contract_id")?,
            amount_minor: if amounts { Some(r.try_get("amount_minor")?) } else { None },
            currency: r.try_get("currency")?,
            state: r.try_get("state")?,
            note: r.try_get("note")?,
            number: r.try_get("number")?,
            issued_on: r.try_get("issued_on")?,
            reject_reason: r.try_get("reject_reason")?,
            requested_by: r.try_get("requested_by")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .collect()
}

/// Requests an invoice on a signed contract.
pub async fn request(db: &Db, actor: &Actor, contract: i64, amount_minor: i64, note: &str) -> DomainResult<i64> {
    if amount_minor <= 0 {
        return Err(DomainError::invalid("amount", "out_of_range"));
    }
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(DomainError::invalid("note", "too_long"));
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, CONTRACT, Action::Update, contract).await?;
    let now = now_ms();
    // Touching the contract takes its row lock (PostgreSQL): requests on one contract queue here
    // and each sees what the previous one requested.
    sqlx::query("UPDATE contracts SET updated_at = $2 WHERE id = $1").bind(contract).bind(now).execute(&mut *tx).await?;
    let k = sqlx::query(
        "SELECT k.state, k.amount_minor, k.currency, k.unit_id, \
         CAST((SELECT COALESCE(SUM(i.amount_minor), 0) FROM invoices i WHERE i.contract_id = k.id AND i.state <> 'rejected') AS BIGINT) AS invoiced \
         FROM contracts k WHERE k.id = $1",
    )
    .bind(contract)
    .fetch_one(&mut *tx)
    .await?;
    if k.try_get::<String, _>("state")? != "signed" {
        return Err(DomainError::Conflict("contract_not_signed".into()));
    }
    let left = k.try_get::<i64, _>("amount_minor")? - k.try_get::<i64, _>("invoiced")?;
    let currency: String = k.try_get("currency")?;
    if amount_minor > left {
        return Err(DomainError::Overpayment { outstanding_minor: left.max(0), currency });
    }
    let id: i64 = sqlx::query(
        "INSERT INTO invoices (contract_id, amount_minor, currency, state, note, requested_by, created_at, updated_at) \
         VALUES ($1, $2, $3, 'requested', $4, $5, $6, $6) RETURNING id",
    )
    .bind(contract)
    .bind(amount_minor)
    .bind(&currency)
    .bind(note)
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let place = unit_at(&mut tx, k.try_get("unit_id")?, UnitLevel::Subsidiary).await?.map(|(u, _)| u);
    let finance = match place {
        Some(u) => role_holders(&mut tx, "finance", u).await?,
        None => vec![],
    };
    for f in finance {
        events::write(&mut tx, "invoice.requested", CONTRACT, contract, Some(actor.user_id), Some(f), json!({ "invoice_id": id, "amount_minor": amount_minor })).await?;
    }
    audit::record(&mut tx, Some(actor.user_id), "invoice", Some(id), "request", None, Some(json!({"contract_id": contract, "amount_minor": amount_minor}))).await?;
    tx.commit().await?;
    Ok(id)
}

/// Issues (with a number and date) or rejects (with a reason) a requested invoice. Only those who
/// may update the contract's receivables decide; a decided invoice stays decided.
pub async fn decide(db: &Db, actor: &Actor, invoice: i64, decision: InvoiceDecision) -> DomainResult<()> {
    let (state, number, issued_on, reason) = match &decision {
        InvoiceDecision::Issue { number, issued_on } => {
            let number = number.trim();
            if number.is_empty() {
                return Err(DomainError::invalid("invoice_number", "required"));
            }
            if number.chars().count() > 50 {
                return Err(DomainError::invalid("invoice_number", "too_long"));
            }
            if *issued_on <= 0 {
                return Err(DomainError::invalid("issued_on", "required"));
            }
            ("issued", Some(number.to_string()), Some(*issued_on), None)
        }
        InvoiceDecision::Reject { reason } => {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(DomainError::invalid("reason", "required"));
            }
            ("rejected", None, None, Some(reason.chars().take(500).collect::<String>()))
        }
    };
    let mut tx = db.begin_write().await?;
    let r = sqlx::query("SELECT contract_id, requested_by FROM invoices WHERE id = $1").bind(invoice).fetch_optional(&mut *tx).await?.ok_or(DomainError::NotFound)?;
    let contract: i64 = r.try_get("contract_id")?;
    require_on(&mut tx, actor, CONTRACT, Action::Read, contract).await?;
    let receivable: Option<i64> = sqlx::query("SELECT id FROM receivables WHERE contract_id = $1 ORDER BY seq LIMIT 1")
        .bind(contract)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?;
    match receivable {
        Some(rid) => require_on(&mut tx, actor, ObjectType::Receivable, Action::Update, rid).await.map_err(|_| DomainError::Forbidden)?,
        None => return Err(DomainError::Forbidden),
    }
    // Four eyes: whoever asked for an invoice does not issue it.
    if r.try_get::<i64, _>("requested_by")? == actor.user_id {
        return Err(DomainError::Forbidden);
    }
    if let Some(n) = &number {
        let taken = sqlx::query("SELECT 1 AS one FROM invoices WHERE number = $1 AND state = 'issued' AND id <> $2").bind(n).bind(invoice).fetch_optional(&mut *tx).await?;
        if taken.is_some() {
            return Err(DomainError::Conflict("invoice_number_taken".into()));
        }
    }
    let now = now_ms();
    let won = sqlx::query(
        "UPDATE invoices SET state = $2, number = $3, issued_on = $4, reject_reason = $5, decided_by = $6, decided_at = $7, updated_at = $7 \
         WHERE id = $1 AND state = 'requested'",
    )
    .bind(invoice)
    .bind(state)
    .bind(number.clone())
    .bind(issued_on)
    .bind(reason.clone())
    .bind(actor.user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if won != 1 {
        return Err(DomainError::Conflict("invoice_already_decided".into()));
    }
    let requester: i64 = r.try_get("requested_by")?;
    events::write(&mut tx, if state == "issued" { "invoice.issued" } else { "invoice.rejected" }, CONTRACT, contract, Some(actor.user_id), Some(requester), json!({ "invoice_id": invoice })).await?;
    audit::record(&mut tx, Some(actor.user_id), "invoice", Some(invoice), state, None, Some(json!({"number": number, "reason": reason}))).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceDecision {
    Issue { number: String, issued_on: i64 },
    Reject { reason: String },
}
