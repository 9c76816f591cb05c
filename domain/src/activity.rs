//! Work on a customer: creating one (with a group-wide duplicate check), its contacts, follow-ups
//! (calls, visits, e-mails, messages) and the timeline of everything that happened to it.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::acting::Actor;
use crate::clock::now_ms;
use crate::customers::{insert_customer_tx, NewCustomer};
use crate::db::{Db, Tx};
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType, Scope};
use crate::policy::require_on;
use crate::pools::{event, history};

pub use domain_types::activity::{Contact, CustomerInput, TimelineEntry};

/// A possible duplicate, as much as the asker may know: whom to ask always; the record itself
/// only when they may read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicate {
    pub visible_id: Option<i64>,
    pub ask: String,
}

fn normalize_name(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase()
}

pub(crate) fn normalize_phone(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// Looks for a customer with the same name or phone anywhere in the group.
pub async fn find_duplicate(db: &Db, actor: &Actor, name: &str, phone: &str) -> DomainResult<Option<Duplicate>> {
    let name = name.trim();
    let phone = normalize_phone(phone);
    let row = sqlx::query(
        "SELECT c.id, c.owner_id, u.display_name AS owner, o.name AS unit, h.display_name AS head \
         FROM customers c LEFT JOIN users u ON u.id = c.owner_id JOIN org_units o ON o.id = c.unit_id \
         LEFT JOIN users h ON h.id = o.head_user_id \
         WHERE c.name = $1 OR ($2 <> '' AND c.phone = $2) ORDER BY c.id LIMIT 1",
    )
    .bind(name)
    .bind(&phone)
    .fetch_optional(db.pool())
    .await?;
    let row = match row {
        Some(r) => r,
        None => {
            // Names differing only in spacing or case are duplicates too (small tables scan; large
            // ones are caught by the exact match above in practice).
            let wanted = normalize_name(name);
            let mut found = None;
            for r in sqlx::query("SELECT id, name FROM customers WHERE LOWER(name) = LOWER($1)").bind(name).fetch_all(db.pool()).await? {
                if normalize_name(&r.try_get::<String, _>("name")?) == wanted {
                    found = Some(r.try_get::<i64, _>("id")?);
                    break;
                }
            }
            match found {
                None => return Ok(None),
                Some(id) => sqlx::query(
                    "SELECT c.id, c.owner_id, u.display_name AS owner, o.name AS unit, h.display_name AS head \
                     FROM customers c LEFT JOIN users u ON u.id = c.owner_id JOIN org_units o ON o.id = c.unit_id \
                     LEFT JOIN users h ON h.id = o.head_user_id WHERE c.id = $1",
                )
                .bind(id)
                .fetch_one(db.pool())
                .await?,
            }
        }
    };
    let id: i64 = row.try_get("id")?;
    let unit: String = row.try_get("unit")?;
    let who: Option<String> = row.try_get::<Option<String>, _>("owner")?.or(row.try_get("head")?);
    let ask = match who {
        Some(w) => format!("{w}（{unit}）"),
        None => unit,
    };
    let mut conn = db.pool().acquire().await?;
    let visible = crate::policy::decide_on(&mut conn, actor, ObjectType::Customer, Action::Read, id).await?.allowed;
    Ok(Some(Duplicate { visible_id: visible.then_some(id), ask }))
}

/// Refuses a customer whose name or phone exists in the group, saying whom to ask.
pub(crate) async fn refuse_duplicate(db: &Db, actor: &Actor, name: &str, phone: &str) -> DomainResult<()> {
    match find_duplicate(db, actor, name, phone).await? {
        Some(d) => Err(DomainError::Duplicate { visible_id: d.visible_id, ask: d.ask }),
        None => Ok(()),
    }
}

/// Creates a customer owned by the actor in their unit (or put into its pool), after the
/// duplicate check. Needs a create grant.
pub async fn create_customer(db: &Db, actor: &Actor, input: &CustomerInput) -> DomainResult<i64> {
    if actor.scope(ObjectType::Customer, Action::Create) == Scope::None {
        return Err(DomainError::Forbidden);
    }
    let name = input.name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid("name", "required"));
    }
    let level = input.level.trim().chars().next().unwrap_or('C');
    let kind = match input.kind.as_str() {
        "person" => "person",
        _ => "company",
    };
    refuse_duplicate(db, actor, name, &input.phone).await?;
    let c = NewCustomer {
        name: name.to_string(),
        kind,
        industry: input.industry.trim().to_string(),
        province: input.province.trim().to_string(),
        city: input.city.trim().to_string(),
        phone: normalize_phone(&input.phone),
        level,
        source: input.source.trim().to_string(),
        owner_id: Some(actor.user_id),
        unit_id: actor.units[0],
    };
    let mut tx = db.begin_write().await?;
    let id = insert_held_customer_tx(&mut tx, &c, actor.user_id).await?;
    if input.to_pool && crate::pools::enter_pool_tx(&mut tx, id, Some(actor.user_id)).await?.is_none() {
        return Err(DomainError::Conflict("no_pool".into()));
    }
    tx.commit().await?;
    Ok(id)
}

/// Inserts a customer held by its owner since now, with its creation in the history and the
/// events, in the caller's transaction (customer creation and lead conversion).
pub(crate) async fn insert_held_customer_tx(tx: &mut Tx, c: &NewCustomer, actor_id: i64) -> DomainResult<i64> {
    let id = insert_customer_tx(tx, c, Some(actor_id)).await?;
    sqlx::query("UPDATE customers SET owned_since = $2 WHERE id = $1").bind(id).bind(now_ms()).execute(&mut **tx).await?;
    history(tx, id, Some(actor_id), "create", None, None, None).await?;
    event(tx, "customer.create", id, Some(actor_id), None, json!({})).await?;
    Ok(id)
}

/// Contacts are seen with their customer: whoever may read the customer reads its contacts.
pub async fn contacts(db: &Db, actor: &Actor, customer_id: i64) -> DomainResult<Vec<Contact>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, ObjectType::Customer, Action::Read, customer_id).await?;
    let rows = sqlx::query("SELECT id, name, title, phone, email FROM contacts WHERE customer_id = $1 ORDER BY id")
        .bind(customer_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok(Contact { id: r.try_get("id")?, name: r.try_get("name")?, title: r.try_get("title")?, phone: r.try_get("phone")?, email: r.try_get("email")? }))
        .collect()
}

/// Adds a contact, with the update right on the customer.
pub async fn add_contact(db: &Db, actor: &Actor, customer_id: i64, name: &str, title: &str, phone: &str, email: &str) -> DomainResult<i64> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid("name", "required"));
    }
    let email = email.trim();
    if !email.is_empty() {
        crate::accounts::users::Email::parse(email)?;
    }
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, ObjectType::Customer, Action::Update, customer_id).await?;
    let id = insert_contact_tx(&mut tx, customer_id, name, title.trim(), &normalize_phone(phone), email, actor.user_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Inserts a checked contact in the caller's transaction and notes it in the customer's history
/// and the events.
pub(crate) async fn insert_contact_tx(tx: &mut Tx, customer_id: i64, name: &str, title: &str, phone: &str, email: &str, actor_id: i64) -> DomainResult<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO contacts (customer_id, name, title, phone, email, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
    )
    .bind(customer_id)
    .bind(name)
    .bind(title)
    .bind(phone)
    .bind(email)
    .bind(now_ms())
    .bind(actor_id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    history(tx, customer_id, Some(actor_id), "contact_added", Some(name), None, None).await?;
    event(tx, "customer.contact", customer_id, Some(actor_id), None, json!({ "contact_id": id })).await?;
    Ok(id)
}

pub const FOLLOW_UP_KINDS: &[&str] = &["call", "visit", "email", "message"];

/// Checks a follow-up's kind and note (on customers and on leads); the trimmed note.
pub(crate) fn check_follow_up<'a>(kind: &str, note: &'a str) -> DomainResult<&'a str> {
    if !FOLLOW_UP_KINDS.contains(&kind) {
        return Err(DomainError::invalid("kind", "unknown_kind"));
    }
    let note = note.trim();
    if note.is_empty() {
        return Err(DomainError::invalid("note", "required"));
    }
    if note.chars().count() > 4000 {
        return Err(DomainError::invalid("note", "too_long"));
    }
    Ok(note)
}

/// Logs a follow-up on a customer the actor may read; it counts as activity for recycling.
pub async fn log_follow_up(db: &Db, actor: &Actor, customer_id: i64, kind: &str, note: &str, next_at: Option<i64>) -> DomainResult<i64> {
    let note = check_follow_up(kind, note)?;
    let mut tx = db.begin_write().await?;
    require_on(&mut tx, actor, ObjectType::Customer, Action::Read, customer_id).await?;
    let now = now_ms();
    let id: i64 = sqlx::query("INSERT INTO follow_ups (customer_id, kind, note, next_at, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(customer_id)
        .bind(kind)
        .bind(note)
        .bind(next_at)
        .bind(now)
        .bind(actor.user_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
    sqlx::query("UPDATE customers SET last_follow_up_at = $2 WHERE id = $1").bind(customer_id).bind(now).execute(&mut *tx).await?;
    event(&mut tx, "customer.follow_up", customer_id, Some(actor.user_id), None, json!({"kind": kind})).await?;
    tx.commit().await?;
    Ok(id)
}

/// Follow-ups and history of a customer, newest first.
pub async fn timeline(db: &Db, actor: &Actor, customer_id: i64) -> DomainResult<Vec<TimelineEntry>> {
    let mut conn = db.pool().acquire().await?;
    require_on(&mut conn, actor, ObjectType::Customer, Action::Read, customer_id).await?;
    let mut out = Vec::new();
    for r in sqlx::query(
        "SELECT f.created_at, u.display_name, f.kind, f.note, f.next_at FROM follow_ups f LEFT JOIN users u ON u.id = f.created_by \
         WHERE f.customer_id = $1",
    )
    .bind(customer_id)
    .fetch_all(&mut *conn)
    .await?
    {
        out.push(TimelineEntry {
            at: r.try_get("created_at")?,
            who: r.try_get("display_name")?,
            kind: format!("follow_up:{}", r.try_get::<String, _>("kind")?),
            text: r.try_get("note")?,
            next_at: r.try_get("next_at")?,
        });
    }
    for r in sqlx::query(
        "SELECT h.at, u.display_name, h.kind, h.note FROM customer_history h LEFT JOIN users u ON u.id = h.actor_id WHERE h.customer_id = $1",
    )
    .bind(customer_id)
    .fetch_all(&mut *conn)
    .await?
    {
        out.push(TimelineEntry {
            at: r.try_get("at")?,
            who: r.try_get("display_name")?,
            kind: r.try_get("kind")?,
            text: r.try_get::<Option<String>, _>("note")?.unwrap_or_default(),
            next_at: None,
        });
    }
    out.sort_by(|a, b| b.at.cmp(&a.at));
    Ok(out)
}
