//! Sales to cash (from quote to cash): the product catalogue by product line ([`products`]),
//! contracts with their lines and payment plan, approved through the approval engine and signed
//! ([`contracts`]), and the receivables signing creates with the receipts finance records against
//! them ([`receivables`]).
//!
//! Access: contracts and receivables are records with an owner and a unit, so the policy's
//! scopes, shares and field rights apply to them as to customers. Products are seen (and sold)
//! by the people of the units that own their product line, or below them.

pub mod approval;
pub mod contracts;
pub mod demo;
pub mod invoices;
pub mod lines;
pub mod products;
pub mod quotes;
pub mod receivables;

pub use domain_types::sales::*;

use crate::acting::Actor;

/// The condition "the actor may sell the products of the line `{alias}.line_id`": their units lie
/// at or below one of the line's units. `user_param` is the placeholder bound to the actor's id.
pub(crate) fn sellable_line_sql(actor: &Actor, alias: &str, user_param: &str) -> String {
    if actor.is_admin() {
        return "1 = 1".into();
    }
    format!(
        "EXISTS (SELECT 1 FROM product_line_units lu JOIN org_unit_closure c ON c.ancestor_id = lu.unit_id \
         WHERE lu.line_id = {alias}.line_id AND c.descendant_id IN \
         (SELECT primary_unit_id FROM users WHERE id = {user_param} UNION SELECT unit_id FROM user_units WHERE user_id = {user_param}))"
    )
}

/// Checks an amount in minor units against the range every money field accepts.
/// The group's currency, used when the reader picks none.
pub const DEFAULT_CURRENCY: &str = "CNY";

/// A currency code as three capital letters.
pub fn parse_currency(text: &str) -> crate::DomainResult<String> {
    let c = text.trim();
    if c.is_empty() {
        return Ok(DEFAULT_CURRENCY.to_string());
    }
    if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
        return Err(crate::DomainError::invalid("currency", "format"));
    }
    Ok(c.to_string())
}

pub(crate) fn checked_money(field: &'static str, minor: i64) -> crate::DomainResult<i64> {
    if !(0..=crate::opportunities::MAX_AMOUNT_MINOR).contains(&minor) {
        return Err(crate::DomainError::invalid(field, "out_of_range"));
    }
    Ok(minor)
}
