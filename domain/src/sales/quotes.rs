//! Quotes (报价): lines of products the writer may sell with quantities and discounts. Submitting
//! a quote whose largest discount exceeds the configured threshold runs the quote approval flow;
//! one within it is approved at once. An approved quote becomes a contract (once), keeping the
//! quoted prices and discounts.

use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::lines::{self, LineTable};
use super::{InstalmentInput, QuoteActions, QuoteInput, QuoteRow, QuoteView};
use crate::acting::Actor;
use crate::audit;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::events;
use crate::objects::{Action, ObjectType};
use crate::policy::{decide_on, record_filter, require_on};

pub const OBJECT: ObjectType = ObjectType::Quote;
const THRESHOLD_KEY: &str = "quote_discount_threshold_bp";

/// The discount (basis points) above which a quote needs approval.
pub async fn threshold_on(conn: &mut AnyConnection) -> DomainResult<i64> {
    Ok(sqlx::query("SELECT value FROM sales_settings WHERE key = $1").bind(THRESHOLD_KEY).fetch_optional(&mut *conn).await?.map(|r| r.try_get("value")).transpose()?.unwrap_or(1_000))
}

/// Administrators set the approval threshold (0 to 100 %).
pub async fn set_threshold(db: &Db, actor: &Actor, bp: i64) -> DomainResult<()> {
    actor.require_admin()?;
    if !(0..=10_000).contains(&bp) {
        return Err(DomainError::invalid("discount", "out_of_range"));
    }
    let mut tx = db.begin_write().await?;
    let before = threshold_on(&mut tx).await?;
    sqlx::query("UPDATE sales_settings SET value = $2 WHERE key = $1").bind(THRESHOLD_KEY).bind(bp).execute(&mut *tx).await?;
    audit::record(&mut tx, Some(actor.user_id), "sales_settings", None, "update", Some(json!({ THRESHOLD_KEY: before })), Some(json!({ THRESHOLD_KEY: bp }))).await?;
    tx.commit().await?;
    Ok(())
}

struct Checked {
    title: String,
    note: String,
    priced: lines::Priced,
}

async fn check(conn: &mut AnyConnection, actor: &Actor, q: &QuoteInput) -> DomainResult<Checked> {
    let title = q.title.trim().to_string();
    if title.is_empty() {
        return Err(DomainError::invalid("quote_title", "required"));
    }
    if title.chars().count() > 200 || q.note.trim().chars().count() > 4000 {
        return Err(DomainError::invalid(if title.chars().count() > 200 { "quote_title" } else { "note" }, "too_long"));
    }
    require_on(conn, actor, ObjectType::Customer, Action::Read, q.customer_id).await?;
    let priced = lines::price(conn, actor, &q.lines).await?;
    Ok(Checked { title, note: q.note.trim().to_string(), priced })
}

pub async fn create(db: &Db, actor: &Actor, q: &QuoteInput) -> DomainResult<i64> {
    if !actor.may_create(OBJECT) {
        return Err(DomainError::Forbidden);
    }
    let mut tx = db.begin_write().await?;
    let c = check(&mut tx, actor, q).await?;
    let now = now_ms();
    let id: i64 = sqlx::query(
        "INSERT INTO quotes (number, title, customer_id, state, amount_minor, currency, max_discount_bp, product_line, valid_until, note, \
         owner_id, unit_id, created_at, updated_at, created_by) VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $10) RETURNING id",
    )
    .bind(format!("draft-{now}-{}", rand::random::<u64>()))
    .bind(&c.title)
    .bind(q.customer_id)
    .bind(c.priced.amount_minor)
    .bind(&c.priced.currency)
    .bind(c.priced.max_discount_bp)
    .bind(c.priced.product_line.clone())
    .bind(q.valid_until)
    .bind(&c.note)
    .bind(actor.user_id)
    .bind(actor.units[0])
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    sqlx::query("UPDATE quotes SET number = $2 WHERE id = $1").bind(id).bind(format!("BJ-{id:06}")).execute(&mut *tx).await?;
    lines::write(&mut tx, LineTable::Quote, id, &c.priced.lines).await?;
    events::write(&mut tx, "quote.create", OBJECT, id, Some(actor.user_id), None, json!({ "customer_id": q.customer_id })).await?;
    audit::record(&mut tx, Some(actor.user_id), "quote", Some(id), "create", None, Some(json!({"title": c.title, "amount_minor": c.priced.amount_minor}))).await?;
    tx.commit().await?;
    Ok(id)
}

/// Submits a draft quote: above the discount threshold it goes to the quote approval flow (the
/// approval's id is returned); within it the quote is approved at once (None).
pub async fn submit(db: &Db, actor: &Actor, id: i64) -> DomainResult<Option<i64>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Update, id).await?;
    let threshold = threshold_on(&mut conn).await?;
    let discount: i64 = sqlx::query("SELECT max_discount_bp FROM quotes WHERE id = $1").bind(id).fetch_one(&mut *conn).await?.try_get("max_discount_bp")?;
    drop(conn);
    if discount > threshold {
        return Ok(Some(crate::approvals::engine::submit(db, actor, OBJECT, id).await?));
    }
    let mut tx = db.begin_write().await?;
    crate::approvals::ensure_not_under_approval(&mut tx, OBJECT.as_str(), id).await?;
    let won = sqlx::query("UPDATE quotes SET state = 'approved', updated_at = $2 WHERE id = $1 AND state = 'draft'").bind(id).bind(now_ms()).execute(&mut *tx).await?.rows_affected();
    if won != 1 {
        return Err(DomainError::Conflict("document_not_draft".into()));
    }
    audit::record(&mut tx, Some(actor.user_id), "quote", Some(id), "approve_within_threshold", None, Some(json!({"discount_bp": discount, "threshold_bp": threshold}))).await?;
    tx.commit().await?;
    Ok(None)
}

/// Turns an approved quote into a draft contract with the quoted lines (prices and discounts as
/// quoted) and the given payment plan. Once per quote.
pub async fn to_contract(db: &Db, actor: &Actor, id: i64, instalments: &[InstalmentInput]) -> DomainResult<i64> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Update, id).await?;
    let q = sqlx::query("SELECT customer_id, title, note, state, contract_id FROM quotes WHERE id = $1").bind(id).fetch_one(&mut *conn).await?;
    if q.try_get::<String, _>("state")? != "approved" {
        return Err(DomainError::Conflict("quote_not_approved".into()));
    }
    if q.try_get::<Option<i64>, _>("contract_id")?.is_some() {
        return Err(DomainError::Conflict("quote_already_contracted".into()));
    }
    let lines: Vec<super::LineInput> = sqlx::query("SELECT product_id, quantity, discount_bp FROM quote_lines WHERE quote_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|l| Ok(super::LineInput { product_id: l.try_get("product_id")?, quantity: l.try_get("quantity")?, discount_bp: l.try_get("discount_bp")? }))
        .collect::<DomainResult<_>>()?;
    drop(conn);
    let input = super::ContractInput {
        customer_id: q.try_get("customer_id")?,
        title: q.try_get("title")?,
        currency: String::new(),
        terms: q.try_get("note")?,
        lines,
        instalments: instalments.to_vec(),
    };
    super::contracts::create_from_quote(db, actor, &input, id).await
}

const ROW_SELECT: &str = "SELECT q.id, q.number, q.title, q.customer_id, c.name AS customer_name, q.state, q.amount_minor, q.currency, \
    q.max_discount_bp, q.valid_until, q.contract_id, u.display_name AS owner_name, o.name AS unit_name, q.updated_at \
    FROM quotes q JOIN customers c ON c.id = q.customer_id LEFT JOIN users u ON u.id = q.owner_id JOIN org_units o ON o.id = q.unit_id";

fn row_of(r: &sqlx::any::AnyRow, amounts: bool) -> DomainResult<QuoteRow> {
    Ok(QuoteRow {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        title: r.try_get("title")?,
        customer_id: r.try_get("customer_id")?,
        customer_name: r.try_get("customer_name")?,
        state: r.try_get("state")?,
        amount_minor: if amounts { Some(r.try_get("amount_minor")?) } else { None },
        currency: r.try_get("currency")?,
        max_discount_bp: r.try_get("max_discount_bp")?,
        valid_until: r.try_get("valid_until")?,
        contract_id: r.try_get("contract_id")?,
        owner_name: r.try_get("owner_name")?,
        unit_name: r.try_get("unit_name")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// The quotes the actor may read, newest first.
pub async fn list(db: &Db, actor: &Actor, before_id: Option<i64>, limit: i64) -> DomainResult<Vec<QuoteRow>> {
    if !actor.grants.can(OBJECT, Action::Read) {
        return Err(DomainError::Forbidden);
    }
    let f = record_filter(actor, OBJECT, Action::Read, "q", 1, now_ms());
    let sql = format!("{ROW_SELECT} WHERE {} AND q.id < ${} ORDER BY q.id DESC LIMIT {}", f.sql, f.next_param(1), limit.clamp(1, 200));
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        query = query.bind(*b);
    }
    let amounts = actor.fields.can_read(OBJECT, "amount_minor");
    query.bind(before_id.unwrap_or(i64::MAX)).fetch_all(db.pool()).await?.iter().map(|r| row_of(r, amounts)).collect()
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> DomainResult<QuoteView> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, id).await?;
    let amounts = actor.fields.can_read(OBJECT, "amount_minor");
    let r = sqlx::query(sqlx::AssertSqlSafe(format!("{ROW_SELECT} WHERE q.id = $1"))).bind(id).fetch_one(&mut *conn).await?;
    let quote = row_of(&r, amounts)?;
    let extra = sqlx::query("SELECT note, reject_reason FROM quotes WHERE id = $1").bind(id).fetch_one(&mut *conn).await?;
    let lines = lines::read(&mut conn, LineTable::Quote, id, amounts).await?;
    let approval_id: Option<i64> = sqlx::query("SELECT id FROM approvals WHERE object = 'quote' AND record_id = $1 ORDER BY id DESC LIMIT 1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?;
    let may_update = decide_on(&mut conn, actor, OBJECT, Action::Update, id).await?.allowed;
    let actions = QuoteActions {
        submit: may_update && quote.state == "draft",
        to_contract: may_update && quote.state == "approved" && quote.contract_id.is_none() && actor.may_create(ObjectType::Contract),
    };
    Ok(QuoteView {
        quote,
        note: extra.try_get("note")?,
        reject_reason: extra.try_get("reject_reason")?,
        lines,
        approval_id,
        threshold_bp: threshold_on(&mut conn).await?,
        actions,
    })
}
