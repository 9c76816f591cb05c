//! The dashboard rolled up along the org tree: key figures of a unit, split by the units directly
//! below it (each with everything under it) and the people whose records sit in the unit itself.

use serde::{Deserialize, Serialize};

/// What the reader picked: a unit (None: where they stand), a period, and the currency money
/// figures are summed in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    pub unit_id: Option<i64>,
    pub period: PeriodChoice,
    /// Empty: the group's currency (CNY).
    pub currency: String,
}

/// A period as picked: `month` ("2026-12"), `quarter` ("2026-Q4"), `year` ("2026") or `custom`
/// (`from` and `to`, both "YYYY-MM-DD" and both included), in the group's display time zone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PeriodChoice {
    pub kind: String,
    pub value: String,
    pub from: String,
    pub to: String,
}

/// Whom a row of the dashboard is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowKind {
    /// A unit below the one shown, with everything under it.
    Unit,
    /// A person, for the records of the unit shown itself that they own.
    Person,
    /// Records of the unit shown itself that nobody owns (pools, unassigned leads).
    Unassigned,
}

/// The key figures of one row. None: the reader may not see that figure (no read right on the
/// object, or the amount field hidden from them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub customers_new: Option<i64>,
    pub leads_new: Option<i64>,
    /// Of the leads created in the period, those converted since.
    pub leads_converted: Option<i64>,
    /// Follow-ups logged in the period on customers and leads.
    pub follow_ups: Option<i64>,
    /// Opportunities still open now, and their amount.
    pub pipeline_count: Option<i64>,
    pub pipeline_minor: Option<i64>,
    /// Opportunities expected to close in the period, weighted by their stage's probability
    /// (won in full, lost not at all).
    pub forecast_minor: Option<i64>,
    pub target_minor: Option<i64>,
    pub contracts_signed: Option<i64>,
    pub signed_minor: Option<i64>,
    /// Receivables due in the period, and the receipts recorded in it.
    pub planned_minor: Option<i64>,
    pub received_minor: Option<i64>,
    /// Outstanding on receivables past due, now.
    pub overdue_minor: Option<i64>,
    pub tickets_opened: Option<i64>,
    /// Of the tickets opened in the period, those answered after their SLA time (or still open
    /// past it).
    pub sla_breaches: Option<i64>,
    pub pool_claims: Option<i64>,
    pub pool_recycles: Option<i64>,
}

/// The figures' names in the order tables and CSV files show them.
pub const FIGURES: &[&str] = &[
    "customers_new",
    "leads_new",
    "leads_converted",
    "follow_ups",
    "pipeline_count",
    "pipeline_minor",
    "forecast_minor",
    "target_minor",
    "contracts_signed",
    "signed_minor",
    "planned_minor",
    "received_minor",
    "overdue_minor",
    "tickets_opened",
    "sla_breaches",
    "pool_claims",
    "pool_recycles",
];

impl Figures {
    /// A figure by its name in [`FIGURES`].
    pub fn get(&self, name: &str) -> Option<i64> {
        match name {
            "customers_new" => self.customers_new,
            "leads_new" => self.leads_new,
            "leads_converted" => self.leads_converted,
            "follow_ups" => self.follow_ups,
            "pipeline_count" => self.pipeline_count,
            "pipeline_minor" => self.pipeline_minor,
            "forecast_minor" => self.forecast_minor,
            "target_minor" => self.target_minor,
            "contracts_signed" => self.contracts_signed,
            "signed_minor" => self.signed_minor,
            "planned_minor" => self.planned_minor,
            "received_minor" => self.received_minor,
            "overdue_minor" => self.overdue_minor,
            "tickets_opened" => self.tickets_opened,
            "sla_breaches" => self.sla_breaches,
            "pool_claims" => self.pool_claims,
            "pool_recycles" => self.pool_recycles,
            _ => None,
        }
    }

    pub fn slot(&mut self, name: &str) -> Option<&mut Option<i64>> {
        Some(match name {
            "customers_new" => &mut self.customers_new,
            "leads_new" => &mut self.leads_new,
            "leads_converted" => &mut self.leads_converted,
            "follow_ups" => &mut self.follow_ups,
            "pipeline_count" => &mut self.pipeline_count,
            "pipeline_minor" => &mut self.pipeline_minor,
            "forecast_minor" => &mut self.forecast_minor,
            "target_minor" => &mut self.target_minor,
            "contracts_signed" => &mut self.contracts_signed,
            "signed_minor" => &mut self.signed_minor,
            "planned_minor" => &mut self.planned_minor,
            "received_minor" => &mut self.received_minor,
            "overdue_minor" => &mut self.overdue_minor,
            "tickets_opened" => &mut self.tickets_opened,
            "sla_breaches" => &mut self.sla_breaches,
            "pool_claims" => &mut self.pool_claims,
            "pool_recycles" => &mut self.pool_recycles,
            _ => return None,
        })
    }

    /// Whether the figure is money (minor units of the dashboard's currency).
    pub fn is_money(name: &str) -> bool {
        name.ends_with("_minor")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardRow {
    pub kind: RowKind,
    /// The unit's or the person's id (0 for the unassigned row).
    pub id: i64,
    pub name: String,
    /// A unit row the reader may open in turn.
    pub drillable: bool,
    pub figures: Figures,
}

/// Open opportunities at one stage of the pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageFigure {
    pub stage_id: i64,
    pub name_zh: String,
    pub name_en: String,
    pub count: i64,
    pub amount_minor: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub unit_id: i64,
    pub unit_name: String,
    /// The units from the highest one the reader may open down to this one: (id, name).
    pub path: Vec<(i64, String)>,
    pub currency: String,
    /// The period as UTC instants, `to` excluded, and as the reader's calendar shows it.
    pub from_ms: i64,
    pub to_ms: i64,
    pub from_date: String,
    pub to_date: String,
    pub rows: Vec<DashboardRow>,
    pub total: Figures,
    pub stages: Vec<StageFigure>,
    /// Whether the reader may set the targets of this unit and its people.
    pub may_set_targets: bool,
    pub may_export: bool,
}

/// A target: what a unit (user_id None) or a person in it should sign in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetInput {
    pub unit_id: i64,
    pub user_id: Option<i64>,
    /// "YYYY-MM"
    pub month: String,
    pub currency: String,
    /// None removes the target.
    pub amount_minor: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetRow {
    pub unit_id: i64,
    pub user_id: Option<i64>,
    pub name: String,
    pub month: String,
    pub currency: String,
    pub amount_minor: Option<i64>,
}
