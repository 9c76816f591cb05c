//! The server functions of approvals. Each reads the session and makes one call into
//! `domain::approvals` with the acting user; who may see, decide, delegate or administer is
//! decided there (and in the policy's approval reach), never here.
//!
//! Refusals arrive as [`AppError`]s: `NotFound` for an approval that does not concern the caller,
//! `Forbidden` (the submitter deciding their own, a non-administrator editing flows),
//! `AlreadyDecided { by, at }` for a step someone decided first, `UnderApproval` for an edit of a
//! locked document, `CannotReadDocument { name }` for a delegate who may not read it.

use domain_types::approvals::{ApprovalDetail, DocType, DocumentInput, DocumentView, FlowDefinition, FlowVersion, Folder, InboxRow, PublishReport};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Rows per inbox page.
pub const INBOX_PAGE: i64 = 50;

/// What the inbox asks for: a folder, a document type, submission dates as the date inputs give
/// them (`YYYY-MM-DD`, empty for none, UTC days), and the key of the last row seen. An app DTO
/// rather than `domain_types::approvals::InboxQuery` because the page holds dates as typed, not
/// as instants, and the page size is the server's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxFilter {
    pub folder: Folder,
    pub doc_type: Option<DocType>,
    pub from: String,
    pub until: String,
    pub before_key: Option<i64>,
}

impl InboxFilter {
    pub fn new(folder: Folder) -> Self {
        InboxFilter { folder, doc_type: None, from: String::new(), until: String::new(), before_key: None }
    }
}

/// One inbox page and the cursor for the next (None at the end): the domain answers a pair,
/// which crosses the wire better with names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxPage {
    pub rows: Vec<InboxRow>,
    pub next_key: Option<i64>,
}

/// A page of one inbox folder, newest first.
#[server(endpoint = "approvals/inbox", input = Json)]
pub async fn approval_inbox(filter: InboxFilter) -> Result<InboxPage, AppError> {
    use crate::error::fail;
    use crate::server::{actor, domain_err};
    use domain::approvals::InboxQuery;
    let (st, actor) = actor().await?;
    let day = |text: &str, parse: fn(&str) -> Option<i64>| -> Result<Option<i64>, AppError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        parse(text).map(Some).ok_or_else(|| fail(AppError::Invalid { field: "date".into(), code: "format".into() }))
    };
    let query = InboxQuery {
        folder: filter.folder,
        doc_type: filter.doc_type,
        from: day(&filter.from, domain::clock::start_of_day_ms)?,
        until: day(&filter.until, domain::clock::end_of_day_ms)?,
        before_key: filter.before_key,
        limit: INBOX_PAGE,
    };
    let (rows, next_key) = domain::approvals::inbox::page(&st.db, &actor, &query).await.map_err(domain_err)?;
    Ok(InboxPage { rows, next_key })
}

/// The shell's badge: approvals waiting for the caller.
#[server(endpoint = "approvals/waiting_count")]
pub async fn approvals_waiting_count() -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::inbox::waiting_count(&st.db, &actor).await.map_err(domain_err)
}

/// An approval with who was asked at each step, its history, and its document with the fields
/// the caller may read; `NotFound` for anyone it does not concern.
#[server(endpoint = "approvals/get")]
pub async fn get_approval(id: i64) -> Result<ApprovalDetail, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::engine::detail(&st.db, &actor, id).await.map_err(domain_err)
}

/// A new draft document (customer transfer, discount/expense request) owned by the caller.
#[server(endpoint = "approvals/documents/create", input = Json)]
pub async fn create_approval_document(doc_type: DocType, input: DocumentInput) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::documents::create(&st.db, &actor, doc_type, &input).await.map_err(domain_err)
}

/// Changes a draft; refused with `UnderApproval` while it is being approved.
#[server(endpoint = "approvals/documents/update", input = Json)]
pub async fn update_approval_document(id: i64, input: DocumentInput) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::documents::update_draft(&st.db, &actor, id, &input).await.map_err(domain_err)
}

/// One document with the fields the caller may read.
#[server(endpoint = "approvals/documents/get")]
pub async fn approval_document(id: i64) -> Result<DocumentView, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::documents::get(&st.db, &actor, id).await.map_err(domain_err)
}

/// Submits a draft approval document to its type's current flow; answers the approval's id.
#[server(endpoint = "approvals/submit")]
pub async fn submit_for_approval(document_id: i64) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::engine::submit(&st.db, &actor, domain::approvals::documents::OBJECT, document_id).await.map_err(domain_err)
}

#[server(endpoint = "approvals/approve")]
pub async fn approve_approval(id: i64, comment: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::engine::approve(&st.db, &actor, id, &comment).await.map_err(domain_err)
}

/// Ends the approval; the document goes back to draft with the reason (required).
#[server(endpoint = "approvals/reject")]
pub async fn reject_approval(id: i64, reason: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::engine::reject(&st.db, &actor, id, &reason).await.map_err(domain_err)
}

/// Sends the approval back to an earlier step (0-based), whose approvers are asked again.
#[server(endpoint = "approvals/return")]
pub async fn return_approval(id: i64, to_step: i64, comment: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::engine::return_to(&st.db, &actor, id, to_step, &comment).await.map_err(domain_err)
}

/// The submitter takes it back before anyone decided.
#[server(endpoint = "approvals/withdraw")]
pub async fn withdraw_approval(id: i64) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::engine::withdraw(&st.db, &actor, id).await.map_err(domain_err)
}

/// Hands the caller's pending task to another user, who must be allowed to read the document.
#[server(endpoint = "approvals/delegate")]
pub async fn delegate_approval(id: i64, to_user: i64, comment: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::engine::delegate(&st.db, &actor, id, to_user, &comment).await.map_err(domain_err)
}

#[server(endpoint = "approvals/comment")]
pub async fn comment_approval(id: i64, text: String) -> Result<(), AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::engine::comment(&st.db, &actor, id, &text).await.map_err(domain_err)
}

/// Every version of a document type's flow, newest first (administrators).
#[server(endpoint = "approvals/flows", input = Json)]
pub async fn approval_flows(doc_type: DocType) -> Result<Vec<FlowVersion>, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::flows::versions(&st.db, &actor, doc_type).await.map_err(domain_err)
}

/// Saves the draft version of a document type's flow; answers the draft's id (administrators).
#[server(endpoint = "approvals/flows/save", input = Json)]
pub async fn save_approval_flow(doc_type: DocType, name: String, definition: FlowDefinition) -> Result<i64, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::flows::save_draft(&st.db, &actor, doc_type, &name, &definition).await.map_err(domain_err)
}

/// Publishes a draft; the report names the running approvals that stay on older versions
/// (administrators).
#[server(endpoint = "approvals/flows/publish")]
pub async fn publish_approval_flow(flow_id: i64) -> Result<PublishReport, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    domain::approvals::flows::publish(&st.db, &actor, flow_id).await.map_err(domain_err)
}

/// Units, active users and keyed roles for the flow designer's pickers: `(id, label)` for units
/// and users, `(key, name, English name)` for roles (flows name roles by key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowPickers {
    pub units: Vec<(i64, String)>,
    pub users: Vec<(i64, String)>,
    pub roles: Vec<(String, String, String)>,
}

/// What the flow designer offers to pick from (administrators).
#[server(endpoint = "approvals/flows/choices")]
pub async fn flow_choices() -> Result<FlowPickers, AppError> {
    use crate::server::{actor, domain_err};
    let (st, actor) = actor().await?;
    // Units and users as the administration pages pick them (refused to non-administrators);
    // roles by key, as flows name them.
    let (units, users) = crate::admin::choices::units_and_users(&st, &actor).await?;
    let roles = domain::roles::list_roles(&st.db, &actor).await.map_err(domain_err)?;
    Ok(FlowPickers {
        units: units.into_iter().map(|c| (c.id, c.label)).collect(),
        users: users.into_iter().map(|c| (c.id, c.label)).collect(),
        roles: roles.into_iter().filter_map(|r| r.key.map(|k| (k, r.name, r.name_en))).collect(),
    })
}
