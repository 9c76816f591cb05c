//! Sales to cash: products of product lines, contracts with their lines and payment plan, the
//! receivables signing creates and the receipts finance records. Money is in minor units (分)
//! with a currency; an amount is None where the reader's field rights hide it.

use serde::{Deserialize, Serialize};

/// A product the reader may sell. The cost is None unless their role may read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    pub id: i64,
    pub line_id: i64,
    pub line_name: String,
    pub code: String,
    pub name: String,
    pub unit_price_minor: i64,
    pub currency: String,
    pub cost_minor: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LineInput {
    pub product_id: i64,
    pub quantity: i64,
    /// Discount in basis points (1500 = 15 %).
    pub discount_bp: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct InstalmentInput {
    /// UTC milliseconds.
    pub due_at: i64,
    pub amount_minor: i64,
}

/// A contract as typed: the amount is the sum of its lines; the instalments must add up to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
// Fields left out of a REST API body take their empty value.
#[serde(default)]
pub struct ContractInput {
    pub customer_id: i64,
    pub title: String,
    pub currency: String,
    pub terms: String,
    pub lines: Vec<LineInput>,
    pub instalments: Vec<InstalmentInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ContractRow {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub state: String,
    pub amount_minor: Option<i64>,
    pub received_minor: Option<i64>,
    pub currency: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub signed_at: Option<i64>,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ContractLineRow {
    pub product_id: i64,
    pub product_name: String,
    pub quantity: i64,
    pub unit_price_minor: Option<i64>,
    pub discount_bp: i64,
    pub amount_minor: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct InstalmentRow {
    pub seq: i64,
    pub due_at: i64,
    pub amount_minor: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ReceivableRow {
    pub id: i64,
    pub contract_id: i64,
    pub contract_number: String,
    pub contract_title: String,
    pub customer_name: String,
    pub seq: i64,
    pub due_at: i64,
    pub amount_minor: Option<i64>,
    pub received_minor: Option<i64>,
    pub outstanding_minor: Option<i64>,
    pub currency: String,
    pub overdue: bool,
    pub owner_name: Option<String>,
    pub unit_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ReceiptRow {
    pub id: i64,
    pub receivable_id: i64,
    pub seq: i64,
    pub amount_minor: Option<i64>,
    pub currency: String,
    pub received_at: i64,
    pub method: String,
    pub reference: String,
    pub recorded_by: String,
    pub created_at: i64,
    pub reversed_at: Option<i64>,
    pub reverse_reason: Option<String>,
}

/// An invoice requested on a contract: requested, then issued (number, date) or rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct InvoiceRow {
    pub id: i64,
    pub contract_id: i64,
    pub amount_minor: Option<i64>,
    pub currency: String,
    pub state: String,
    pub note: String,
    pub number: Option<String>,
    pub issued_on: Option<i64>,
    pub reject_reason: Option<String>,
    pub requested_by: String,
    pub created_at: i64,
}

/// What the reader may do with a contract now (the server checks again).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ContractActions {
    pub submit: bool,
    pub sign: bool,
    pub record_receipt: bool,
    pub request_invoice: bool,
    pub decide_invoice: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ContractView {
    pub contract: ContractRow,
    pub terms: String,
    pub reject_reason: Option<String>,
    pub lines: Vec<ContractLineRow>,
    pub instalments: Vec<InstalmentRow>,
    pub receivables: Vec<ReceivableRow>,
    pub receipts: Vec<ReceiptRow>,
    pub invoices: Vec<InvoiceRow>,
    /// The approval running on it now, or the latest one.
    pub approval_id: Option<i64>,
    pub actions: ContractActions,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptInput {
    pub receivable_id: i64,
    pub amount_minor: i64,
    /// UTC milliseconds of the day the money arrived.
    pub received_at: i64,
    pub method: String,
    pub reference: String,
    /// Made by the form when it opens: a resubmission or a double click carries the same key.
    pub idempotency_key: String,
}

/// The receipt a submission recorded, or the one an earlier submission with its key recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RecordedReceipt {
    pub id: i64,
    pub duplicate: bool,
}

/// Receivable, received and outstanding amounts (received counts receipts not reversed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyTotals {
    pub receivable_minor: i64,
    pub received_minor: i64,
    pub outstanding_minor: i64,
}

pub const RECEIPT_METHODS: &[&str] = &["bank_transfer", "cash", "cheque", "online", "other"];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteInput {
    pub customer_id: i64,
    pub title: String,
    pub note: String,
    /// UTC milliseconds; None: no end date.
    pub valid_until: Option<i64>,
    pub lines: Vec<LineInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteRow {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub state: String,
    pub amount_minor: Option<i64>,
    pub currency: String,
    pub max_discount_bp: i64,
    pub valid_until: Option<i64>,
    pub contract_id: Option<i64>,
    pub owner_name: Option<String>,
    pub unit_name: String,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteActions {
    pub submit: bool,
    pub to_contract: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteView {
    pub quote: QuoteRow,
    pub note: String,
    pub reject_reason: Option<String>,
    pub lines: Vec<ContractLineRow>,
    pub approval_id: Option<i64>,
    /// Discounts above this (basis points) need approval.
    pub threshold_bp: i64,
    pub actions: QuoteActions,
}

/// The states a contract goes through, in order.
pub const CONTRACT_STATES: &[&str] = &["draft", "pending", "approved", "signed"];

/// A product on a unit's price list (administrators' screen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceListRow {
    pub product_id: i64,
    pub line_name: String,
    pub code: String,
    pub name: String,
    pub currency: String,
    /// The catalogue's list price.
    pub list_price_minor: i64,
    /// The unit's own price, if it has one.
    pub own_price_minor: Option<i64>,
    /// What people of the unit sell at: the nearest price at or above the unit, else the list price.
    pub effective_minor: i64,
}
