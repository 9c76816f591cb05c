//! Opportunities (商机): created on a customer (by lead conversion or directly), moved along the
//! configurable stages of the pipeline (`stages`, `pipeline`) and summed into a forecast
//! (`forecast`). Money is an integer in minor units (分) with a currency code. Every open
//! opportunity counts in its customer's `open_deals`, which the pools' recycling reads.

pub mod demo;
pub mod forecast;
pub mod pipeline;
pub mod stages;

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType};
use crate::policy::require_on;

pub use domain_types::opportunities::Opportunity;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOpportunity {
    pub name: String,
    /// In minor units of the currency (分 for CNY).
    pub amount_minor: i64,
    /// ISO 4217 code, e.g. "CNY".
    pub currency: String,
    /// The expected close date, YYYY-MM-DD, or empty.
    #[serde(default)]
    pub expected_close: String,
}

/// Amounts above this (in minor units) are refused as typing errors: 10^15 分 is 10 trillion 元.
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000_000_000;

impl NewOpportunity {
    /// The checked and trimmed opportunity: a name, an amount from 0 up to [`MAX_AMOUNT_MINOR`],
    /// a three-letter currency code (upper-cased).
    pub fn validated(&self) -> DomainResult<NewOpportunity> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(DomainError::invalid("opportunity", "required"));
        }
        if name.chars().count() > 200 {
            return Err(DomainError::invalid("opportunity", "too_long"));
        }
        if !(0..=MAX_AMOUNT_MINOR).contains(&self.amount_minor) {
            return Err(DomainError::invalid("amount", "out_of_range"));
        }
        let currency = self.currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(DomainError::invalid("currency", "format"));
        }
        let expected_close = parse_close_date(&self.expected_close)?.unwrap_or_default();
        Ok(NewOpportunity { name: name.to_string(), amount_minor: self.amount_minor, currency, expected_close })
    }
}

/// A close date typed as YYYY-MM-DD (None when empty), checked to be a real date.
pub fn parse_close_date(text: &str) -> DomainResult<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match crate::clock::start_of_day_ms(text) {
        Some(ms) if text.len() == 10 => Ok(Some(crate::clock::format_date(ms))),
        _ => Err(DomainError::invalid("expected_close", "format")),
    }
}

/// An amount typed in a field that may be left empty (a unit's own price, a target): empty is
/// none, which removes what was set.
pub fn parse_optional_major_units(text: &str) -> DomainResult<Option<i64>> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    parse_major_units(text).map(Some)
}

/// An amount typed in major units ("12,345.6" 元) as minor units (1234560 分). Up to two
/// decimals; thousands separators and spaces are ignored; an empty text is zero.
pub fn parse_major_units(text: &str) -> DomainResult<i64> {
    let bad = || DomainError::invalid("amount", "format");
    let cleaned: String = text.trim().chars().filter(|c| !matches!(c, ',' | '，' | ' ' | '_')).collect();
    if cleaned.is_empty() {
        return Ok(0);
    }
    let (whole, fraction) = match cleaned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (cleaned.as_str(), ""),
    };
    if whole.is_empty() && fraction.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 2
        || whole.len() > 16
    {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
    let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| bad())?;
    let minor = whole.checked_mul(100).and_then(|w| w.checked_add(cents)).ok_or_else(bad)?;
    if minor > MAX_AMOUNT_MINOR {
        return Err(DomainError::invalid("amount", "out_of_range"));
    }
    Ok(minor)
}

/// Inserts an open opportunity in the caller's transaction and counts it on the customer.
pub async fn insert_tx(tx: &mut Tx, customer_id: i64, o: &NewOpportunity, owner_id: Option<i64>, unit_id: i64, created_by: i64) -> DomainResult<i64> {
    let o = o.validated()?;
    let now = now_ms();
    let id: i64 = sqlx::query(
        "INSERT INTO opportunities (customer_id, name, amount_minor, currency, stage, stage_id, expected_close, owner_id, unit_id, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, 'open', (SELECT id FROM opportunity_stages WHERE outcome = 'open' ORDER BY position, id LIMIT 1), \
         $9, $5, $6, $7, $7, $8) RETURNING id",
    )
    .bind(customer_id)
    .bind(&o.name)
    .bind(o.amount_minor)
    .bind(&o.currency)
    .bind(owner_id)
    .bind(unit_id)
    .bind(now)
    .bind(created_by)
    .bind(if o.expected_close.is_empty() { None } else { Some(o.expected_close.clone()) })
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    sqlx::query("UPDATE customers SET open_deals = open_deals + 1, updated_at = $2 WHERE id = $1")
        .bind(customer_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    crate::events::write(tx, "opportunity.create", ObjectType::Opportunity, id, Some(created_by), owner_id, serde_json::json!({"customer_id": customer_id})).await?;
    Ok(id)
}

/// Creates an opportunity owned by the actor on a customer they may update, with a create grant
/// for opportunities.
pub async fn create(db: &Db, actor: &Actor, customer_id: i64, o: &NewOpportunity) -> DomainResult<i64> {
    let o = o.validated()?;
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, ObjectType::Customer, Action::Update, customer_id).await?;
    if !actor.may_create(ObjectType::Opportunity) {
        return Err(DomainError::Forbidden);
    }
    let id = insert_tx(&mut tx, customer_id, &o, Some(actor.user_id), actor.units[0], actor.user_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// The opportunities of a customer the actor may read, for those whose roles let them read
/// opportunities at all.
pub async fn list_for_customer(db: &Db, actor: &Actor, customer_id: i64) -> DomainResult<Vec<Opportunity>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, ObjectType::Customer, Action::Read, customer_id).await?;
    if !actor.grants.can(ObjectType::Opportunity, Action::Read) {
        return Err(DomainError::Forbidden);
    }
    let rows = sqlx::query(
        "SELECT p.id, p.customer_id, p.name, p.amount_minor, p.currency, p.stage, p.owner_id, u.display_name AS owner_name, \
         p.unit_id, p.created_at FROM opportunities p LEFT JOIN users u ON u.id = p.owner_id WHERE p.customer_id = $1 ORDER BY p.id",
    )
    .bind(customer_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Opportunity {
                id: r.try_get("id")?,
                customer_id: r.try_get("customer_id")?,
                name: r.try_get("name")?,
                amount_minor: r.try_get("amount_minor")?,
                currency: r.try_get("currency")?,
                stage: r.try_get("stage")?,
                owner_id: r.try_get("owner_id")?,
                owner_name: r.try_get("owner_name")?,
                unit_id: r.try_get("unit_id")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_units_become_minor_units() {
        assert_eq!(parse_major_units("").unwrap(), 0);
        assert_eq!(parse_optional_major_units("  ").unwrap(), None);
        assert_eq!(parse_optional_major_units("1,000").unwrap(), Some(100_000));
        assert!(parse_optional_major_units("一千").is_err());
        assert_eq!(parse_major_units("12").unwrap(), 1200);
        assert_eq!(parse_major_units("12.5").unwrap(), 1250);
        assert_eq!(parse_major_units("12,345.67").unwrap(), 1_234_567);
        assert_eq!(parse_major_units(" 0.07 ").unwrap(), 7);
        assert_eq!(parse_major_units(".5").unwrap(), 50);
        for bad in ["1.234", "-5", "abc", "1e5", "1.2.3", ".", "99999999999999999"] {
            assert!(parse_major_units(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn opportunities_are_checked() {
        let ok = NewOpportunity { name: " 年度采购 ".into(), amount_minor: 100, currency: "cny".into(), ..Default::default() };
        assert_eq!(ok.validated().unwrap(), NewOpportunity { name: "年度采购".into(), amount_minor: 100, currency: "CNY".into(), ..Default::default() });
        assert!(NewOpportunity { name: "".into(), ..ok.clone() }.validated().is_err());
        assert!(NewOpportunity { amount_minor: -1, ..ok.clone() }.validated().is_err());
        assert!(NewOpportunity { currency: "RMB1".into(), ..ok.clone() }.validated().is_err());
        assert!(NewOpportunity { expected_close: "2026-02-30".into(), ..ok.clone() }.validated().is_err());
        assert_eq!(NewOpportunity { expected_close: " 2026-12-31 ".into(), ..ok }.validated().unwrap().expected_close, "2026-12-31");
    }
}
