//! Contracts (合同/订单): written by sales on a customer they may read, with lines of products they
//! may sell and a payment plan that adds up to the amount. Submitted to the contract approval
//! flow; once approved the owner (or whoever may update it) marks it signed, and signing creates
//! the receivables (回款计划) and, in the same transaction, the work of the departments that
//! follow: finance of the contract's subsidiary is asked to invoice, the customer's service unit
//! to prepare delivery, each with a task and a live notification.

use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::lines::{self, LineTable, PricedLine};
use super::{checked_money, ContractActions, ContractInput, ContractRow, ContractView, InstalmentRow};
use crate::acting::Actor;
use crate::approvals::routing::{role_holders, unit_at};
use crate::approvals::UnitLevel;
use crate::audit;
use crate::clock::{now_ms, DAY_MS};
use crate::db::{contains_pattern, Arg, Conditions, Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::events;
use crate::objects::{Action, ObjectType};
use crate::policy::{decide_on, record_filter, require_on};
use crate::tasks::Priority;
use domain_types::lists::ListFilter;

pub const OBJECT: ObjectType = ObjectType::Contract;
const MAX_INSTALMENTS: usize = 36;

struct Checked {
    title: String,
    terms: String,
    currency: String,
    lines: Vec<PricedLine>,
    instalments: Vec<(i64, i64)>,
    amount_minor: i64,
    max_discount_bp: i64,
    /// The product line of the largest line (what approval conditions on a line look at).
    product_line: Option<String>,
}

pub use super::lines::line_amount;

/// Parses the typed contract once: every product must be one the actor may sell, the plan must
/// add up to the amount, the money must fit.
async fn check(conn: &mut AnyConnection, actor: &Actor, c: &ContractInput) -> DomainResult<Checked> {
    check_priced(conn, actor, c, None).await
}

/// As [`check`], with the unit prices agreed in a quote instead of today's catalogue prices.
async fn check_priced(conn: &mut AnyConnection, actor: &Actor, c: &ContractInput, quoted: Option<&[i64]>) -> DomainResult<Checked> {
    let title = c.title.trim().to_string();
    if title.is_empty() {
        return Err(DomainError::invalid("contract_title", "required"));
    }
    if title.chars().count() > 200 {
        return Err(DomainError::invalid("contract_title", "too_long"));
    }
    if c.terms.chars().count() > 4000 {
        return Err(DomainError::invalid("terms", "too_long"));
    }
    // Nobody writes a contract for a customer they may not see.
    require_on(conn, actor, ObjectType::Customer, Action::Read, c.customer_id).await?;
    let mut priced = lines::price(conn, actor, &c.lines).await?;
    if let Some(prices) = quoted {
        for (line, price) in priced.lines.iter_mut().zip(prices) {
            line.unit_price_minor = *price;
            line.amount_minor = line_amount(line.quantity, *price, line.discount_bp).ok_or(DomainError::invalid("amount", "out_of_range"))?;
        }
        priced.amount_minor = checked_money("amount", priced.lines.iter().try_fold(0i64, |s, l| s.checked_add(l.amount_minor)).ok_or(DomainError::invalid("amount", "out_of_range"))?)?;
    }
    let amount_minor = priced.amount_minor;
    if c.instalments.is_empty() {
        return Err(DomainError::invalid("instalments", "required"));
    }
    if c.instalments.len() > MAX_INSTALMENTS {
        return Err(DomainError::invalid("instalments", "too_many"));
    }
    let mut instalments: Vec<(i64, i64)> = Vec::new();
    for i in &c.instalments {
        if i.amount_minor <= 0 {
            return Err(DomainError::invalid("instalment_amount", "out_of_range"));
        }
        if i.due_at <= 0 {
            return Err(DomainError::invalid("due_date", "required"));
        }
        instalments.push((i.due_at, checked_money("instalment_amount", i.amount_minor)?));
    }
    instalments.sort();
    let planned = instalments.iter().try_fold(0i64, |s, (_, a)| s.checked_add(*a)).ok_or(DomainError::invalid("instalment_amount", "out_of_range"))?;
    if planned != amount_minor {
        return Err(DomainError::invalid("instalments", "sum_mismatch"));
    }
    let currency = priced.currency;
    let wanted = c.currency.trim().to_ascii_uppercase();
    if !wanted.is_empty() && wanted != currency {
        return Err(DomainError::invalid("currency", "mixed"));
    }
    Ok(Checked {
        title,
        terms: c.terms.trim().to_string(),
        currency,
        max_discount_bp: priced.max_discount_bp,
        product_line: priced.product_line,
        lines: priced.lines,
        instalments,
        amount_minor,
    })
}

async fn write_parts(tx: &mut Tx, id: i64, c: &Checked) -> DomainResult<()> {
    lines::write(tx, LineTable::Contract, id, &c.lines).await?;
    sqlx::query("DELETE FROM contract_instalments WHERE contract_id = $1").bind(id).execute(&mut **tx).await?;
    for (seq, (due, amount)) in c.instalments.iter().enumerate() {
        sqlx::query("INSERT INTO contract_instalments (contract_id, seq, due_at, amount_minor) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(seq as i64 + 1)
            .bind(*due)
            .bind(*amount)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Creates a draft contract owned by the actor in their primary unit.
pub async fn create(db: &Db, actor: &Actor, input: &ContractInput) -> DomainResult<i64> {
    if !actor.may_create(OBJECT) {
        return Err(DomainError::Forbidden);
    }
    let mut tx = db.begin_write().await?;
    let c = check(&mut tx, actor, input).await?;
    let id = insert(&mut tx, actor, input, &c).await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates the draft contract of an approved quote, at the quoted prices; a quote becomes one
/// contract only (a second attempt, or a concurrent one, is refused).
pub(crate) async fn create_from_quote(db: &Db, actor: &Actor, input: &ContractInput, quote: i64) -> DomainResult<i64> {
    if !actor.may_create(OBJECT) {
        return Err(DomainError::Forbidden);
    }
    let mut tx = db.begin_write().await?;
    let prices: Vec<i64> = sqlx::query("SELECT unit_price_minor FROM quote_lines WHERE quote_id = $1 ORDER BY id")
        .bind(quote)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get("unit_price_minor"))
        .collect::<Result<_, _>>()?;
    let c = check_priced(&mut tx, actor, input, Some(&prices)).await?;
    let id = insert(&mut tx, actor, input, &c).await?;
    let won = sqlx::query("UPDATE quotes SET contract_id = $2, updated_at = $3 WHERE id = $1 AND contract_id IS NULL AND state = 'approved'")
        .bind(quote)
        .bind(id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if won != 1 {
        return Err(DomainError::Conflict("quote_already_contracted".into()));
    }
    tx.commit().await?;
    Ok(id)
}

async fn insert(tx: &mut Tx, actor: &Actor, input: &ContractInput, c: &Checked) -> DomainResult<i64> {
    let now = now_ms();
    let id: i64 = sqlx::query(
        "INSERT INTO contracts (number, title, customer_id, state, amount_minor, currency, max_discount_bp, product_line, terms, \
         owner_id, unit_id, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $11, $9) RETURNING id",
    )
    .bind(format!("draft-{now}-{}", rand::random::<u64>()))
    .bind(&c.title)
    .bind(input.customer_id)
    .bind(c.amount_minor)
    .bind(&c.currency)
    .bind(c.max_discount_bp)
    .bind(c.product_line.clone())
    .bind(&c.terms)
    .bind(actor.user_id)
    .bind(actor.units[0])
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    sqlx::query("UPDATE contracts SET number = $2 WHERE id = $1").bind(id).bind(format!("HT-{id:06}")).execute(&mut **tx).await?;
    write_parts(tx, id, c).await?;
    events::write(tx, "contract.create", OBJECT, id, Some(actor.user_id), None, json!({ "customer_id": input.customer_id })).await?;
    audit::record(tx, Some(actor.user_id), "contract", Some(id), "create", None, Some(json!({"title": c.title, "amount_minor": c.amount_minor}))).await?;
    Ok(id)
}

/// Rewrites a draft (after a rejection, say). Refused while under approval or once approved.
pub async fn update_draft(db: &Db, actor: &Actor, id: i64, input: &ContractInput) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, id).await?;
    crate::approvals::ensure_not_under_approval(&mut tx, OBJECT.as_str(), id).await?;
    let c = check(&mut tx, actor, input).await?;
    let changed = sqlx::query(
        "UPDATE contracts SET title = $2, customer_id = $3, amount_minor = $4, currency = $5, max_discount_bp = $6, product_line = $7, \
         terms = $8, updated_at = $9 WHERE id = $1 AND state = 'draft'",
    )
    .bind(id)
    .bind(&c.title)
    .bind(input.customer_id)
    .bind(c.amount_minor)
    .bind(&c.currency)
    .bind(c.max_discount_bp)
    .bind(c.product_line.clone())
    .bind(&c.terms)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(DomainError::Conflict("document_not_draft".into()));
    }
    write_parts(&mut tx, id, &c).await?;
    events::write(&mut tx, "contract.update", OBJECT, id, Some(actor.user_id), None, json!({})).await?;
    audit::record(&mut tx, Some(actor.user_id), "contract", Some(id), "update", None, Some(json!({"title": c.title, "amount_minor": c.amount_minor}))).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks an approved contract signed. In the same transaction: the receivables of its payment
/// plan, a task and a notification for finance of the contract's subsidiary (to invoice) and for
/// the customer's service unit (to prepare delivery). Signing twice signs once.
pub async fn sign(db: &Db, actor: &Actor, id: i64) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, id).await?;
    let now = now_ms();
    let won = sqlx::query("UPDATE contracts SET state = 'signed', signed_at = $2, updated_at = $2 WHERE id = $1 AND state = 'approved'")
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if won != 1 {
        let state: String = sqlx::query("SELECT state FROM contracts WHERE id = $1").bind(id).fetch_one(&mut *tx).await?.try_get("state")?;
        return Err(DomainError::Conflict(if state == "signed" { "contract_already_signed" } else { "contract_not_approved" }.into()));
    }
    let k = sqlx::query(
        "SELECT k.number, k.title, k.currency, k.owner_id, k.unit_id, c.unit_id AS customer_unit, c.name AS customer_name \
         FROM contracts k JOIN customers c ON c.id = k.customer_id WHERE k.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let owner: Option<i64> = k.try_get("owner_id")?;
    let unit: i64 = k.try_get("unit_id")?;
    let number: String = k.try_get("number")?;
    let title: String = k.try_get("title")?;
    let customer_name: String = k.try_get("customer_name")?;
    sqlx::query(
        "INSERT INTO receivables (contract_id, seq, due_at, amount_minor, received_minor, currency, owner_id, unit_id, created_at, updated_at, created_by) \
         SELECT contract_id, seq, due_at, amount_minor, 0, $2, $3, $4, $5, $5, $6 FROM contract_instalments WHERE contract_id = $1",
    )
    .bind(id)
    .bind(k.try_get::<String, _>("currency")?)
    .bind(owner)
    .bind(unit)
    .bind(now)
    .bind(actor.user_id)
    .execute(&mut *tx)
    .await?;
    let customer: i64 = sqlx::query("SELECT customer_id FROM contracts WHERE id = $1").bind(id).fetch_one(&mut *tx).await?.try_get("customer_id")?;
    events::write(&mut tx, "contract.signed", OBJECT, id, Some(actor.user_id), None, json!({ "customer_id": customer })).await?;
    // Finance of the contract's subsidiary invoices; the service unit of the customer's branch
    // (or, without one, of the subsidiary) prepares delivery. One task each, to the first of
    // them; all of them are told.
    let finance_unit = unit_at(&mut tx, unit, UnitLevel::Subsidiary).await?.map(|(u, _)| u);
    let service_unit = match unit_at(&mut tx, k.try_get("customer_unit")?, UnitLevel::Branch).await? {
        Some((u, _)) => Some(u),
        None => finance_unit,
    };
    let work = [
        ("finance", finance_unit, format!("开票：{number} {title}"), format!("合同已签订（客户：{customer_name}），请开具发票。")),
        ("service", service_unit, format!("准备交付：{number} {title}"), format!("合同已签订（客户：{customer_name}），请准备交付。")),
    ];
    for (role, place, task_title, description) in work {
        let Some(place) = place else { continue };
        let people = role_holders(&mut tx, role, place).await?;
        if let Some(first) = people.first() {
            crate::tasks::insert_tx(&mut tx, actor.user_id, *first, &task_title, &description, Some(now + 3 * DAY_MS), Priority::High, Some((OBJECT, id))).await?;
        }
        for other in people.iter().skip(1) {
            events::write(&mut tx, "contract.signed", OBJECT, id, Some(actor.user_id), Some(*other), json!({ "for": role, "customer_id": customer })).await?;
        }
    }
    audit::record(&mut tx, Some(actor.user_id), "contract", Some(id), "sign", Some(json!({"state": "approved"})), Some(json!({"state": "signed"}))).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContractQuery {
    pub state: Option<String>,
    pub customer_id: Option<i64>,
    /// Part of the number, the title or the customer's name.
    pub search: String,
    /// Only the reader's own contracts.
    pub mine_only: bool,
    /// Keyset paging: contracts with a smaller id than this (newest first).
    pub before_id: Option<i64>,
    pub limit: i64,
}

impl ContractQuery {
    /// The query of the contract list's filter; an unknown state is refused rather than ignored.
    pub fn of_filter(filter: &ListFilter, before_id: Option<i64>, limit: i64) -> DomainResult<Self> {
        let state = filter.state.trim();
        if !state.is_empty() && !STATES.contains(&state) {
            return Err(DomainError::invalid("state", "unknown_state"));
        }
        Ok(ContractQuery {
            state: (!state.is_empty()).then(|| state.to_string()),
            customer_id: None,
            search: filter.search.trim().to_string(),
            mine_only: filter.mine_only,
            before_id,
            limit,
        })
    }
}

pub use domain_types::sales::CONTRACT_STATES as STATES;

const ROW_SELECT: &str = "SELECT k.id, k.number, k.title, k.customer_id, c.name AS customer_name, k.state, k.amount_minor, k.currency, \
    k.owner_id, u.display_name AS owner_name, k.signed_at, k.updated_at, \
    CAST((SELECT COALESCE(SUM(r.received_minor), 0) FROM receivables r WHERE r.contract_id = k.id) AS BIGINT) AS received_minor \
    FROM contracts k JOIN customers c ON c.id = k.customer_id LEFT JOIN users u ON u.id = k.owner_id";

/// Whether the actor may read the amounts received on a contract: those of its receivables.
fn may_read_received(actor: &Actor) -> bool {
    actor.grants.can(ObjectType::Receivable, Action::Read) && actor.fields.can_read(ObjectType::Receivable, "received_minor")
}

fn row_of(r: &sqlx::any::AnyRow, amounts: bool, received: bool) -> DomainResult<ContractRow> {
    Ok(ContractRow {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        title: r.try_get("title")?,
        customer_id: r.try_get("customer_id")?,
        customer_name: r.try_get("customer_name")?,
        state: r.try_get("state")?,
        amount_minor: if amounts { Some(r.try_get("amount_minor")?) } else { None },
        received_minor: if amounts && received { Some(r.try_get("received_minor")?) } else { None },
        currency: r.try_get("currency")?,
        owner_id: r.try_get("owner_id")?,
        owner_name: r.try_get("owner_name")?,
        signed_at: r.try_get("signed_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// The contracts the actor may read, newest first.
pub async fn list(db: &Db, actor: &Actor, q: &ContractQuery) -> DomainResult<Vec<ContractRow>> {
    if !actor.grants.can(OBJECT, Action::Read) {
        return Err(DomainError::Forbidden);
    }
    let f = record_filter(actor, OBJECT, Action::Read, "k", 1, now_ms());
    let mut w = Conditions::starting_with(&f.sql, &f.binds);
    if let Some(c) = q.customer_id {
        w.add(" AND k.customer_id = $?0", vec![Arg::Int(c)]);
    }
    if q.mine_only {
        w.add(" AND k.owner_id = $?0", vec![Arg::Int(actor.user_id)]);
    }
    if let Some(b) = q.before_id {
        w.add(" AND k.id < $?0", vec![Arg::Int(b)]);
    }
    if let Some(s) = q.state.as_deref().filter(|s| STATES.contains(s)) {
        w.add(" AND k.state = $?0", vec![Arg::Text(s.to_string())]);
    }
    if !q.search.is_empty() {
        w.add(
            " AND (LOWER(k.number) LIKE $?0 ESCAPE '\\' OR LOWER(k.title) LIKE $?0 ESCAPE '\\' OR LOWER(c.name) LIKE $?0 ESCAPE '\\')",
            vec![Arg::Text(contains_pattern(&q.search))],
        );
    }
    let query = w.query(format!("{ROW_SELECT} WHERE {} ORDER BY k.id DESC LIMIT {}", w.sql, q.limit.clamp(1, 200)));
    let amounts = actor.fields.can_read(OBJECT, "amount_minor");
    let received = may_read_received(actor);
    query.fetch_all(db.pool()).await?.iter().map(|r| row_of(r, amounts, received)).collect()
}

/// One contract with its lines, plan, receivables and receipts, as the actor may read them.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> DomainResult<ContractView> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, id).await?;
    let amounts = actor.fields.can_read(OBJECT, "amount_minor");
    let sql = format!("{ROW_SELECT} WHERE k.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *conn).await?;
    let contract = row_of(&r, amounts, may_read_received(actor))?;
    let extra = sqlx::query("SELECT terms, reject_reason FROM contracts WHERE id = $1").bind(id).fetch_one(&mut *conn).await?;
    let lines = lines::read(&mut conn, LineTable::Contract, id, amounts).await?;
    let instalments = sqlx::query("SELECT seq, due_at, amount_minor FROM contract_instalments WHERE contract_id = $1 ORDER BY seq")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|i| Ok(InstalmentRow { seq: i.try_get("seq")?, due_at: i.try_get("due_at")?, amount_minor: if amounts { Some(i.try_get("amount_minor")?) } else { None } }))
        .collect::<DomainResult<Vec<_>>>()?;
    let receivables = super::receivables::of_contract(&mut conn, actor, id).await?;
    let receipts = super::receivables::receipts_of_contract(&mut conn, actor, id).await?;
    let approval_id: Option<i64> = sqlx::query("SELECT id FROM approvals WHERE object = 'contract' AND record_id = $1 ORDER BY id DESC LIMIT 1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?;
    let may_update = decide_on(&mut conn, actor, OBJECT, Action::Update, id).await?.allowed;
    let finance = match receivables.first() {
        Some(r) => decide_on(&mut conn, actor, ObjectType::Receivable, Action::Update, r.id).await?.allowed,
        None => false,
    };
    let signed = contract.state == "signed";
    let invoices = super::invoices::of_contract(&mut conn, actor, id).await?;
    let actions = ContractActions {
        submit: may_update && contract.state == "draft",
        sign: may_update && contract.state == "approved",
        record_receipt: signed && finance,
        request_invoice: signed && may_update,
        decide_invoice: signed && finance,
    };
    Ok(ContractView {
        contract,
        terms: extra.try_get("terms")?,
        reject_reason: extra.try_get("reject_reason")?,
        lines,
        instalments,
        receivables,
        receipts,
        invoices,
        approval_id,
        actions,
    })
}
