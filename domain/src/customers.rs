//! Customers. The foundation holds the table and its creation; lists, pools and the 360 view
//! build on the policy engine.

use sqlx::Row;

use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};

#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub name: String,
    pub kind: &'static str,
    pub industry: String,
    pub province: String,
    pub city: String,
    pub phone: String,
    pub level: char,
    pub source: String,
    pub owner_id: Option<i64>,
    pub unit_id: i64,
}

pub async fn insert_customer_tx(tx: &mut Tx, c: &NewCustomer, created_by: Option<i64>) -> DomainResult<i64> {
    let name = c.name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid("name", "required"));
    }
    if !matches!(c.level, 'A' | 'B' | 'C' | 'D') {
        return Err(DomainError::invalid("level", "unknown_level"));
    }
    let now = now_ms();
    Ok(sqlx::query(
        "INSERT INTO customers (name, kind, industry, province, city, phone, level, source, status, owner_id, unit_id, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10, $11, $11, $12) RETURNING id",
    )
    .bind(name)
    .bind(c.kind)
    .bind(&c.industry)
    .bind(&c.province)
    .bind(&c.city)
    .bind(&c.phone)
    .bind(c.level.to_string())
    .bind(&c.source)
    .bind(c.owner_id)
    .bind(c.unit_id)
    .bind(now)
    .bind(created_by)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

pub async fn count_all(db: &Db) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM customers").fetch_one(db.pool()).await?.try_get("n")?)
}
