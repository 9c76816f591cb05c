//! What the REST API does with each object, for an actor a token stands for: list (keyset pages),
//! get, create, update. Every operation is the domain function the pages use, so the API is
//! refused exactly where the pages are and hidden fields stay hidden. The HTTP layer only maps
//! paths and bodies to these calls; the route table (and the OpenAPI document made from it) lives
//! there.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::acting::Actor;
use crate::db::Db;
use crate::error::DomainError;
use crate::integration::{ContactEdit, ContactInput, LeadEdit, OpportunityInput, ReceivableEdit, ReceiptBody, TicketStatusInput};

/// The objects the API serves, by their path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiObject {
    Customers,
    Contacts,
    Leads,
    Opportunities,
    Contracts,
    Receivables,
    Tickets,
}

impl ApiObject {
    pub const ALL: [ApiObject; 7] = [
        ApiObject::Customers,
        ApiObject::Contacts,
        ApiObject::Leads,
        ApiObject::Opportunities,
        ApiObject::Contracts,
        ApiObject::Receivables,
        ApiObject::Tickets,
    ];

    pub fn path(self) -> &'static str {
        match self {
            ApiObject::Customers => "customers",
            ApiObject::Contacts => "contacts",
            ApiObject::Leads => "leads",
            ApiObject::Opportunities => "opportunities",
            ApiObject::Contracts => "contracts",
            ApiObject::Receivables => "receivables",
            ApiObject::Tickets => "tickets",
        }
    }

    pub fn parse(segment: &str) -> Option<ApiObject> {
        ApiObject::ALL.into_iter().find(|o| o.path() == segment)
    }
}

/// Why an API operation failed: the domain refused, or the body did not fit the object's shape.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("the request body does not fit: {0}")]
    Body(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Page sizes: 50 unless asked, at most 200.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// One keyset page: the records and, when there may be more, the cursor to ask for next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApiPage {
    pub items: Vec<Value>,
    pub next: Option<String>,
}

fn body<T: DeserializeOwned>(v: Value) -> ApiResult<T> {
    serde_json::from_value(v).map_err(|e| ApiError::Body(e.to_string()))
}

fn json<T: Serialize>(v: &T) -> ApiResult<Value> {
    serde_json::to_value(v).map_err(|e| ApiError::Body(e.to_string()))
}

fn id_cursor(c: Option<&str>) -> ApiResult<Option<i64>> {
    c.map(|s| s.parse::<i64>().map_err(|_| ApiError::Domain(DomainError::invalid("cursor", "format")))).transpose()
}

/// The page and its cursor for lists walked by id, newest first.
fn by_id<T: Serialize>(rows: Vec<T>, limit: i64, id_of: impl Fn(&T) -> i64) -> ApiResult<ApiPage> {
    let next = (rows.len() as i64 == limit).then(|| rows.last().map(|r| id_of(r).to_string())).flatten();
    Ok(ApiPage { items: rows.iter().map(json).collect::<ApiResult<_>>()?, next })
}

/// A page of the object's records the actor may read, after `cursor` (from the previous page).
pub async fn list(db: &Db, actor: &Actor, object: ApiObject, cursor: Option<&str>, limit: Option<i64>) -> ApiResult<ApiPage> {
    use domain_types::lists::ListFilter;
    let limit = limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    match object {
        ApiObject::Customers => {
            use crate::customers::list::{page, Cursor, ListQuery};
            let after = cursor.map(Cursor::parse).transpose()?;
            let p = page(db, actor, &ListQuery { after, limit, ..Default::default() }).await?;
            Ok(ApiPage { items: p.rows.iter().map(json).collect::<ApiResult<_>>()?, next: p.next.map(|c| c.encode()) })
        }
        ApiObject::Contacts => {
            let q = crate::contacts::ContactQuery { text: String::new(), before_id: id_cursor(cursor)?, limit };
            by_id(crate::contacts::list(db, actor, &q).await?, limit, |r| r.id)
        }
        ApiObject::Leads => {
            let rows = crate::leads::list_filtered(db, actor, &Default::default(), id_cursor(cursor)?, limit).await?;
            by_id(rows, limit, |r| r.id)
        }
        ApiObject::Opportunities => {
            let rows = crate::opportunities::pipeline::list(db, actor, &ListFilter::default(), id_cursor(cursor)?, limit).await?;
            by_id(rows, limit, |r| r.id)
        }
        ApiObject::Contracts => {
            let q = crate::sales::contracts::ContractQuery::of_filter(&ListFilter::default(), id_cursor(cursor)?, limit)?;
            by_id(crate::sales::contracts::list(db, actor, &q).await?, limit, |r| r.id)
        }
        ApiObject::Receivables => {
            // Earliest due first; the cursor is "due.id".
            let after = cursor
                .map(|c| {
                    c.split_once('.')
                        .and_then(|(d, i)| Some((d.parse().ok()?, i.parse().ok()?)))
                        .ok_or(ApiError::Domain(DomainError::invalid("cursor", "format")))
                })
                .transpose()?;
            let q = crate::sales::receivables::ReceivableQuery::of_filter(&ListFilter::default(), after, limit);
            let rows = crate::sales::receivables::list(db, actor, &q).await?;
            let next = (rows.len() as i64 == limit).then(|| rows.last().map(|r| format!("{}.{}", r.due_at, r.id))).flatten();
            Ok(ApiPage { items: rows.iter().map(json).collect::<ApiResult<_>>()?, next })
        }
        ApiObject::Tickets => {
            let q = crate::service::tickets::TicketQuery::of_filter(&ListFilter::default(), id_cursor(cursor)?, limit)?;
            by_id(crate::service::tickets::list(db, actor, &q).await?, limit, |r| r.id)
        }
    }
}

/// One record the actor may read (not found otherwise).
pub async fn get(db: &Db, actor: &Actor, object: ApiObject, id: i64) -> ApiResult<Value> {
    match object {
        ApiObject::Customers => json(&crate::customers::get(db, actor, id).await?),
        ApiObject::Contacts => json(&crate::contacts::get(db, actor, id).await?),
        ApiObject::Leads => json(&crate::leads::get(db, actor, id).await?),
        ApiObject::Opportunities => json(&crate::opportunities::pipeline::get(db, actor, id).await?),
        ApiObject::Contracts => json(&crate::sales::contracts::get(db, actor, id).await?),
        ApiObject::Receivables => json(&crate::sales::receivables::get(db, actor, id).await?),
        ApiObject::Tickets => json(&crate::service::tickets::get(db, actor, id).await?),
    }
}

/// A record just created or changed as the actor now reads it; when they may write but not read
/// it (a role that only feeds data in, or a record the change moved out of their sight), its id
/// alone — the write happened, so the answer must not say "not found".
async fn as_read_now(db: &Db, actor: &Actor, object: ApiObject, id: i64) -> ApiResult<Value> {
    match get(db, actor, object, id).await {
        Err(ApiError::Domain(DomainError::NotFound)) => Ok(serde_json::json!({ "id": id })),
        other => other,
    }
}

/// Creates a record from the body and answers it as the actor now reads it. Receivables are
/// made by signing contracts; for them "create" records a receipt against the receivable
/// `parent` (see [`record_receipt`]).
pub async fn create(db: &Db, actor: &Actor, object: ApiObject, input: Value) -> ApiResult<Value> {
    match object {
        ApiObject::Customers => {
            let id = crate::activity::create_customer(db, actor, &body(input)?).await?;
            as_read_now(db, actor, object, id).await
        }
        ApiObject::Contacts => {
            let c: ContactInput = body(input)?;
            let id = crate::activity::add_contact(db, actor, c.customer_id, &c.name, &c.title, &c.phone, &c.email).await?;
            as_read_now(db, actor, object, id).await
        }
        ApiObject::Leads => {
            let captured = crate::leads::create_lead(db, actor, &body(input)?).await?;
            // A lead the rules handed to someone out of the creator's sight is answered by its
            // placement only.
            if captured.visible {
                as_read_now(db, actor, object, captured.id).await
            } else {
                json(&captured)
            }
        }
        ApiObject::Opportunities => {
            let o: OpportunityInput = body(input)?;
            let new = crate::opportunities::NewOpportunity { name: o.name, amount_minor: o.amount_minor, currency: o.currency, expected_close: o.expected_close };
            let id = crate::opportunities::create(db, actor, o.customer_id, &new).await?;
            as_read_now(db, actor, object, id).await
        }
        ApiObject::Contracts => {
            let id = crate::sales::contracts::create(db, actor, &body(input)?).await?;
            as_read_now(db, actor, object, id).await
        }
        ApiObject::Receivables => Err(ApiError::Domain(DomainError::invalid("object", "created_by_signing"))),
        ApiObject::Tickets => {
            let id = crate::service::tickets::create(db, actor, &body(input)?).await?;
            as_read_now(db, actor, object, id).await
        }
    }
}

/// Records a receipt against a receivable (finance's "create" on receivables); the same
/// idempotency key twice records it once.
pub async fn record_receipt(db: &Db, actor: &Actor, receivable_id: i64, input: Value) -> ApiResult<Value> {
    let b: ReceiptBody = body(input)?;
    let input = crate::sales::ReceiptInput {
        receivable_id,
        amount_minor: b.amount_minor,
        received_at: b.received_at,
        method: b.method,
        reference: b.reference,
        idempotency_key: b.idempotency_key,
    };
    json(&crate::sales::receivables::record_receipt(db, actor, &input).await?)
}

/// Changes a record from the body and answers it as the actor now reads it.
pub async fn update(db: &Db, actor: &Actor, object: ApiObject, id: i64, input: Value) -> ApiResult<Value> {
    match object {
        ApiObject::Customers => {
            let changes: std::collections::BTreeMap<String, String> = body(input)?;
            crate::customers::update(db, actor, id, &changes).await?;
        }
        ApiObject::Contacts => {
            let e: ContactEdit = body(input)?;
            crate::contacts::update(db, actor, id, &e).await?;
        }
        ApiObject::Leads => {
            let e: LeadEdit = body(input)?;
            crate::leads::capture::edit(db, actor, id, &e).await?;
        }
        ApiObject::Opportunities => crate::opportunities::pipeline::update(db, actor, id, &body(input)?).await?,
        ApiObject::Contracts => crate::sales::contracts::update_draft(db, actor, id, &body(input)?).await?,
        ApiObject::Receivables => {
            let e: ReceivableEdit = body(input)?;
            crate::sales::receivables::reschedule(db, actor, id, e.due_at).await?;
        }
        ApiObject::Tickets => {
            let s: TicketStatusInput = body(input)?;
            crate::service::tickets::set_status(db, actor, id, &s.status, &s.resolution).await?;
        }
    }
    as_read_now(db, actor, object, id).await
}

/// Makes the JSON schema of one Rust type (a reference into the document's components).
pub type SchemaOf = fn(&mut schemars::SchemaGenerator) -> schemars::Schema;

/// The Rust types an object's operations read and answer with: the OpenAPI document is made from
/// these, beside the dispatch above that deserializes exactly them.
pub struct Shapes {
    /// An item of a list page.
    pub item: SchemaOf,
    /// A single record (get, and the answer of create and update).
    pub record: SchemaOf,
    /// The body of create; for receivables, of a receipt.
    pub create: SchemaOf,
    /// What create answers with, when not the record.
    pub created: Option<SchemaOf>,
    pub update: SchemaOf,
}

fn schema<T: schemars::JsonSchema>(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
    g.subschema_for::<T>()
}

pub fn shapes(object: ApiObject) -> Shapes {
    use domain_types::{contacts, opportunities as opp, sales, service};
    match object {
        ApiObject::Customers => Shapes {
            item: schema::<crate::customers::CustomerView>,
            record: schema::<crate::customers::CustomerView>,
            create: schema::<domain_types::activity::CustomerInput>,
            created: None,
            update: schema::<std::collections::BTreeMap<String, String>>,
        },
        ApiObject::Contacts => Shapes {
            item: schema::<contacts::ContactRow>,
            record: schema::<contacts::ContactRow>,
            create: schema::<ContactInput>,
            created: None,
            update: schema::<ContactEdit>,
        },
        ApiObject::Leads => Shapes {
            item: schema::<crate::leads::LeadView>,
            record: schema::<crate::leads::LeadView>,
            create: schema::<domain_types::leads::LeadInput>,
            created: None,
            update: schema::<LeadEdit>,
        },
        ApiObject::Opportunities => Shapes {
            item: schema::<opp::OpportunityCard>,
            record: schema::<opp::OpportunityCard>,
            create: schema::<OpportunityInput>,
            created: None,
            update: schema::<opp::OpportunityEdit>,
        },
        ApiObject::Contracts => Shapes {
            item: schema::<sales::ContractRow>,
            record: schema::<sales::ContractView>,
            create: schema::<sales::ContractInput>,
            created: None,
            update: schema::<sales::ContractInput>,
        },
        ApiObject::Receivables => Shapes {
            item: schema::<sales::ReceivableRow>,
            record: schema::<sales::ReceivableRow>,
            create: schema::<ReceiptBody>,
            created: Some(schema::<sales::RecordedReceipt>),
            update: schema::<ReceivableEdit>,
        },
        ApiObject::Tickets => Shapes {
            item: schema::<service::TicketRow>,
            record: schema::<service::TicketRow>,
            create: schema::<service::NewTicket>,
            created: None,
            update: schema::<TicketStatusInput>,
        },
    }
}
