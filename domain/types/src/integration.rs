//! Integration with other systems: personal access tokens for the REST API and the shapes the
//! API takes where the pages' own shapes do not fit.

use serde::{Deserialize, Serialize};

/// A personal access token as its owner sees it in their profile (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    /// The first characters of the secret, to tell tokens apart.
    pub prefix: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// A token just made: the secret is in here once and never again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: TokenRow,
    pub secret: String,
}

/// Expiry choices offered in the profile, in days; 0 means never.
pub const TOKEN_EXPIRY_DAYS: &[i64] = &[7, 30, 90, 365, 0];

/// A new contact of a customer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ContactInput {
    pub customer_id: i64,
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// A contact's fields as changed; fields left out keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ContactEdit {
    pub name: Option<String>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A lead's fields as changed; fields left out keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LeadEdit {
    pub name: Option<String>,
    pub company: Option<String>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// A receivable moved to another due date (UTC milliseconds).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ReceivableEdit {
    pub due_at: i64,
}

/// A receipt against the receivable named in the path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ReceiptBody {
    pub amount_minor: i64,
    /// UTC milliseconds of the day the money arrived.
    pub received_at: i64,
    /// One of bank_transfer, cash, cheque, online, other.
    pub method: String,
    #[serde(default)]
    pub reference: String,
    /// The same key sent twice records the receipt once.
    pub idempotency_key: String,
}

/// A ticket moved along its life: open → in_progress → resolved → closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TicketStatusInput {
    pub status: String,
    #[serde(default)]
    pub resolution: String,
}

/// A new opportunity on a customer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OpportunityInput {
    pub customer_id: i64,
    pub name: String,
    /// In minor units of the currency (分 for CNY).
    pub amount_minor: i64,
    /// ISO 4217 code, e.g. "CNY".
    pub currency: String,
    /// YYYY-MM-DD, or empty.
    #[serde(default)]
    pub expected_close: String,
}

/// The event kinds a webhook may subscribe to: changes to the records the REST API serves.
pub const WEBHOOK_KINDS: &[&str] = &[
    "customer.create",
    "customer.update",
    "customer.assign",
    "customer.transfer",
    "customer.contact",
    "customer.follow_up",
    "pool.claim",
    "pool.release",
    "pool.recycle",
    "lead.create",
    "lead.update",
    "lead.assign",
    "lead.convert",
    "lead.disqualify",
    "opportunity.create",
    "opportunity.update",
    "opportunity.stage",
    "contract.create",
    "contract.update",
    "contract.signed",
    "receipt.recorded",
    "receipt.reversed",
    "receivable.overdue",
    "ticket.assigned",
    "ticket.updated",
    "ticket.sla_breached",
];

/// A webhook subscription as its administrators see it, with how its deliveries stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    pub kinds: Vec<String>,
    pub allow_private: bool,
    pub active: bool,
    /// Whose rights decide what the deliveries carry.
    pub owner_name: String,
    pub pending: i64,
    pub delivered: i64,
    pub failed: i64,
    pub created_at: i64,
}

/// A webhook just made: the signing secret is shown with it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedWebhook {
    pub webhook: WebhookRow,
    pub secret: String,
}

/// A new subscription as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookInput {
    pub url: String,
    pub kinds: Vec<String>,
    /// Deliver to private, loopback or link-local addresses (an internal system); off by default.
    pub allow_private: bool,
}

/// One delivery of one event to one subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: i64,
    pub event_id: i64,
    pub kind: String,
    /// pending, delivered or failed (gave up).
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    /// The receiver's last HTTP status, if it answered.
    pub last_status: Option<i64>,
    pub last_error: String,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}
