//! The documents approvals decide. Customer transfers and discount/expense requests are stored
//! here (`approval_documents`, object type `approval`); contracts and quotes are approved through
//! the same engine and get their own tables with the sales module, which plugs in at
//! [`follow_up`] and [`facts_of`].
//!
//! A document is a draft until submitted, pending while approved, then approved; rejection and
//! withdrawal bring it back to draft. While pending it cannot be edited.

use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::routing::Facts;
pub use super::hooks::Outcome;
pub(crate) use super::hooks::Submission;
pub use super::{DocumentInput, DocumentView};
use super::{ensure_not_under_approval, DocType};
use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType};
use crate::policy::require_on;

pub const OBJECT: ObjectType = ObjectType::Approval;

struct Checked {
    title: String,
    amount_minor: Option<i64>,
    currency: String,
    discount_bp: Option<i64>,
    product_line: Option<String>,
    customer_id: Option<i64>,
    target_owner_id: Option<i64>,
    target_unit_id: Option<i64>,
    body: String,
}

async fn check(conn: &mut AnyConnection, actor: &Actor, doc_type: DocType, d: &DocumentInput) -> DomainResult<Checked> {
    let title = d.title.trim().to_string();
    if title.is_empty() {
        return Err(DomainError::invalid("doc_title", "required"));
    }
    if title.chars().count() > 200 || d.body.chars().count() > 4000 {
        return Err(DomainError::invalid(if title.chars().count() > 200 { "doc_title" } else { "body" }, "too_long"));
    }
    if d.amount_minor.is_some_and(|a| a < 0) {
        return Err(DomainError::invalid("amount", "out_of_range"));
    }
    if d.discount_bp.is_some_and(|b| !(0..=10_000).contains(&b)) {
        return Err(DomainError::invalid("discount", "out_of_range"));
    }
    let currency = d.currency.clone().unwrap_or_else(|| "CNY".into()).trim().to_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(DomainError::invalid("currency", "format"));
    }
    if let Some(c) = d.customer_id {
        // Nobody files a document about a customer they may not see.
        require_on(conn, actor, ObjectType::Customer, Action::Read, c).await?;
    }
    let mut target_unit_id = None;
    match doc_type {
        DocType::CustomerTransfer => {
            if d.customer_id.is_none() {
                return Err(DomainError::invalid("customer", "required"));
            }
            let owner = d.target_owner_id.ok_or(DomainError::invalid("owner", "required"))?;
            target_unit_id = Some(
                sqlx::query("SELECT primary_unit_id FROM users WHERE id = $1 AND active = 1")
                    .bind(owner)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or(DomainError::invalid("owner", "unknown_user"))?
                    .try_get("primary_unit_id")?,
            );
        }
        DocType::ExpenseRequest | DocType::Contract | DocType::Quote => {
            if d.amount_minor.is_none() {
                return Err(DomainError::invalid("amount", "required"));
            }
        }
    }
    Ok(Checked {
        title,
        amount_minor: d.amount_minor,
        currency,
        discount_bp: d.discount_bp,
        product_line: d.product_line.clone().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()),
        customer_id: d.customer_id,
        target_owner_id: if doc_type == DocType::CustomerTransfer { d.target_owner_id } else { None },
        target_unit_id,
        body: d.body.trim().to_string(),
    })
}

/// Creates a draft owned by the actor in their primary unit.
pub async fn create(db: &Db, actor: &Actor, doc_type: DocType, d: &DocumentInput) -> DomainResult<i64> {
    if !actor.may_create(OBJECT) {
        return Err(DomainError::Forbidden);
    }
    let mut tx = db.begin_write().await?;
    let c = check(&mut tx, actor, doc_type, d).await?;
    let id = insert_tx(&mut tx, actor.user_id, actor.units[0], doc_type, &c).await?;
    crate::audit::record(&mut tx, Some(actor.user_id), "approval_document", Some(id), "create", None, Some(json!({"doc_type": doc_type.as_str(), "title": c.title}))).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_tx(tx: &mut Tx, owner: i64, unit: i64, doc_type: DocType, c: &Checked) -> DomainResult<i64> {
    let now = now_ms();
    Ok(sqlx::query(
        "INSERT INTO approval_documents (doc_type, title, state, owner_id, unit_id, amount_minor, currency, discount_bp, product_line, \
         customer_id, target_unit_id, target_owner_id, body, created_at, updated_at, created_by) \
         VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $3) RETURNING id",
    )
    .bind(doc_type.as_str())
    .bind(&c.title)
    .bind(owner)
    .bind(unit)
    .bind(c.amount_minor)
    .bind(&c.currency)
    .bind(c.discount_bp)
    .bind(c.product_line.clone())
    .bind(c.customer_id)
    .bind(c.target_unit_id)
    .bind(c.target_owner_id)
    .bind(&c.body)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

/// Changes a draft. Refused while the document is under approval (withdraw it first).
pub async fn update_draft(db: &Db, actor: &Actor, id: i64, d: &DocumentInput) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, OBJECT, Action::Update, id).await?;
    ensure_not_under_approval(&mut tx, OBJECT.as_str(), id).await?;
    let doc_type = doc_type_of(&mut tx, id).await?;
    let c = check(&mut tx, actor, doc_type, d).await?;
    let changed = sqlx::query(
        "UPDATE approval_documents SET title = $2, amount_minor = $3, currency = $4, discount_bp = $5, product_line = $6, \
         customer_id = $7, target_unit_id = $8, target_owner_id = $9, body = $10, updated_at = $11 WHERE id = $1 AND state = 'draft'",
    )
    .bind(id)
    .bind(&c.title)
    .bind(c.amount_minor)
    .bind(&c.currency)
    .bind(c.discount_bp)
    .bind(c.product_line.clone())
    .bind(c.customer_id)
    .bind(c.target_unit_id)
    .bind(c.target_owner_id)
    .bind(&c.body)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(DomainError::Conflict("document_not_draft".into()));
    }
    crate::audit::record(&mut tx, Some(actor.user_id), "approval_document", Some(id), "update", None, Some(json!({"title": c.title}))).await?;
    tx.commit().await?;
    Ok(())
}

async fn doc_type_of(conn: &mut AnyConnection, id: i64) -> DomainResult<DocType> {
    let t: String = sqlx::query("SELECT doc_type FROM approval_documents WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(DomainError::NotFound)?
        .try_get("doc_type")?;
    DocType::parse(&t).ok_or(DomainError::Internal(format!("unknown document type {t}")))
}

/// One document, with the fields the actor's role may not read left out. Readable through the
/// policy (own, unit, share — or the approval reach while the actor is asked).
pub async fn get(db: &Db, actor: &Actor, id: i64) -> DomainResult<DocumentView> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, OBJECT, Action::Read, id).await?;
    let r = sqlx::query(
        "SELECT id, doc_type, title, state, owner_id, unit_id, amount_minor, currency, discount_bp, product_line, customer_id, \
         target_unit_id, target_owner_id, body, reject_reason, updated_at FROM approval_documents WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let may = |field: &str| actor.fields.can_read(OBJECT, field);
    let doc_type: String = r.try_get("doc_type")?;
    Ok(DocumentView {
        id,
        doc_type: DocType::parse(&doc_type).ok_or(DomainError::Internal(format!("unknown document type {doc_type}")))?,
        title: r.try_get("title")?,
        state: r.try_get("state")?,
        owner_id: r.try_get("owner_id")?,
        unit_id: r.try_get("unit_id")?,
        amount_minor: if may("amount_minor") { r.try_get("amount_minor")? } else { None },
        currency: if may("currency") { Some(r.try_get("currency")?) } else { None },
        discount_bp: if may("discount_bp") { r.try_get("discount_bp")? } else { None },
        product_line: if may("product_line") { r.try_get("product_line")? } else { None },
        customer_id: if may("customer_id") { r.try_get("customer_id")? } else { None },
        target_unit_id: if may("target_unit_id") { r.try_get("target_unit_id")? } else { None },
        target_owner_id: if may("target_owner_id") { r.try_get("target_owner_id")? } else { None },
        body: if may("body") { Some(r.try_get("body")?) } else { None },
        reject_reason: if may("reject_reason") { r.try_get("reject_reason")? } else { None },
        updated_at: r.try_get("updated_at")?,
    })
}

/// The submission facts of a document (the sales module adds contracts and quotes here).
pub(crate) async fn facts_of(conn: &mut AnyConnection, object: ObjectType, id: i64) -> DomainResult<Submission> {
    match object {
        ObjectType::Contract => return crate::sales::approval::submission(conn, DocType::Contract, id).await,
        ObjectType::Quote => return crate::sales::approval::submission(conn, DocType::Quote, id).await,
        OBJECT => {}
        _ => return Err(DomainError::NotFound),
    }
    let lock = "SELECT doc_type, title, state, amount_minor, currency, discount_bp, product_line, customer_id, target_unit_id \
                FROM approval_documents WHERE id = $1";
    let r = sqlx::query(lock).bind(id).fetch_optional(&mut *conn).await?.ok_or(DomainError::NotFound)?;
    let doc_type: String = r.try_get("doc_type")?;
    let doc_type = DocType::parse(&doc_type).ok_or(DomainError::Internal(format!("unknown document type {doc_type}")))?;
    let customer: Option<i64> = r.try_get("customer_id")?;
    let customer_level = match customer {
        Some(c) => sqlx::query("SELECT level FROM customers WHERE id = $1").bind(c).fetch_optional(&mut *conn).await?.map(|r| r.try_get::<String, _>("level")).transpose()?,
        None => None,
    };
    Ok(Submission {
        doc_type,
        title: r.try_get("title")?,
        state: r.try_get("state")?,
        // A transfer moves a customer: the customer is what the approvers need to see and what
        // stays locked while they decide.
        subject: match (doc_type, customer) {
            (DocType::CustomerTransfer, Some(c)) => Some((ObjectType::Customer, c)),
            _ => None,
        },
        facts: Facts {
            amount_minor: r.try_get("amount_minor")?,
            currency: Some(r.try_get("currency")?),
            discount_bp: r.try_get("discount_bp")?,
            product_line: r.try_get("product_line")?,
            customer_level,
            target_unit_id: r.try_get("target_unit_id")?,
        },
    })
}

/// Runs a document type's follow-up inside the transition's transaction: the state of the
/// document, and for an approved customer transfer the transfer itself.
pub(crate) async fn follow_up(tx: &mut Tx, actor_id: i64, doc_type: DocType, object: ObjectType, id: i64, outcome: Outcome, reason: &str) -> DomainResult<()> {
    match object {
        ObjectType::Contract => return crate::sales::approval::follow_up(tx, DocType::Contract, id, outcome, reason).await,
        ObjectType::Quote => return crate::sales::approval::follow_up(tx, DocType::Quote, id, outcome, reason).await,
        _ => {}
    }
    if object != OBJECT {
        return Err(DomainError::Internal(format!("no follow-up for {}", object.as_str())));
    }
    let state = match outcome {
        Outcome::Submitted => "pending",
        Outcome::Approved => "approved",
        Outcome::Rejected | Outcome::Withdrawn => "draft",
    };
    sqlx::query("UPDATE approval_documents SET state = $2, reject_reason = $3, updated_at = $4 WHERE id = $1")
        .bind(id)
        .bind(state)
        .bind((outcome == Outcome::Rejected).then(|| reason.to_string()))
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    match (doc_type, outcome) {
        (DocType::CustomerTransfer, Outcome::Approved) => {
            let r = sqlx::query("SELECT customer_id, target_owner_id, target_unit_id FROM approval_documents WHERE id = $1").bind(id).fetch_one(&mut **tx).await?;
            let customer: i64 = r.try_get::<Option<i64>, _>("customer_id")?.ok_or(DomainError::invalid("customer", "required"))?;
            let owner: i64 = r.try_get::<Option<i64>, _>("target_owner_id")?.ok_or(DomainError::invalid("owner", "required"))?;
            let unit: Option<i64> = r.try_get("target_unit_id")?;
            crate::sharing::transfer_tx(tx, actor_id, ObjectType::Customer, customer, owner, unit).await?;
        }
        // Discount/expense requests: the recorded state is the outcome. Contracts and quotes
        // stored here (demo data) likewise until the sales module takes them over.
        _ => {}
    }
    Ok(())
}
