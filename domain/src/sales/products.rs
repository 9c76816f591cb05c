//! The product catalogue. A product belongs to a product line (产品线), a top-level category owned
//! by one or more units; only people at or below those units see its products and may put them on
//! a contract. The cost price is a field of the `product` object: roles that may not read it
//! (sales, by default) never receive it. A subsidiary may have its own price list: the price a
//! person sells at is that of the nearest unit at or above theirs with a price for the product,
//! else the catalogue's list price.

use sqlx::{AnyConnection, Row};

use super::{sellable_line_sql, PriceListRow, ProductRow};
use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::objects::ObjectType;

/// What a contract line copies from the product.
pub(crate) struct Sellable {
    pub name: String,
    pub unit_price_minor: i64,
    pub currency: String,
    pub line_name: String,
}

/// The price of product `{alias}` for the user bound to `user_param`: their unit's price list (the
/// nearest unit up the tree that has one), else the list price.
fn price_sql(alias: &str, user_param: &str) -> String {
    format!(
        "COALESCE((SELECT pp.unit_price_minor FROM product_prices pp JOIN org_unit_closure pc ON pc.ancestor_id = pp.unit_id \
           WHERE pp.product_id = {alias}.id AND pc.descendant_id = (SELECT primary_unit_id FROM users WHERE id = {user_param}) \
           ORDER BY pc.depth LIMIT 1), {alias}.unit_price_minor)"
    )
}

/// Sets (or, with `None`, removes) a unit's own price for a product (administrators only).
pub async fn set_unit_price(db: &Db, actor: &Actor, product_id: i64, unit_id: i64, price_minor: Option<i64>) -> DomainResult<()> {
    actor.require_admin()?;
    if let Some(p) = price_minor {
        super::checked_money("price", p)?;
    }
    let mut tx = db.begin_write().await?;
    let known: i64 = sqlx::query("SELECT (SELECT COUNT(*) FROM products WHERE id = $1) + (SELECT COUNT(*) FROM org_units WHERE id = $2) AS n")
        .bind(product_id)
        .bind(unit_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    if known != 2 {
        return Err(DomainError::NotFound);
    }
    let before: Option<i64> = sqlx::query("SELECT unit_price_minor FROM product_prices WHERE product_id = $1 AND unit_id = $2")
        .bind(product_id)
        .bind(unit_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get("unit_price_minor"))
        .transpose()?;
    sqlx::query("DELETE FROM product_prices WHERE product_id = $1 AND unit_id = $2").bind(product_id).bind(unit_id).execute(&mut *tx).await?;
    if let Some(p) = price_minor {
        sqlx::query("INSERT INTO product_prices (product_id, unit_id, unit_price_minor, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)")
            .bind(product_id)
            .bind(unit_id)
            .bind(p)
            .bind(now_ms())
            .bind(actor.user_id)
            .execute(&mut *tx)
            .await?;
    }
    crate::audit::record(&mut tx, Some(actor.user_id), "product_price", Some(product_id), "update",
        Some(serde_json::json!({ "unit_id": unit_id, "price": before })), Some(serde_json::json!({ "unit_id": unit_id, "price": price_minor }))).await?;
    tx.commit().await?;
    Ok(())
}

/// A unit's price list (administrators only): every active product, by line and code, with the
/// catalogue price, the unit's own price if it has one, and the price its people sell at.
pub async fn price_list(db: &Db, actor: &Actor, unit_id: i64) -> DomainResult<Vec<PriceListRow>> {
    actor.require_admin()?;
    let mut conn = db.pool().acquire().await?;
    if sqlx::query("SELECT id FROM org_units WHERE id = $1").bind(unit_id).fetch_optional(&mut *conn).await?.is_none() {
        return Err(DomainError::NotFound);
    }
    let sql = "SELECT p.id, l.name AS line_name, p.code, p.name, p.currency, p.unit_price_minor, \
         (SELECT pp.unit_price_minor FROM product_prices pp WHERE pp.product_id = p.id AND pp.unit_id = $1) AS own_price, \
         COALESCE((SELECT pp.unit_price_minor FROM product_prices pp JOIN org_unit_closure pc ON pc.ancestor_id = pp.unit_id \
           WHERE pp.product_id = p.id AND pc.descendant_id = $1 ORDER BY pc.depth LIMIT 1), p.unit_price_minor) AS effective \
         FROM products p JOIN product_lines l ON l.id = p.line_id WHERE p.active = 1 ORDER BY l.name, p.code";
    sqlx::query(sql)
        .bind(unit_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(PriceListRow {
                product_id: r.try_get("id")?,
                line_name: r.try_get("line_name")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                currency: r.try_get("currency")?,
                list_price_minor: r.try_get("unit_price_minor")?,
                own_price_minor: r.try_get("own_price")?,
                effective_minor: r.try_get("effective")?,
            })
        })
        .collect()
}

/// The products the actor may sell, by line and code, at the prices that apply to them.
pub async fn list_sellable(db: &Db, actor: &Actor) -> DomainResult<Vec<ProductRow>> {
    let sql = format!(
        "SELECT p.id, p.line_id, l.name AS line_name, p.code, p.name, {} AS unit_price_minor, p.currency, p.cost_minor \
         FROM products p JOIN product_lines l ON l.id = p.line_id WHERE p.active = 1 AND {} ORDER BY l.name, p.code",
        price_sql("p", "$1"),
        sellable_line_sql(actor, "p", "$1")
    );
    let may_see_cost = actor.fields.can_read(ObjectType::Product, "cost_minor");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(actor.user_id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(ProductRow {
                id: r.try_get("id")?,
                line_id: r.try_get("line_id")?,
                line_name: r.try_get("line_name")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                unit_price_minor: r.try_get("unit_price_minor")?,
                currency: r.try_get("currency")?,
                cost_minor: if may_see_cost { Some(r.try_get("cost_minor")?) } else { None },
            })
        })
        .collect()
}

/// The product if the actor may sell it. A product of a line they do not sell is answered like
/// one that does not exist: a forged line learns nothing and writes nothing.
pub(crate) async fn sellable_on(conn: &mut AnyConnection, actor: &Actor, product_id: i64) -> DomainResult<Sellable> {
    let sql = format!(
        "SELECT p.name, {} AS unit_price_minor, p.currency, l.name AS line_name FROM products p JOIN product_lines l ON l.id = p.line_id \
         WHERE p.id = $2 AND p.active = 1 AND {}",
        price_sql("p", "$1"),
        sellable_line_sql(actor, "p", "$1")
    );
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(actor.user_id)
        .bind(product_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(DomainError::invalid("product", "not_sellable"))?;
    Ok(Sellable {
        name: r.try_get("name")?,
        unit_price_minor: r.try_get("unit_price_minor")?,
        currency: r.try_get("currency")?,
        line_name: r.try_get("line_name")?,
    })
}

/// Creates a product line owned by `units` (administrators; demo data and tests).
pub async fn insert_line_tx(tx: &mut Tx, name: &str, name_en: &str, units: &[i64], by: Option<i64>) -> DomainResult<i64> {
    let now = now_ms();
    let id: i64 = sqlx::query("INSERT INTO product_lines (name, name_en, created_at, updated_at, created_by) VALUES ($1, $2, $3, $3, $4) RETURNING id")
        .bind(name)
        .bind(name_en)
        .bind(now)
        .bind(by)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
    for u in units {
        sqlx::query("INSERT INTO product_line_units (line_id, unit_id) VALUES ($1, $2)").bind(id).bind(*u).execute(&mut **tx).await?;
    }
    Ok(id)
}

/// Adds a product to a line.
#[allow(clippy::too_many_arguments)]
pub async fn insert_product_tx(tx: &mut Tx, line: i64, code: &str, name: &str, name_en: &str, price_minor: i64, cost_minor: i64, by: Option<i64>) -> DomainResult<i64> {
    let now = now_ms();
    Ok(sqlx::query(
        "INSERT INTO products (line_id, code, name, name_en, unit_price_minor, cost_minor, currency, active, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, 'CNY', 1, $7, $7, $8) RETURNING id",
    )
    .bind(line)
    .bind(code)
    .bind(name)
    .bind(name_en)
    .bind(price_minor)
    .bind(cost_minor)
    .bind(now)
    .bind(by)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}
