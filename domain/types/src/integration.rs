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
