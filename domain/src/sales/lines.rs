//! Priced lines, shared by quotes and contracts: each product must be one the writer may sell
//! (its product line reaches their unit), quantities and discounts in range, one currency; the
//! price is copied from the catalogue at the time of writing.

use sqlx::AnyConnection;

use super::checked_money;
use super::products::sellable_on;
use super::LineInput;
use crate::acting::Actor;
use crate::db::Tx;
use crate::error::{DomainError, DomainResult};

pub const MAX_LINES: usize = 50;

pub(crate) struct PricedLine {
    pub product_id: i64,
    pub product_name: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub discount_bp: i64,
    pub amount_minor: i64,
}

pub(crate) struct Priced {
    pub lines: Vec<PricedLine>,
    pub amount_minor: i64,
    pub currency: String,
    pub max_discount_bp: i64,
    /// The product line of the largest share of the amount (what approval conditions look at).
    pub product_line: Option<String>,
}

/// quantity × price less the discount, rounded half up to the minor unit.
pub fn line_amount(quantity: i64, unit_price_minor: i64, discount_bp: i64) -> Option<i64> {
    let gross = (quantity as i128).checked_mul(unit_price_minor as i128)?;
    let net = gross.checked_mul(10_000 - discount_bp as i128)?.checked_add(5_000)? / 10_000;
    i64::try_from(net).ok()
}

pub(crate) async fn price(conn: &mut AnyConnection, actor: &Actor, input: &[LineInput]) -> DomainResult<Priced> {
    if input.is_empty() {
        return Err(DomainError::invalid("lines", "required"));
    }
    if input.len() > MAX_LINES {
        return Err(DomainError::invalid("lines", "too_many"));
    }
    let mut lines = Vec::new();
    let mut by_line: Vec<(String, i64)> = Vec::new();
    let mut currency: Option<String> = None;
    for l in input {
        if !(1..=1_000_000).contains(&l.quantity) {
            return Err(DomainError::invalid("quantity", "out_of_range"));
        }
        if !(0..=10_000).contains(&l.discount_bp) {
            return Err(DomainError::invalid("discount", "out_of_range"));
        }
        let p = sellable_on(conn, actor, l.product_id).await?;
        match &currency {
            None => currency = Some(p.currency.clone()),
            Some(cur) if *cur != p.currency => return Err(DomainError::invalid("currency", "mixed")),
            Some(_) => {}
        }
        let amount = line_amount(l.quantity, p.unit_price_minor, l.discount_bp).ok_or(DomainError::invalid("amount", "out_of_range"))?;
        match by_line.iter_mut().find(|(n, _)| *n == p.line_name) {
            Some((_, sum)) => *sum += amount,
            None => by_line.push((p.line_name.clone(), amount)),
        }
        lines.push(PricedLine { product_id: l.product_id, product_name: p.name, quantity: l.quantity, unit_price_minor: p.unit_price_minor, discount_bp: l.discount_bp, amount_minor: amount });
    }
    let total = lines.iter().try_fold(0i64, |s, l| s.checked_add(l.amount_minor)).ok_or(DomainError::invalid("amount", "out_of_range"))?;
    by_line.sort_by(|a, b| b.1.cmp(&a.1));
    Ok(Priced {
        amount_minor: checked_money("amount", total)?,
        currency: currency.unwrap_or_else(|| "CNY".into()),
        max_discount_bp: lines.iter().map(|l| l.discount_bp).max().unwrap_or(0),
        product_line: by_line.first().map(|(n, _)| n.clone()),
        lines,
    })
}

/// Replaces the lines of a quote (`quote_lines`/`quote_id`) or contract (`contract_lines`/`contract_id`).
pub(crate) async fn write(tx: &mut Tx, table: LineTable, id: i64, lines: &[PricedLine]) -> DomainResult<()> {
    let (delete, insert) = match table {
        LineTable::Contract => (
            "DELETE FROM contract_lines WHERE contract_id = $1",
            "INSERT INTO contract_lines (contract_id, product_id, product_name, quantity, unit_price_minor, discount_bp, amount_minor) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        ),
        LineTable::Quote => (
            "DELETE FROM quote_lines WHERE quote_id = $1",
            "INSERT INTO quote_lines (quote_id, product_id, product_name, quantity, unit_price_minor, discount_bp, amount_minor) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        ),
    };
    sqlx::query(delete).bind(id).execute(&mut **tx).await?;
    for l in lines {
        sqlx::query(insert)
            .bind(id)
            .bind(l.product_id)
            .bind(&l.product_name)
            .bind(l.quantity)
            .bind(l.unit_price_minor)
            .bind(l.discount_bp)
            .bind(l.amount_minor)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The lines of a quote or contract as stored, prices and amounts only for readers of amounts.
pub(crate) async fn read(conn: &mut AnyConnection, table: LineTable, id: i64, amounts: bool) -> DomainResult<Vec<super::ContractLineRow>> {
    use sqlx::Row;
    let sql = match table {
        LineTable::Contract => "SELECT product_id, product_name, quantity, unit_price_minor, discount_bp, amount_minor FROM contract_lines WHERE contract_id = $1 ORDER BY id",
        LineTable::Quote => "SELECT product_id, product_name, quantity, unit_price_minor, discount_bp, amount_minor FROM quote_lines WHERE quote_id = $1 ORDER BY id",
    };
    sqlx::query(sql)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|l| {
            Ok(super::ContractLineRow {
                product_id: l.try_get("product_id")?,
                product_name: l.try_get("product_name")?,
                quantity: l.try_get("quantity")?,
                unit_price_minor: if amounts { Some(l.try_get("unit_price_minor")?) } else { None },
                discount_bp: l.try_get("discount_bp")?,
                amount_minor: if amounts { Some(l.try_get("amount_minor")?) } else { None },
            })
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineTable {
    Contract,
    Quote,
}
