//! Receivables (回款计划) and receipts (回款). Signing a contract creates one receivable per
//! instalment; finance records receipts against them. A receipt never exceeds what is still
//! outstanding (an over-payment is refused with the outstanding amount, nothing is written); an
//! idempotency key made by the form records a resubmitted or double-clicked receipt once, and the
//! same key with different content is refused. A mistaken receipt is reversed with a reason,
//! never deleted. The contract's owner and their manager are told at once (bell and live page).
//!
//! Concurrency: the receivable's running total is raised by a conditional UPDATE that only
//! succeeds while the sum stays within the amount (row lock on PostgreSQL, one writer on
//! SQLite), and the idempotency key is UNIQUE: of concurrent submissions with one key exactly one
//! inserts, the others find its receipt.

use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::{MoneyTotals, ReceiptInput, ReceiptRow, ReceivableRow, RecordedReceipt, RECEIPT_METHODS};
use crate::acting::Actor;
use crate::audit;
use crate::clock::now_ms;
use crate::db::{contains_pattern, Arg, Conditions, Db};
use crate::error::{DomainError, DomainResult};
use crate::events;
use crate::objects::{Action, ObjectType};
use crate::policy::{record_filter, require_on};
use domain_types::lists::ListFilter;

pub const OBJECT: ObjectType = ObjectType::Receivable;

const ROW_SELECT: &str = "SELECT r.id, r.contract_id, k.number, k.title, c.name AS customer_name, r.seq, r.due_at, r.amount_minor, \
    r.received_minor, r.currency, u.display_name AS owner_name, o.name AS unit_name FROM receivables r \
    JOIN contracts k ON k.id = r.contract_id JOIN customers c ON c.id = k.customer_id \
    LEFT JOIN users u ON u.id = r.owner_id JOIN org_units o ON o.id = r.unit_id";

fn may_read_amounts(actor: &Actor) -> bool {
    actor.fields.can_read(OBJECT, "amount_minor") && actor.fields.can_read(ObjectType::Contract, "amount_minor")
}

fn row_of(r: &sqlx::any::AnyRow, amounts: bool, now: i64) -> DomainResult<ReceivableRow> {
    let amount: i64 = r.try_get("amount_minor")?;
    let received: i64 = r.try_get("received_minor")?;
    let due_at: i64 = r.try_get("due_at")?;
    Ok(ReceivableRow {
        id: r.try_get("id")?,
        contract_id: r.try_get("contract_id")?,
        contract_number: r.try_get("number")?,
        contract_title: r.try_get("title")?,
        customer_name: r.try_get("customer_name")?,
        seq: r.try_get("seq")?,
        due_at,
        amount_minor: amounts.then_some(amount),
        received_minor: amounts.then_some(received),
        outstanding_minor: amounts.then_some(amount - received),
        currency: r.try_get("currency")?,
        overdue: due_at < now && received < amount,
        owner_name: r.try_get("owner_name")?,
        unit_name: r.try_get("unit_name")?,
    })
}

/// The receivables of a contract the actor may read (none without a receivable grant).
pub(crate) async fn of_contract(conn: &mut AnyConnection, actor: &Actor, contract: i64) -> DomainResult<Vec<ReceivableRow>> {
    if !actor.grants.can(OBJECT, Action::Read) {
        return Ok(vec![]);
    }
    let now = now_ms();
    let f = record_filter(actor, OBJECT, Action::Read, "r", 1, now);
    let sql = format!("{ROW_SELECT} WHERE {} AND r.contract_id = ${} ORDER BY r.seq", f.sql, f.next_param(1));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        q = q.bind(*b);
    }
    let amounts = may_read_amounts(actor);
    q.bind(contract).fetch_all(&mut *conn).await?.iter().map(|r| row_of(r, amounts, now)).collect()
}

/// The receipts of a contract on receivables the actor may read, oldest first.
pub(crate) async fn receipts_of_contract(conn: &mut AnyConnection, actor: &Actor, contract: i64) -> DomainResult<Vec<ReceiptRow>> {
    if !actor.grants.can(OBJECT, Action::Read) {
        return Ok(vec![]);
    }
    let f = record_filter(actor, OBJECT, Action::Read, "r", 1, now_ms());
    let sql = format!(
        "SELECT p.id, p.receivable_id, r.seq, p.amount_minor, p.currency, p.received_at, p.method, p.reference, u.display_name AS recorded_by, \
         p.created_at, p.reversed_at, p.reverse_reason FROM receipts p JOIN receivables r ON r.id = p.receivable_id \
         JOIN users u ON u.id = p.created_by WHERE {} AND p.contract_id = ${} ORDER BY p.id",
        f.sql,
        f.next_param(1)
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        q = q.bind(*b);
    }
    let amounts = may_read_amounts(actor);
    q.bind(contract)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(ReceiptRow {
                id: r.try_get("id")?,
                receivable_id: r.try_get("receivable_id")?,
                seq: r.try_get("seq")?,
                amount_minor: if amounts { Some(r.try_get("amount_minor")?) } else { None },
                currency: r.try_get("currency")?,
                received_at: r.try_get("received_at")?,
                method: r.try_get("method")?,
                reference: r.try_get("reference")?,
                recorded_by: r.try_get("recorded_by")?,
                created_at: r.try_get("created_at")?,
                reversed_at: r.try_get("reversed_at")?,
                reverse_reason: r.try_get("reverse_reason")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceivableQuery {
    /// Only those due and not fully paid.
    pub overdue_only: bool,
    /// Only those still outstanding.
    pub open_only: bool,
    /// Only those of this unit and the units below it.
    pub unit_id: Option<i64>,
    /// Only those the reader owns.
    pub mine_only: bool,
    /// Part of the contract's number or title or of the customer's name.
    pub search: String,
    /// Keyset paging on (due date, id), earliest first.
    pub after: Option<(i64, i64)>,
    pub limit: i64,
}

impl ReceivableQuery {
    /// The query of the receivables list's filter.
    pub fn of_filter(filter: &ListFilter, after: Option<(i64, i64)>, limit: i64) -> Self {
        ReceivableQuery {
            overdue_only: filter.overdue_only,
            open_only: filter.open_only,
            unit_id: None,
            mine_only: filter.mine_only,
            search: filter.search.trim().to_string(),
            after,
            limit,
        }
    }
}

/// The receivables the actor may read, earliest due first.
pub async fn list(db: &Db, actor: &Actor, q: &ReceivableQuery) -> DomainResult<Vec<ReceivableRow>> {
    if !actor.grants.can(OBJECT, Action::Read) {
        return Err(DomainError::Forbidden);
    }
    let now = now_ms();
    let f = record_filter(actor, OBJECT, Action::Read, "r", 1, now);
    let mut w = Conditions::starting_with(&f.sql, &f.binds);
    if q.open_only || q.overdue_only {
        w.add(" AND r.received_minor < r.amount_minor", vec![]);
    }
    if q.overdue_only {
        w.add(" AND r.due_at < $?0", vec![Arg::Int(now)]);
    }
    if let Some(u) = q.unit_id {
        w.add(" AND r.unit_id IN (SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = $?0)", vec![Arg::Int(u)]);
    }
    if q.mine_only {
        w.add(" AND r.owner_id = $?0", vec![Arg::Int(actor.user_id)]);
    }
    if !q.search.is_empty() {
        w.add(
            " AND (LOWER(k.number) LIKE $?0 ESCAPE '\\' OR LOWER(k.title) LIKE $?0 ESCAPE '\\' OR LOWER(c.name) LIKE $?0 ESCAPE '\\')",
            vec![Arg::Text(contains_pattern(&q.search))],
        );
    }
    if let Some((due, id)) = q.after {
        w.add(" AND (r.due_at > $?0 OR (r.due_at = $?0 AND r.id > $?1))", vec![Arg::Int(due), Arg::Int(id)]);
    }
    let query = w.query(format!("{ROW_SELECT} WHERE {} ORDER BY r.due_at, r.id LIMIT {}", w.sql, q.limit.clamp(1, 200)));
    let amounts = may_read_amounts(actor);
    query.fetch_all(db.pool()).await?.iter().map(|r| row_of(r, amounts, now)).collect()
}

/// One receivable the actor may read.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> DomainResult<ReceivableRow> {
    if !actor.grants.can(OBJECT, Action::Read) {
        return Err(DomainError::NotFound);
    }
    let now = now_ms();
    let f = record_filter(actor, OBJECT, Action::Read, "r", 1, now);
    let sql = format!("{ROW_SELECT} WHERE {} AND r.id = ${}", f.sql, f.next_param(1));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        q = q.bind(*b);
    }
    let row = q.bind(id).fetch_optional(db.pool()).await?.ok_or(DomainError::NotFound)?;
    row_of(&row, may_read_amounts(actor), now)
}

/// Moves a receivable not yet fully received to another due date (a payment plan agreed anew),
/// with the update right on it; audited with the old and new dates. An overdue flag is cleared
/// when the new date lies ahead, so the overdue job judges it again.
pub async fn reschedule(db: &Db, actor: &Actor, id: i64, due_at: i64) -> DomainResult<()> {
    if !(0..=253_402_300_799_000).contains(&due_at) {
        return Err(DomainError::invalid("due_at", "out_of_range"));
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, id).await?;
    let row = sqlx::query("SELECT due_at, amount_minor, received_minor FROM receivables WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
    let old: i64 = row.try_get("due_at")?;
    if row.try_get::<i64, _>("received_minor")? >= row.try_get::<i64, _>("amount_minor")? {
        return Err(DomainError::Conflict("receivable_settled".into()));
    }
    let now = now_ms();
    sqlx::query("UPDATE receivables SET due_at = $2, updated_at = $3, overdue_flagged_at = CASE WHEN $2 > $3 THEN NULL ELSE overdue_flagged_at END WHERE id = $1")
        .bind(id)
        .bind(due_at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, Some(actor.user_id), "receivable", Some(id), "reschedule", Some(json!({ "due_at": old })), Some(json!({ "due_at": due_at }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Receivable, received and outstanding over what the actor may read: of one contract, or of a
/// unit and everything below it (None: everything they may read).
pub async fn totals(db: &Db, actor: &Actor, contract: Option<i64>, unit: Option<i64>) -> DomainResult<MoneyTotals> {
    if !actor.grants.can(OBJECT, Action::Read) || !may_read_amounts(actor) {
        return Err(DomainError::Forbidden);
    }
    let f = record_filter(actor, OBJECT, Action::Read, "r", 1, now_ms());
    let mut n = f.next_param(1);
    let mut binds = f.binds.clone();
    let mut sql = format!("SELECT CAST(COALESCE(SUM(r.amount_minor), 0) AS BIGINT) AS due, CAST(COALESCE(SUM(r.received_minor), 0) AS BIGINT) AS got FROM receivables r WHERE {}", f.sql);
    if let Some(c) = contract {
        sql.push_str(&format!(" AND r.contract_id = ${n}"));
        binds.push(c);
        n += 1;
    }
    if let Some(u) = unit {
        sql.push_str(&format!(" AND r.unit_id IN (SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = ${n})"));
        binds.push(u);
    }
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in binds {
        query = query.bind(b);
    }
    let r = query.fetch_one(db.pool()).await?;
    let due: i64 = r.try_get("due")?;
    let got: i64 = r.try_get("got")?;
    Ok(MoneyTotals { receivable_minor: due, received_minor: got, outstanding_minor: due - got })
}

struct CheckedReceipt {
    amount_minor: i64,
    received_at: i64,
    method: String,
    reference: String,
    key: String,
}

fn check(input: &ReceiptInput) -> DomainResult<CheckedReceipt> {
    if input.amount_minor <= 0 {
        return Err(DomainError::invalid("amount", "out_of_range"));
    }
    super::checked_money("amount", input.amount_minor)?;
    if input.received_at <= 0 {
        return Err(DomainError::invalid("received_at", "required"));
    }
    // Money that arrives tomorrow has not arrived: a day of slack for time zones.
    if input.received_at > now_ms() + crate::clock::DAY_MS {
        return Err(DomainError::invalid("received_at", "in_future"));
    }
    let method = input.method.trim();
    if !RECEIPT_METHODS.contains(&method) {
        return Err(DomainError::invalid("method", "unknown"));
    }
    let reference = input.reference.trim();
    if reference.chars().count() > 100 {
        return Err(DomainError::invalid("reference", "too_long"));
    }
    let key = input.idempotency_key.trim();
    if !(8..=100).contains(&key.chars().count()) {
        return Err(DomainError::invalid("idempotency_key", "format"));
    }
    Ok(CheckedReceipt {
        amount_minor: input.amount_minor,
        received_at: input.received_at,
        method: method.to_string(),
        reference: reference.to_string(),
        key: key.to_string(),
    })
}

fn fingerprint(actor: &Actor, receivable: i64, c: &CheckedReceipt) -> String {
    format!("{}|{}|{}|{}|{}|{}", actor.user_id, receivable, c.amount_minor, c.received_at, c.method, c.reference)
}

/// The receipt an earlier submission with this key recorded: the same content answers with it,
/// different content is refused.
async fn earlier(conn: &mut AnyConnection, key: &str, print: &str) -> DomainResult<Option<RecordedReceipt>> {
    let Some(r) = sqlx::query("SELECT id, fingerprint FROM receipts WHERE idempotency_key = $1").bind(key).fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    if r.try_get::<String, _>("fingerprint")? != print {
        return Err(DomainError::Conflict("idempotency_key_reused".into()));
    }
    Ok(Some(RecordedReceipt { id: r.try_get("id")?, duplicate: true }))
}

/// Finance records money received against a receivable.
pub async fn record_receipt(db: &Db, actor: &Actor, input: &ReceiptInput) -> DomainResult<RecordedReceipt> {
    let c = check(input)?;
    let print = fingerprint(actor, input.receivable_id, &c);
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, input.receivable_id).await?;
    if let Some(done) = earlier(&mut tx, &c.key, &print).await? {
        return Ok(done);
    }
    let r = sqlx::query(
        "SELECT r.contract_id, r.currency, r.amount_minor, r.received_minor, k.owner_id, k.state, k.customer_id FROM receivables r \
         JOIN contracts k ON k.id = r.contract_id WHERE r.id = $1",
    )
    .bind(input.receivable_id)
    .fetch_one(&mut *tx)
    .await?;
    let contract: i64 = r.try_get("contract_id")?;
    let currency: String = r.try_get("currency")?;
    let owner: Option<i64> = r.try_get("owner_id")?;
    let customer: i64 = r.try_get("customer_id")?;
    let now = now_ms();
    // The key first: of concurrent submissions with one key, the others wait here for the first
    // and then fail on the UNIQUE index; they answer with its receipt below.
    let inserted = sqlx::query(
        "INSERT INTO receipts (receivable_id, contract_id, amount_minor, currency, received_at, method, reference, idempotency_key, \
         fingerprint, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(input.receivable_id)
    .bind(contract)
    .bind(c.amount_minor)
    .bind(&currency)
    .bind(c.received_at)
    .bind(&c.method)
    .bind(&c.reference)
    .bind(&c.key)
    .bind(&print)
    .bind(now)
    .bind(actor.user_id)
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(sqlx::Error::Database(e)) => {
            drop(tx);
            let mut conn = db.pool().acquire().await?;
            return match earlier(&mut conn, &c.key, &print).await? {
                Some(done) => Ok(done),
                None => Err(DomainError::Database(sqlx::Error::Database(e))),
            };
        }
        Err(e) => return Err(e.into()),
    };
    let fits = sqlx::query("UPDATE receivables SET received_minor = received_minor + $2, updated_at = $3 WHERE id = $1 AND received_minor + $2 <= amount_minor")
        .bind(input.receivable_id)
        .bind(c.amount_minor)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if fits != 1 {
        let left: i64 = sqlx::query("SELECT amount_minor - received_minor AS left FROM receivables WHERE id = $1")
            .bind(input.receivable_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("left")?;
        return Err(DomainError::Overpayment { outstanding_minor: left, currency });
    }
    let manager = match owner {
        Some(o) => sqlx::query("SELECT manager_id FROM users WHERE id = $1").bind(o).fetch_one(&mut *tx).await?.try_get::<Option<i64>, _>("manager_id")?,
        None => None,
    };
    // One event on the contract: its owner is told as the record's owner, their manager as the
    // person it is addressed to; everyone who may read the contract sees it live.
    events::write(
        &mut tx,
        "receipt.recorded",
        ObjectType::Contract,
        contract,
        Some(actor.user_id),
        manager,
        json!({ "receipt_id": id, "receivable_id": input.receivable_id, "amount_minor": c.amount_minor, "currency": currency, "customer_id": customer }),
    )
    .await?;
    audit::record(&mut tx, Some(actor.user_id), "receipt", Some(id), "create", None, Some(json!({"receivable_id": input.receivable_id, "amount_minor": c.amount_minor}))).await?;
    tx.commit().await?;
    Ok(RecordedReceipt { id, duplicate: false })
}

/// Reverses a mistaken receipt with a reason: it stays on record, its money no longer counts.
/// Reversing twice reverses once.
pub async fn reverse_receipt(db: &Db, actor: &Actor, receipt: i64, reason: &str) -> DomainResult<()> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(DomainError::invalid("reason", "required"));
    }
    if reason.chars().count() > 500 {
        return Err(DomainError::invalid("reason", "too_long"));
    }
    let mut tx = db.begin_write().await?;
    let r = sqlx::query("SELECT receivable_id, contract_id, amount_minor, currency FROM receipts WHERE id = $1")
        .bind(receipt)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(DomainError::NotFound)?;
    let receivable: i64 = r.try_get("receivable_id")?;
    require_on(&mut tx, actor, OBJECT, Action::Update, receivable).await?;
    let now = now_ms();
    let won = sqlx::query("UPDATE receipts SET reversed_at = $2, reversed_by = $3, reverse_reason = $4 WHERE id = $1 AND reversed_at IS NULL")
        .bind(receipt)
        .bind(now)
        .bind(actor.user_id)
        .bind(reason)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if won != 1 {
        return Err(DomainError::Conflict("receipt_already_reversed".into()));
    }
    let amount: i64 = r.try_get("amount_minor")?;
    // An overdue flag stays: the owner was told once, a reversal does not tell them again.
    sqlx::query("UPDATE receivables SET received_minor = received_minor - $2, updated_at = $3 WHERE id = $1")
        .bind(receivable)
        .bind(amount)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let contract: i64 = r.try_get("contract_id")?;
    let customer: i64 = sqlx::query("SELECT customer_id FROM contracts WHERE id = $1").bind(contract).fetch_one(&mut *tx).await?.try_get("customer_id")?;
    events::write(
        &mut tx,
        "receipt.reversed",
        ObjectType::Contract,
        contract,
        Some(actor.user_id),
        None,
        json!({ "receipt_id": receipt, "receivable_id": receivable, "amount_minor": amount, "currency": r.try_get::<String, _>("currency")?, "customer_id": customer }),
    )
    .await?;
    audit::record(&mut tx, Some(actor.user_id), "receipt", Some(receipt), "reverse", None, Some(json!({"reason": reason}))).await?;
    tx.commit().await?;
    Ok(())
}

/// The periodic job: flags receivables that fell due unpaid, once each, and tells the contract's
/// owner. Returns the receivables flagged now.
pub async fn flag_overdue(db: &Db, now: i64) -> DomainResult<Vec<i64>> {
    let due: Vec<i64> = sqlx::query(
        "SELECT id FROM receivables WHERE due_at < $1 AND received_minor < amount_minor AND overdue_flagged_at IS NULL ORDER BY id LIMIT 1000",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| r.try_get::<i64, _>("id"))
    .collect::<Result<_, _>>()?;
    let mut flagged = Vec::new();
    for id in due {
        let mut tx = db.begin_write().await?;
        let won = sqlx::query("UPDATE receivables SET overdue_flagged_at = $2 WHERE id = $1 AND overdue_flagged_at IS NULL AND received_minor < amount_minor")
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if won == 1 {
            // On the contract, whose page is where the owner acts on it.
            let contract: i64 = sqlx::query("SELECT contract_id FROM receivables WHERE id = $1").bind(id).fetch_one(&mut *tx).await?.try_get("contract_id")?;
            events::write(&mut tx, "receivable.overdue", ObjectType::Contract, contract, None, None, json!({ "receivable_id": id })).await?;
            flagged.push(id);
        }
        tx.commit().await?;
    }
    Ok(flagged)
}
