//! The error every server function returns. It crosses the wire as JSON; the browser turns it
//! into a localized message (here too: the codes the domain answers with, and their words). On the
//! server, [`fail`] gives a failing server function the HTTP status its error means.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::i18n::{t, Lang};
use crate::ui::format::format_utc;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("wrong login or password")]
    InvalidCredentials,
    #[error("too many attempts")]
    RateLimited { retry_after_secs: i64 },
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid {field}: {code}")]
    Invalid { field: String, code: String },
    #[error("read-only field {0}")]
    ReadOnlyField(String),
    #[error("unit not empty")]
    UnitNotEmpty { users: i64, records: i64, units: i64 },
    #[error("duplicate")]
    Duplicate { visible_id: Option<i64>, ask: String },
    #[error("already claimed")]
    AlreadyClaimed { by: String },
    #[error("limit reached")]
    LimitReached { what: String, limit: i64 },
    #[error("cooling down")]
    CoolingDown { until_ms: i64 },
    #[error("mention not allowed")]
    MentionNotAllowed { name: String },
    #[error("already decided")]
    AlreadyDecided { by: String, at: i64 },
    #[error("under approval")]
    UnderApproval { approval_id: i64 },
    #[error("cannot read document")]
    CannotReadDocument { name: String },
    #[error("over-payment")]
    Overpayment { outstanding_minor: i64, currency: String },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("server error")]
    Internal,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("request failed: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let err = match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::Deserialization(m) | ServerFnErrorErr::MissingArg(m) => AppError::BadRequest(m),
            other => AppError::Transport(other.to_string()),
        };
        // On the server, input that cannot be decoded answers 400 (the function never ran).
        #[cfg(feature = "ssr")]
        let err = fail(err);
        err
    }
}

impl AppError {
    /// A message for people, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Unauthenticated => t(lang, "err.unauthenticated").into(),
            AppError::InvalidCredentials => t(lang, "err.invalid_credentials").into(),
            AppError::RateLimited { retry_after_secs } => {
                t(lang, "err.rate_limited").replace("{secs}", &retry_after_secs.to_string())
            }
            AppError::Forbidden => t(lang, "err.forbidden").into(),
            AppError::NotFound => t(lang, "err.not_found").into(),
            AppError::Invalid { field, code } => invalid_message(lang, field, code),
            AppError::ReadOnlyField(field) => t(lang, "err.read_only_field").replace("{field}", field),
            AppError::UnitNotEmpty { users, records, units } => t(lang, "err.unit_not_empty")
                .replace("{users}", &users.to_string())
                .replace("{records}", &records.to_string())
                .replace("{units}", &units.to_string()),
            AppError::Duplicate { ask, .. } => t(lang, "err.duplicate").replace("{ask}", ask),
            AppError::AlreadyClaimed { by } => t(lang, "err.already_claimed").replace("{by}", by),
            AppError::LimitReached { what, limit } => t(
                lang,
                match what.as_str() {
                    "held" => "err.limit_held",
                    "views" => "err.limit_views",
                    _ => "err.limit_daily",
                },
            )
            .replace("{limit}", &limit.to_string()),
            AppError::CoolingDown { until_ms } => t(lang, "err.cooling_down").replace("{until}", &format_utc(*until_ms)),
            AppError::MentionNotAllowed { name } => t(lang, "err.mention_not_allowed").replace("{name}", name),
            AppError::Conflict(code) if code.starts_with("lead_") => lead_conflict_message(lang, code),
            AppError::Conflict(code) if code == "already_in_pool" => t(lang, "err.already_in_pool").into(),
            AppError::Conflict(code) if code == "no_pool" => t(lang, "err.no_pool").into(),
            AppError::Conflict(code) if code == "changed_meanwhile" => t(lang, "err.changed_meanwhile").into(),
            AppError::AlreadyDecided { by, at } => t(lang, "err.already_decided").replace("{by}", by).replace("{at}", &format_utc(*at)),
            AppError::UnderApproval { approval_id } => t(lang, "err.under_approval").replace("{id}", &approval_id.to_string()),
            AppError::CannotReadDocument { name } => t(lang, "err.cannot_read_document").replace("{name}", name),
            AppError::Overpayment { outstanding_minor, currency } => {
                t(lang, "err.overpayment").replace("{left}", &crate::ui::format::format_money(*outstanding_minor, currency))
            }
            AppError::Conflict(code) if approval_conflict_key(code).is_some() => t(lang, approval_conflict_key(code).unwrap_or("err.conflict")).into(),
            AppError::Conflict(_) => t(lang, "err.conflict").into(),
            AppError::Internal => t(lang, "err.internal").into(),
            AppError::BadRequest(_) => t(lang, "err.bad_request").into(),
            AppError::Transport(_) => t(lang, "err.transport").into(),
        }
    }

    /// The HTTP status a server function answers with when it fails this way.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::InvalidCredentials => 401,
            AppError::RateLimited { .. } => 429,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid { .. } | AppError::ReadOnlyField(_) => 422,
            AppError::UnitNotEmpty { .. } => 409,
            AppError::MentionNotAllowed { .. } | AppError::CannotReadDocument { .. } => 422,
            AppError::AlreadyDecided { .. } | AppError::UnderApproval { .. } | AppError::Overpayment { .. } => 409,
            AppError::Conflict(_) | AppError::Duplicate { .. } | AppError::AlreadyClaimed { .. } | AppError::LimitReached { .. } | AppError::CoolingDown { .. } => 409,
            AppError::BadRequest(_) => 400,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

/// Sets the response status for an error and passes it on: every failing server function
/// answers with the status its error means, not a blanket 500.
#[cfg(feature = "ssr")]
pub fn fail(err: AppError) -> AppError {
    if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::from_u16(err.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
    err
}

/// The message key of an approval's conflict code.
fn approval_conflict_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "no_flow" => "err.no_flow",
        "document_not_draft" => "err.document_not_draft",
        "withdraw_after_decision" => "err.withdraw_after_decision",
        "approval_finished" => "err.approval_finished",
        "no_earlier_step" => "err.no_earlier_step",
        "already_asked" => "err.already_asked",
        "no_approver" => "err.no_approver",
        "flow_not_draft" => "err.flow_not_draft",
        "contract_not_approved" => "err.contract_not_approved",
        "contract_already_signed" => "err.contract_already_signed",
        "receipt_already_reversed" => "err.receipt_already_reversed",
        "idempotency_key_reused" => "err.idempotency_key_reused",
        "contract_not_signed" => "err.contract_not_signed",
        "invoice_already_decided" => "err.invoice_already_decided",
        "invoice_number_taken" => "err.invoice_number_taken",
        "ticket_transition" => "err.ticket_transition",
        "opportunity_moved" => "err.opportunity_moved",
        "stage_in_use" => "err.stage_in_use",
        "stage_last_of_outcome" => "err.stage_last_of_outcome",
        "quote_not_approved" => "err.quote_not_approved",
        "quote_already_contracted" => "err.quote_already_contracted",
        _ => return None,
    })
}

/// The message of a lead's conflict ("lead_converted", "lead_disqualified").
fn lead_conflict_message(lang: Lang, code: &str) -> String {
    t(lang, if code == "lead_disqualified" { "lead.err_disqualified" } else { "lead.err_converted" }).to_string()
}

/// "field: problem" in the user's language, for the validation codes the domain uses.
fn invalid_message(lang: Lang, field: &str, code: &str) -> String {
    let field_text = match field {
        "name" => t(lang, "field.name"),
        "login" => t(lang, "field.login"),
        "email" => t(lang, "field.email"),
        "password" => t(lang, "field.password"),
        "parent" => t(lang, "field.parent"),
        "manager" => t(lang, "field.manager"),
        "unit" => t(lang, "field.unit"),
        "level" => t(lang, "field.level"),
        "display_name" => t(lang, "field.display_name"),
        "head" => t(lang, "admin.head"),
        "reason" => t(lang, "pool.reason"),
        "note" => t(lang, "fu.note"),
        "kind" => t(lang, "admin.kind"),
        "tags" => t(lang, "field.tags"),
        "grade" => t(lang, "field.grade"),
        "comment" => t(lang, "field.comment"),
        "selection" => t(lang, "field.selection"),
        "owner" => t(lang, "cust.owner"),
        "date" | "until" => t(lang, "field.date"),
        "next" => t(lang, "fu.next"),
        "follow_before" => t(lang, "cust.follow_before"),
        "follow_after" => t(lang, "cust.follow_after"),
        "phone" => t(lang, "cust.phone"),
        "city" => t(lang, "cust.city"),
        "province" => t(lang, "field.province"),
        "status" => t(lang, "admin.status"),
        "industry" => t(lang, "cust.industry"),
        "source" => t(lang, "field.source"),
        "user" => t(lang, "admin.user"),
        "value" => t(lang, "rule.value"),
        "field" => t(lang, "rule.field"),
        "priority" => t(lang, "rule.priority"),
        "company" => t(lang, "lead.company"),
        "opportunity" => t(lang, "lead.opportunity"),
        "amount" => t(lang, "lead.amount"),
        "currency" => t(lang, "lead.field_currency"),
        "file" => t(lang, "lead.field_file"),
        "max_held_per_user" => t(lang, "field.max_held_per_user"),
        "max_claims_per_day" => t(lang, "field.max_claims_per_day"),
        "cooldown_days" => t(lang, "field.cooldown_days"),
        "recycle_no_followup_days" => t(lang, "field.recycle_no_followup_days"),
        "recycle_no_deal_days" => t(lang, "field.recycle_no_deal_days"),
        "remind_days_before" => t(lang, "field.remind_days_before"),
        "levels" => t(lang, "field.levels"),
        "manager_levels" => t(lang, "field.manager_levels"),
        "discount" => t(lang, "field.discount"),
        "steps" => t(lang, "field.steps"),
        "time_limit" => t(lang, "field.time_limit"),
        "role" => t(lang, "field.role"),
        // A lead's (or contact's) job title; a task's title is "task_title".
        "title" => t(lang, "lead.job"),
        "task_title" | "doc_title" => t(lang, "task.title_field"),
        "body" => t(lang, "task.description"),
        "customer" => t(lang, "object.customer"),
        "description" => t(lang, "task.description"),
        "assignee" => t(lang, "task.assignee"),
        "due" => t(lang, "task.due"),
        "progress" => t(lang, "task.progress"),
        "mentions" => t(lang, "comment.mentions"),
        "contract_title" => t(lang, "field.contract_title"),
        "terms" => t(lang, "field.terms"),
        "lines" => t(lang, "field.lines"),
        "quantity" => t(lang, "field.quantity"),
        "product" => t(lang, "field.product"),
        "instalments" => t(lang, "field.instalments"),
        "instalment_amount" => t(lang, "field.instalment_amount"),
        "due_date" => t(lang, "field.due_date"),
        "received_at" => t(lang, "field.received_at"),
        "method" => t(lang, "field.method"),
        "reference" => t(lang, "field.reference"),
        "idempotency_key" => t(lang, "field.idempotency_key"),
        "invoice_number" => t(lang, "field.invoice_number"),
        "ticket_title" => t(lang, "field.ticket_title"),
        "quote_title" => t(lang, "field.quote_title"),
        "category" => t(lang, "field.category"),
        "resolution" => t(lang, "field.resolution"),
        "contract" => t(lang, "field.contract"),
        "contact" => t(lang, "field.contact"),
        "issued_on" => t(lang, "field.issued_on"),
        "lost_reason" => t(lang, "field.lost_reason"),
        "expected_close" => t(lang, "field.expected_close"),
        "stage" => t(lang, "field.stage"),
        "code" => t(lang, "field.code"),
        "probability" => t(lang, "field.probability"),
        "outcome" => t(lang, "field.outcome"),
        "month" => t(lang, "field.month"),
        _ => "",
    };
    let code_text = match code {
        "required" => t(lang, "invalid.required"),
        "too_long" => t(lang, "invalid.too_long"),
        "too_short" => t(lang, "invalid.too_short"),
        "length" => t(lang, "invalid.length"),
        "characters" => t(lang, "invalid.characters"),
        "format" => t(lang, "invalid.format"),
        "cycle" => t(lang, "invalid.cycle"),
        "unknown_unit" | "unknown_user" | "unknown_role" => t(lang, "invalid.unknown"),
        "cannot_disable_self" => t(lang, "invalid.cannot_disable_self"),
        "in_the_past" => t(lang, "invalid.in_the_past"),
        "not_readable" => t(lang, "invalid.not_readable"),
        "before_creation" => t(lang, "invalid.before_creation"),
        "too_many" => t(lang, "invalid.too_many"),
        "out_of_range" => t(lang, "invalid.out_of_range"),
        "same_user" => t(lang, "invalid.same_user"),
        "name_or_company" => t(lang, "lead.invalid_name_or_company"),
        "out_of_scope" => t(lang, "lead.invalid_out_of_scope"),
        "too_large" => t(lang, "lead.invalid_too_large"),
        "too_many_rows" => t(lang, "lead.invalid_too_many_rows"),
        "no_name_column" => t(lang, "lead.invalid_no_name_column"),
        "empty" => t(lang, "lead.invalid_empty"),
        "unclosed_quote" => t(lang, "lead.invalid_unclosed_quote"),
        "not_sellable" => t(lang, "invalid.not_sellable"),
        "sum_mismatch" => t(lang, "invalid.sum_mismatch"),
        "mixed" => t(lang, "invalid.mixed"),
        "in_future" => t(lang, "invalid.in_future"),
        "not_service" => t(lang, "invalid.not_service"),
        "not_of_customer" => t(lang, "invalid.not_of_customer"),
        "unknown" => t(lang, "invalid.unknown"),
        "taken" => t(lang, "invalid.taken"),
        _ => t(lang, "invalid.other"),
    };
    if field_text.is_empty() {
        code_text.to_string()
    } else {
        format!("{field_text}: {code_text}")
    }
}

#[cfg(feature = "ssr")]
impl From<domain::DomainError> for AppError {
    fn from(e: domain::DomainError) -> Self {
        use domain::DomainError as D;
        match e {
            D::Unauthenticated => AppError::Unauthenticated,
            D::InvalidCredentials => AppError::InvalidCredentials,
            D::RateLimited { retry_after_secs } => AppError::RateLimited { retry_after_secs },
            D::Forbidden => AppError::Forbidden,
            D::NotFound => AppError::NotFound,
            D::Invalid { field, code } => AppError::Invalid { field: field.into(), code: code.into() },
            D::Conflict(code) => AppError::Conflict(code),
            D::MentionNotAllowed { name } => AppError::MentionNotAllowed { name },
            D::ReadOnlyField(field) => AppError::ReadOnlyField(field),
            D::AlreadyClaimed { by } => AppError::AlreadyClaimed { by },
            D::Duplicate { visible_id, ask } => AppError::Duplicate { visible_id, ask },
            D::LimitReached { what, limit } => AppError::LimitReached { what: what.into(), limit },
            D::CoolingDown { until_ms } => AppError::CoolingDown { until_ms },
            D::UnitNotEmpty { users, records, units } => AppError::UnitNotEmpty { users, records, units },
            D::AlreadyDecided { by, at } => AppError::AlreadyDecided { by, at },
            D::UnderApproval { approval_id } => AppError::UnderApproval { approval_id },
            D::CannotReadDocument { name } => AppError::CannotReadDocument { name },
            D::Overpayment { outstanding_minor, currency } => AppError::Overpayment { outstanding_minor, currency },
            other => {
                tracing::error!(error = %other, "server function failed");
                AppError::Internal
            }
        }
    }
}
