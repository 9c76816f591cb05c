//! Marketing: rule-based customer segments.

use serde::{Deserialize, Serialize};

/// A segment's rule: conditions on customer fields and tags, combined with AND (`all`) and OR
/// (`any`), nested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SegmentRule {
    All { rules: Vec<SegmentRule> },
    Any { rules: Vec<SegmentRule> },
    /// `op`: `is` / `is_not` (one of the values), `contains` (text), `before` / `after` (a date,
    /// "YYYY-MM-DD", for `created_at` and `last_follow_up_at`), `under` (a unit id: that unit
    /// and everything below it, for `unit`).
    Field { field: String, op: String, values: Vec<String> },
    /// The customer has (or, with `present` false, has not) the tag.
    Tag { tag: String, present: bool },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentRow {
    pub id: i64,
    pub name: String,
    pub rule: SegmentRule,
    pub updated_at: i64,
}

/// The channels a campaign runs on.
pub const CHANNELS: &[&str] = &["exhibition", "online_ads", "search", "referral", "email", "social", "telemarketing", "other"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignInput {
    pub name: String,
    pub channel: String,
    pub cost_minor: i64,
    /// Empty: CNY.
    pub currency: String,
    /// None: the creator's own (primary) unit.
    pub unit_id: Option<i64>,
    /// "YYYY-MM-DD", optional.
    pub starts_on: String,
    pub ends_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub channel: String,
    pub cost_minor: i64,
    pub currency: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub starts_on: String,
    pub ends_on: String,
    /// Leads of the campaign the reader may read.
    pub leads: i64,
}

/// What a channel brought, over what the reader may read. None: the reader may not see it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelFigures {
    pub channel: String,
    pub campaigns: i64,
    pub cost_minor: i64,
    pub leads: i64,
    pub converted: i64,
    /// Won opportunities that came from the channel's converted leads, and their amount.
    pub deals_won: Option<i64>,
    pub won_minor: Option<i64>,
    /// Receipts (not reversed) from the customers those leads became.
    pub received_minor: Option<i64>,
}
