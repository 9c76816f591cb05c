//! Opportunities (商机) of a customer.

use serde::{Deserialize, Serialize};

/// An opportunity of a customer; the amount in minor units (分) with its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opportunity {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub amount_minor: i64,
    pub currency: String,
    pub stage: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub unit_id: i64,
    pub created_at: i64,
}

/// A stage of the pipeline as administrators configured it. `outcome` is `open` for the pipeline's
/// stages, `won` or `lost` for the two that close an opportunity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Win probability in basis points (10000 = 100 %).
    pub probability_bp: i64,
    pub position: i64,
    pub outcome: String,
}

/// A stage as an administrator saves it: a new one without `id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageInput {
    pub id: Option<i64>,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub probability_bp: i64,
    pub position: i64,
    pub outcome: String,
}

/// An opportunity as the pipeline shows it. The amount is absent for readers whose field rights
/// hide it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OpportunityCard {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub name: String,
    pub amount_minor: Option<i64>,
    pub currency: String,
    pub stage_id: i64,
    /// open, won or lost.
    pub outcome: String,
    /// A calendar date, YYYY-MM-DD.
    pub expected_close: Option<String>,
    pub competitors: String,
    pub lost_reason: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub unit_id: i64,
    pub unit_name: String,
    pub updated_at: i64,
}

/// A sum of money in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencySum {
    pub currency: String,
    pub amount_minor: i64,
}

/// One column of the pipeline board: the stage, how many opportunities the reader may see in it,
/// their amounts per currency (none when amounts are hidden from the reader) and the first cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardColumn {
    pub stage: Stage,
    pub count: i64,
    pub sums: Vec<CurrencySum>,
    pub cards: Vec<OpportunityCard>,
}

/// One line of the forecast: the opportunities expected to close in a month in one unit, in one
/// currency; weighted by their stage's win probability and not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastRow {
    /// YYYY-MM.
    pub month: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub currency: String,
    pub count: i64,
    pub unweighted_minor: i64,
    pub weighted_minor: i64,
}

/// What an opportunity's owner may change besides its stage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
// Fields left out of a REST API body take their empty value.
#[serde(default)]
pub struct OpportunityEdit {
    pub name: String,
    pub amount_minor: i64,
    pub currency: String,
    /// YYYY-MM-DD, or empty for none.
    pub expected_close: String,
    pub competitors: String,
    /// Products (from lines the editor may sell) with quantities.
    pub products: Vec<OpportunityProduct>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OpportunityProduct {
    pub product_id: i64,
    pub quantity: i64,
}
