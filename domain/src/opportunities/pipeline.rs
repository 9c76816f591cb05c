//! The pipeline: opportunities by stage as the reader may see them, moving one to another stage
//! (one mover wins when two move the same card), and editing what an opportunity is about.

use serde_json::json;
use sqlx::Row;

use super::stages::{self, Stage};
use super::{parse_close_date, NewOpportunity};
use crate::acting::Actor;
use crate::audit;
use crate::clock::now_ms;
use crate::db::{contains_pattern, Arg, Conditions, Db};
use crate::error::{DomainError, DomainResult};
use crate::events;
use crate::objects::{Action, ObjectType};
use crate::policy::{record_filter, require_on};
use domain_types::lists::ListFilter;

pub use domain_types::opportunities::{BoardColumn, CurrencySum, OpportunityCard, OpportunityEdit, OpportunityProduct};

const OBJECT: ObjectType = ObjectType::Opportunity;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardQuery {
    /// Only the reader's own opportunities.
    pub mine_only: bool,
    /// Part of the opportunity's or the customer's name.
    pub search: String,
    /// Cards per column (the count and sums cover them all).
    pub per_stage: i64,
}

impl BoardQuery {
    pub fn of_filter(filter: &ListFilter, per_stage: i64) -> Self {
        BoardQuery { mine_only: filter.mine_only, search: filter.search.trim().to_string(), per_stage }
    }
}

/// The reader's scope over opportunities narrowed by the filter.
fn conditions(actor: &Actor, mine_only: bool, search: &str) -> Conditions {
    let f = record_filter(actor, OBJECT, Action::Read, "p", 1, now_ms());
    let mut w = Conditions::starting_with(&f.sql, &f.binds);
    if mine_only {
        w.add(" AND p.owner_id = $?0", vec![Arg::Int(actor.user_id)]);
    }
    let search = search.trim();
    if !search.is_empty() {
        w.add(
            " AND (LOWER(p.name) LIKE $?0 ESCAPE '\\' OR p.customer_id IN (SELECT cs.id FROM customers cs WHERE LOWER(cs.name) LIKE $?0 ESCAPE '\\'))",
            vec![Arg::Text(contains_pattern(search))],
        );
    }
    w
}

/// A page of cards: the opportunities matching `condition`, ordered and cut to `limit` before the
/// names are joined in, so the database joins a page of rows rather than every match (a branch
/// has tens of thousands).
fn cards_sql(condition: &str, order: &str, limit: i64) -> String {
    format!(
        "SELECT p.id, p.customer_id, c.name AS customer_name, p.name, p.amount_minor, p.currency, p.stage_id, p.stage, \
         p.expected_close, p.competitors, p.lost_reason, p.owner_id, u.display_name AS owner_name, p.unit_id, o.name AS unit_name, p.updated_at \
         FROM (SELECT p.* FROM opportunities p WHERE {condition} ORDER BY {order} LIMIT {limit}) p \
         JOIN customers c ON c.id = p.customer_id LEFT JOIN users u ON u.id = p.owner_id JOIN org_units o ON o.id = p.unit_id \
         ORDER BY {order}"
    )
}

fn card_of(actor: &Actor, r: &sqlx::any::AnyRow) -> DomainResult<OpportunityCard> {
    let may = |f: &str| actor.fields.can_read(OBJECT, f);
    Ok(OpportunityCard {
        id: r.try_get("id")?,
        customer_id: r.try_get("customer_id")?,
        customer_name: r.try_get("customer_name")?,
        name: r.try_get("name")?,
        amount_minor: if may("amount_minor") { Some(r.try_get("amount_minor")?) } else { None },
        currency: r.try_get("currency")?,
        stage_id: r.try_get::<Option<i64>, _>("stage_id")?.unwrap_or_default(),
        outcome: r.try_get("stage")?,
        expected_close: r.try_get("expected_close")?,
        competitors: if may("competitors") { r.try_get("competitors")? } else { String::new() },
        lost_reason: if may("lost_reason") { r.try_get("lost_reason")? } else { String::new() },
        owner_id: r.try_get("owner_id")?,
        owner_name: r.try_get("owner_name")?,
        unit_id: r.try_get("unit_id")?,
        unit_name: r.try_get("unit_name")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// The board: every stage in order with the count and sums of the opportunities the reader may
/// see in it, and the most recently changed cards.
pub async fn board(db: &Db, actor: &Actor, q: &BoardQuery) -> DomainResult<Vec<BoardColumn>> {
    if !actor.grants.can(OBJECT, Action::Read) {
        return Err(DomainError::Forbidden);
    }
    let mut conn = db.pool().acquire().await?;
    let stages = stages::list_on(&mut conn).await?;
    let w = conditions(actor, q.mine_only, &q.search);
    let amounts = actor.fields.can_read(OBJECT, "amount_minor");
    let query = w.query(format!(
        "SELECT p.stage_id, p.currency, COUNT(*) AS n, CAST(COALESCE(SUM(p.amount_minor), 0) AS BIGINT) AS total \
         FROM opportunities p WHERE {} GROUP BY p.stage_id, p.currency",
        w.sql
    ));
    let sums = query.fetch_all(&mut *conn).await?;

    let mut columns = Vec::with_capacity(stages.len());
    for stage in stages {
        let mut column = BoardColumn { stage: stage.clone(), count: 0, sums: Vec::new(), cards: Vec::new() };
        for r in &sums {
            if r.try_get::<Option<i64>, _>("stage_id")? == Some(stage.id) {
                column.count += r.try_get::<i64, _>("n")?;
                if amounts {
                    column.sums.push(CurrencySum { currency: r.try_get("currency")?, amount_minor: r.try_get("total")? });
                }
            }
        }
        column.sums.sort_by(|a, b| a.currency.cmp(&b.currency));
        if column.count > 0 {
            let mut cards = w.clone();
            cards.add(" AND p.stage_id = $?0", vec![Arg::Int(stage.id)]);
            let query = cards.query(cards_sql(&cards.sql, "p.updated_at DESC, p.id DESC", q.per_stage.clamp(1, 200)));
            let rows = query.fetch_all(&mut *conn).await?;
            column.cards = rows.iter().map(|r| card_of(actor, r)).collect::<DomainResult<_>>()?;
        }
        columns.push(column);
    }
    Ok(columns)
}

/// The opportunities the actor may read that match the filter, newest first, `limit` after the
/// keyset `before_id`.
pub async fn list(db: &Db, actor: &Actor, filter: &ListFilter, before_id: Option<i64>, limit: i64) -> DomainResult<Vec<OpportunityCard>> {
    if !actor.grants.can(OBJECT, Action::Read) {
        return Err(DomainError::Forbidden);
    }
    let mut w = conditions(actor, filter.mine_only, &filter.search);
    if let Some(b) = before_id {
        w.add(" AND p.id < $?0", vec![Arg::Int(b)]);
    }
    let query = w.query(cards_sql(&w.sql, "p.id DESC", limit.clamp(1, 500)));
    query.fetch_all(db.pool()).await?.iter().map(|r| card_of(actor, r)).collect()
}

/// One opportunity the actor may read.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> DomainResult<OpportunityCard> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, id).await?;
    let sql = cards_sql("p.id = $1", "p.id", 1);
    let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *conn).await?;
    card_of(actor, &r)
}

/// The products an opportunity is about, as (product id, quantity).
pub async fn products_of(db: &Db, actor: &Actor, id: i64) -> DomainResult<Vec<OpportunityProduct>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, id).await?;
    let rows = sqlx::query("SELECT product_id, quantity FROM opportunity_products WHERE opportunity_id = $1 ORDER BY product_id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(OpportunityProduct { product_id: r.try_get("product_id")?, quantity: r.try_get("quantity")? })).collect()
}

/// How a move changes the customer's count of open deals.
fn open_deals_change(from: &str, to: &str) -> i64 {
    match (from == "open", to == "open") {
        (true, false) => -1,
        (false, true) => 1,
        _ => 0,
    }
}

/// Moves an opportunity from the stage the mover saw it in to another. A lost stage needs a
/// reason. When the card is no longer where the mover saw it, the move is refused as a conflict,
/// unless it already stands where they wanted it (a repeated move changes nothing).
pub async fn move_to(db: &Db, actor: &Actor, id: i64, from_stage: i64, to_stage: i64, lost_reason: &str) -> DomainResult<()> {
    let reason = lost_reason.trim();
    if reason.chars().count() > 500 {
        return Err(DomainError::invalid("lost_reason", "too_long"));
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, id).await?;
    let to: Stage = stages::get_on(&mut tx, to_stage).await?;
    if to.outcome == "lost" && reason.is_empty() {
        return Err(DomainError::invalid("lost_reason", "required"));
    }
    let before = sqlx::query("SELECT stage_id, stage, customer_id FROM opportunities WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
    let before_stage: Option<i64> = before.try_get("stage_id")?;
    let before_outcome: String = before.try_get("stage")?;
    let customer: i64 = before.try_get("customer_id")?;
    if before_stage == Some(to_stage) {
        return Ok(());
    }
    let now = now_ms();
    let moved = sqlx::query(
        "UPDATE opportunities SET stage_id = $2, stage = $3, lost_reason = $4, updated_at = $5 WHERE id = $1 AND stage_id = $6",
    )
    .bind(id)
    .bind(to_stage)
    .bind(&to.outcome)
    .bind(if to.outcome == "lost" { reason } else { "" })
    .bind(now)
    .bind(from_stage)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        // Someone else moved it first (the read above may predate their commit on PostgreSQL).
        let now_at: Option<i64> = sqlx::query("SELECT stage_id FROM opportunities WHERE id = $1").bind(id).fetch_one(&mut *tx).await?.try_get("stage_id")?;
        return if now_at == Some(to_stage) { Ok(()) } else { Err(DomainError::Conflict("opportunity_moved".into())) };
    }
    let change = open_deals_change(&before_outcome, &to.outcome);
    if change != 0 {
        // Never below zero, whatever older data says (GREATEST and SQLite's two-argument MAX).
        let max = if db.dialect() == crate::db::Dialect::Postgres { "GREATEST" } else { "MAX" };
        let sql = format!("UPDATE customers SET open_deals = {max}(open_deals + $2, 0), updated_at = $3 WHERE id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(customer)
            .bind(change)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    events::write(&mut tx, "opportunity.stage", OBJECT, id, Some(actor.user_id), None, json!({ "customer_id": customer, "stage_id": to_stage, "from_stage_id": from_stage })).await?;
    audit::record(&mut tx, Some(actor.user_id), "opportunity", Some(id), "stage", Some(json!({ "stage_id": before_stage })), Some(json!({ "stage_id": to_stage, "lost_reason": reason }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes what an opportunity is about: name, amount, expected close, competitors and products
/// (only from the lines the editor may sell; any other product refuses the whole change).
pub async fn update(db: &Db, actor: &Actor, id: i64, edit: &OpportunityEdit) -> DomainResult<()> {
    let checked = NewOpportunity { name: edit.name.clone(), amount_minor: edit.amount_minor, currency: edit.currency.clone(), expected_close: edit.expected_close.clone() }.validated()?;
    let close = parse_close_date(&checked.expected_close)?;
    let competitors = edit.competitors.trim();
    if competitors.chars().count() > 500 {
        return Err(DomainError::invalid("competitors", "too_long"));
    }
    let mut products = edit.products.clone();
    products.sort_by_key(|p| p.product_id);
    products.dedup_by_key(|p| p.product_id);
    if products.iter().any(|p| !(1..=1_000_000).contains(&p.quantity)) {
        return Err(DomainError::invalid("quantity", "out_of_range"));
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, id).await?;
    let before = get_row(&mut tx, id).await?;
    let mut changed: Vec<&str> = Vec::new();
    if before.0 != checked.amount_minor || before.1 != checked.currency {
        changed.push("amount_minor");
    }
    if before.2 != competitors {
        changed.push("competitors");
    }
    actor.fields.check_writes(OBJECT, changed.iter().copied())?;
    for p in &products {
        crate::sales::products::sellable_on(&mut tx, actor, p.product_id).await?;
    }
    let now = now_ms();
    sqlx::query("UPDATE opportunities SET name = $2, amount_minor = $3, currency = $4, expected_close = $5, competitors = $6, updated_at = $7 WHERE id = $1")
        .bind(id)
        .bind(&checked.name)
        .bind(checked.amount_minor)
        .bind(&checked.currency)
        .bind(close)
        .bind(competitors)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM opportunity_products WHERE opportunity_id = $1").bind(id).execute(&mut *tx).await?;
    for p in &products {
        sqlx::query("INSERT INTO opportunity_products (opportunity_id, product_id, quantity) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(p.product_id)
            .bind(p.quantity)
            .execute(&mut *tx)
            .await?;
    }
    let customer: i64 = sqlx::query("SELECT customer_id FROM opportunities WHERE id = $1").bind(id).fetch_one(&mut *tx).await?.try_get("customer_id")?;
    events::write(&mut tx, "opportunity.update", OBJECT, id, Some(actor.user_id), None, json!({ "customer_id": customer })).await?;
    audit::record(&mut tx, Some(actor.user_id), "opportunity", Some(id), "update", Some(json!({ "amount_minor": before.0, "currency": before.1 })), Some(json!({ "amount_minor": checked.amount_minor, "currency": checked.currency }))).await?;
    tx.commit().await?;
    Ok(())
}

async fn get_row(conn: &mut sqlx::AnyConnection, id: i64) -> DomainResult<(i64, String, String)> {
    let r = sqlx::query("SELECT amount_minor, currency, competitors FROM opportunities WHERE id = $1").bind(id).fetch_one(&mut *conn).await?;
    Ok((r.try_get("amount_minor")?, r.try_get("currency")?, r.try_get("competitors")?))
}

#[cfg(test)]
mod tests {
    use super::open_deals_change;

    #[test]
    fn closing_and_reopening_change_the_open_deal_count() {
        assert_eq!(open_deals_change("open", "won"), -1);
        assert_eq!(open_deals_change("open", "lost"), -1);
        assert_eq!(open_deals_change("lost", "open"), 1);
        assert_eq!(open_deals_change("won", "lost"), 0);
        assert_eq!(open_deals_change("open", "open"), 0);
    }
}
