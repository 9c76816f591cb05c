//! The server functions of contracts and receivables. Each reads the session and makes one call
//! into `domain::sales` with the acting user; product lines, scopes and field rights are decided
//! there. Dates arrive as the date inputs give them (`YYYY-MM-DD`, UTC days).

use domain_types::sales::{ContractRow, ContractView, LineInput, MoneyTotals, ProductRow, ReceivableRow, RecordedReceipt};
use domain_types::lists::ListFilter;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A contract as the form holds it: instalments with their dates as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractForm {
    pub customer_id: i64,
    pub title: String,
    pub terms: String,
    pub lines: Vec<LineInput>,
    /// (due date `YYYY-MM-DD`, amount in minor units)
    pub instalments: Vec<(String, i64)>,
}

/// A receipt as the form holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptForm {
    pub receivable_id: i64,
    pub amount_minor: i64,
    pub received_on: String,
    pub method: String,
    pub reference: String,
    pub idempotency_key: String,
}

/// What the new-contract form offers: the products the caller may sell, and their customers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractOptions {
    pub products: Vec<ProductRow>,
    pub customers: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivablesPage {
    pub rows: Vec<ReceivableRow>,
    /// None when the caller may not read amounts.
    pub totals: Option<MoneyTotals>,
}

#[cfg(feature = "ssr")]
fn day(text: &str, field: &str) -> Result<i64, AppError> {
    domain::clock::start_of_day_ms(text).ok_or_else(|| crate::error::fail(AppError::Invalid { field: field.into(), code: "format".into() }))
}

/// One page of the contracts the caller may read that match the filter, newest first.
#[server(endpoint = "contracts/list", input = Json)]
pub async fn contract_list(filter: ListFilter, before_id: Option<i64>) -> Result<Vec<ContractRow>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let q = domain::sales::contracts::ContractQuery::of_filter(&filter, before_id, crate::ui::list::PAGE_SIZE).map_err(domain_err)?;
    domain::sales::contracts::list(&st.db, &actor, &q).await.map_err(domain_err)
}

#[server(endpoint = "contracts/page")]
pub async fn contract_page(id: i64) -> Result<ContractView, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sales::contracts::get(&st.db, &actor, id).await.map_err(domain_err)
}

#[server(endpoint = "contracts/choices")]
pub async fn contract_choices() -> Result<ContractOptions, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let products = domain::sales::products::list_sellable(&st.db, &actor).await.map_err(domain_err)?;
    let q = domain::customers::list::ListQuery { limit: 200, ..Default::default() };
    let customers = domain::customers::list::page(&st.db, &actor, &q).await.map_err(domain_err)?.rows.into_iter().map(|c| (c.id, c.name)).collect();
    Ok(ContractOptions { products, customers })
}

#[server(endpoint = "contracts/create", input = Json)]
pub async fn create_contract(form: ContractForm) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let instalments = form
        .instalments
        .iter()
        .map(|(due, amount)| Ok(domain::sales::InstalmentInput { due_at: day(due, "due_date")?, amount_minor: *amount }))
        .collect::<Result<Vec<_>, AppError>>()?;
    let input = domain::sales::ContractInput { customer_id: form.customer_id, title: form.title, currency: String::new(), terms: form.terms, lines: form.lines, instalments };
    domain::sales::contracts::create(&st.db, &actor, &input).await.map_err(domain_err)
}

/// Submits a draft contract to the contract approval flow; answers the approval's id.
#[server(endpoint = "contracts/submit")]
pub async fn submit_contract(id: i64) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::engine::submit(&st.db, &actor, domain::objects::ObjectType::Contract, id).await.map_err(domain_err)
}

#[server(endpoint = "contracts/sign")]
pub async fn sign_contract(id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sales::contracts::sign(&st.db, &actor, id).await.map_err(domain_err)
}

#[server(endpoint = "receipts/record", input = Json)]
pub async fn record_receipt(form: ReceiptForm) -> Result<RecordedReceipt, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let input = domain::sales::ReceiptInput {
        receivable_id: form.receivable_id,
        amount_minor: form.amount_minor,
        received_at: day(&form.received_on, "received_at")?,
        method: form.method,
        reference: form.reference,
        idempotency_key: form.idempotency_key,
    };
    domain::sales::receivables::record_receipt(&st.db, &actor, &input).await.map_err(domain_err)
}

#[server(endpoint = "receipts/reverse")]
pub async fn reverse_receipt(id: i64, reason: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sales::receivables::reverse_receipt(&st.db, &actor, id, &reason).await.map_err(domain_err)
}

/// One page of the receivables the caller may read that match the filter, earliest due first;
/// the first page also carries the totals over the caller's scope.
#[server(endpoint = "receivables/list", input = Json)]
pub async fn receivable_list(filter: ListFilter, after: Option<(i64, i64)>) -> Result<ReceivablesPage, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let q = domain::sales::receivables::ReceivableQuery::of_filter(&filter, after, crate::ui::list::PAGE_SIZE);
    let rows = domain::sales::receivables::list(&st.db, &actor, &q).await.map_err(domain_err)?;
    if after.is_some() {
        return Ok(ReceivablesPage { rows, totals: None });
    }
    let totals = match domain::sales::receivables::totals(&st.db, &actor, None, None).await {
        Ok(t) => Some(t),
        Err(domain::DomainError::Forbidden) => None,
        Err(e) => return Err(domain_err(e)),
    };
    Ok(ReceivablesPage { rows, totals })
}

#[server(endpoint = "invoices/request")]
pub async fn request_invoice(contract_id: i64, amount_minor: i64, note: String) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sales::invoices::request(&st.db, &actor, contract_id, amount_minor, &note).await.map_err(domain_err)
}

/// Finance issues an invoice (`issue`: number and date) or rejects it (reason).
#[server(endpoint = "invoices/decide")]
pub async fn decide_invoice(id: i64, issue: bool, number: String, issued_on: String, reason: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    use domain::sales::invoices::InvoiceDecision;
    let (st, actor) = actor().await?;
    let decision = if issue { InvoiceDecision::Issue { number, issued_on: day(&issued_on, "issued_on")? } } else { InvoiceDecision::Reject { reason } };
    domain::sales::invoices::decide(&st.db, &actor, id, decision).await.map_err(domain_err)
}

#[server(endpoint = "quotes/list")]
pub async fn quote_list(before_id: Option<i64>) -> Result<Vec<domain_types::sales::QuoteRow>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sales::quotes::list(&st.db, &actor, before_id, 50).await.map_err(domain_err)
}

#[server(endpoint = "quotes/page")]
pub async fn quote_page(id: i64) -> Result<domain_types::sales::QuoteView, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sales::quotes::get(&st.db, &actor, id).await.map_err(domain_err)
}

#[server(endpoint = "quotes/create", input = Json)]
pub async fn create_quote(quote: domain_types::sales::QuoteInput) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sales::quotes::create(&st.db, &actor, &quote).await.map_err(domain_err)
}

/// Submits a quote: the approval's id when its discount needs approval, None when approved at once.
#[server(endpoint = "quotes/submit")]
pub async fn submit_quote(id: i64) -> Result<Option<i64>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sales::quotes::submit(&st.db, &actor, id).await.map_err(domain_err)
}

/// Turns an approved quote into a draft contract paid in one instalment due on `due` (`YYYY-MM-DD`).
#[server(endpoint = "quotes/to_contract")]
pub async fn quote_to_contract(id: i64, due: String) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    let amount = domain::sales::quotes::get(&st.db, &actor, id).await.map_err(domain_err)?.quote.amount_minor.ok_or_else(|| crate::error::fail(AppError::Forbidden))?;
    let plan = [domain::sales::InstalmentInput { due_at: day(&due, "due_date")?, amount_minor: amount }];
    domain::sales::quotes::to_contract(&st.db, &actor, id, &plan).await.map_err(domain_err)
}

/// Administrators set the discount (basis points) above which quotes need approval.
#[server(endpoint = "quotes/threshold")]
pub async fn set_quote_threshold(bp: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::sales::quotes::set_threshold(&st.db, &actor, bp).await.map_err(domain_err)
}
