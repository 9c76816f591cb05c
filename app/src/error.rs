//! The error every server function returns. It crosses the wire as JSON; the browser turns it
//! into a localized message (here too: the codes the domain answers with, and their words). On the
//! server, [`fail`] gives a failing server function the HTTP status its error means.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::Serialize;

use crate::i18n::{t, Lang};
use crate::ui::format::format_utc;

/// On the wire as serde's derive writes an enum (`"Forbidden"`, `{"Conflict": "no_pool"}`,
/// `{"AlreadyDecided": {"by": "…", "at": 0}}`); read back by the `wire` module's one decoder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
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
            AppError::AlreadyDecided { by, at } => t(lang, "err.already_decided").replace("{by}", by).replace("{at}", &format_utc(*at)),
            AppError::UnderApproval { approval_id } => t(lang, "err.under_approval").replace("{id}", &approval_id.to_string()),
            AppError::CannotReadDocument { name } => t(lang, "err.cannot_read_document").replace("{name}", name),
            AppError::Overpayment { outstanding_minor, currency } => {
                t(lang, "err.overpayment").replace("{left}", &crate::ui::format::format_money(*outstanding_minor, currency))
            }
            AppError::Conflict(code) => t(lang, key_of(CONFLICT_KEYS, code).unwrap_or("err.conflict")).into(),
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

/// The message keys of conflict codes that have their own words (pools, approvals, contracts, receipts, invoices, tickets, quotes, stages); leads' are in [`lead_conflict_message`].
const CONFLICT_KEYS: &[(&str, &str)] = &[
    ("already_in_pool", "err.already_in_pool"),
    ("no_pool", "err.no_pool"),
    ("changed_meanwhile", "err.changed_meanwhile"),
    ("no_flow", "err.no_flow"),
    ("document_not_draft", "err.document_not_draft"),
    ("withdraw_after_decision", "err.withdraw_after_decision"),
    ("approval_finished", "err.approval_finished"),
    ("no_earlier_step", "err.no_earlier_step"),
    ("already_asked", "err.already_asked"),
    ("no_approver", "err.no_approver"),
    ("flow_not_draft", "err.flow_not_draft"),
    ("contract_not_approved", "err.contract_not_approved"),
    ("contract_already_signed", "err.contract_already_signed"),
    ("receipt_already_reversed", "err.receipt_already_reversed"),
    ("idempotency_key_reused", "err.idempotency_key_reused"),
    ("contract_not_signed", "err.contract_not_signed"),
    ("invoice_already_decided", "err.invoice_already_decided"),
    ("invoice_number_taken", "err.invoice_number_taken"),
    ("ticket_transition", "err.ticket_transition"),
    ("opportunity_moved", "err.opportunity_moved"),
    ("stage_in_use", "err.stage_in_use"),
    ("stage_last_of_outcome", "err.stage_last_of_outcome"),
    ("quote_not_approved", "err.quote_not_approved"),
    ("quote_already_contracted", "err.quote_already_contracted"),
];

/// The message of a lead's conflict ("lead_converted", "lead_disqualified").
fn lead_conflict_message(lang: Lang, code: &str) -> String {
    t(lang, if code == "lead_disqualified" { "lead.err_disqualified" } else { "lead.err_converted" }).to_string()
}

/// "field: problem" in the user's language, for the validation codes the domain uses.
fn invalid_message(lang: Lang, field: &str, code: &str) -> String {
    let code_text = t(lang, key_of(INVALID_CODE_KEYS, code).unwrap_or("invalid.other"));
    match key_of(FIELD_KEYS, field) {
        Some(field_key) => format!("{}: {code_text}", t(lang, field_key)),
        None => code_text.to_string(),
    }
}

/// The text key a code maps to in one of the tables below. Tables rather than `match`es: the
/// browser carries this in its first download, and a table is a fraction of the code.
fn key_of(table: &[(&str, &'static str)], code: &str) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, key)| *key)
}

/// The words of the fields a validation error can name (a lead's or contact's "title" is the job title; a task's is "task_title").
const FIELD_KEYS: &[(&str, &str)] = &[
    ("name", "field.name"),
    ("login", "field.login"),
    ("email", "field.email"),
    ("password", "field.password"),
    ("parent", "field.parent"),
    ("manager", "field.manager"),
    ("unit", "field.unit"),
    ("level", "field.level"),
    ("display_name", "field.display_name"),
    ("head", "admin.head"),
    ("reason", "pool.reason"),
    ("note", "fu.note"),
    ("kind", "admin.kind"),
    ("tags", "field.tags"),
    ("grade", "field.grade"),
    ("comment", "field.comment"),
    ("selection", "field.selection"),
    ("owner", "cust.owner"),
    ("date", "field.date"),
    ("until", "field.date"),
    ("next", "fu.next"),
    ("follow_before", "cust.follow_before"),
    ("follow_after", "cust.follow_after"),
    ("phone", "cust.phone"),
    ("city", "cust.city"),
    ("province", "field.province"),
    ("status", "admin.status"),
    ("industry", "cust.industry"),
    ("source", "field.source"),
    ("user", "admin.user"),
    ("value", "rule.value"),
    ("field", "rule.field"),
    ("priority", "rule.priority"),
    ("company", "lead.company"),
    ("opportunity", "lead.opportunity"),
    ("amount", "lead.amount"),
    ("currency", "lead.field_currency"),
    ("file", "lead.field_file"),
    ("max_held_per_user", "field.max_held_per_user"),
    ("max_claims_per_day", "field.max_claims_per_day"),
    ("cooldown_days", "field.cooldown_days"),
    ("recycle_no_followup_days", "field.recycle_no_followup_days"),
    ("recycle_no_deal_days", "field.recycle_no_deal_days"),
    ("remind_days_before", "field.remind_days_before"),
    ("levels", "field.levels"),
    ("manager_levels", "field.manager_levels"),
    ("discount", "field.discount"),
    ("steps", "field.steps"),
    ("time_limit", "field.time_limit"),
    ("role", "field.role"),
    ("title", "lead.job"),
    ("task_title", "task.title_field"),
    ("doc_title", "task.title_field"),
    ("body", "task.description"),
    ("customer", "object.customer"),
    ("description", "task.description"),
    ("assignee", "task.assignee"),
    ("due", "task.due"),
    ("progress", "task.progress"),
    ("mentions", "comment.mentions"),
    ("contract_title", "field.contract_title"),
    ("terms", "field.terms"),
    ("lines", "field.lines"),
    ("quantity", "field.quantity"),
    ("product", "field.product"),
    ("instalments", "field.instalments"),
    ("instalment_amount", "field.instalment_amount"),
    ("due_date", "field.due_date"),
    ("received_at", "field.received_at"),
    ("method", "field.method"),
    ("reference", "field.reference"),
    ("idempotency_key", "field.idempotency_key"),
    ("invoice_number", "field.invoice_number"),
    ("ticket_title", "field.ticket_title"),
    ("quote_title", "field.quote_title"),
    ("category", "field.category"),
    ("resolution", "field.resolution"),
    ("contract", "field.contract"),
    ("contact", "field.contact"),
    ("issued_on", "field.issued_on"),
    ("lost_reason", "field.lost_reason"),
    ("expected_close", "field.expected_close"),
    ("stage", "field.stage"),
    ("code", "field.code"),
    ("probability", "field.probability"),
    ("outcome", "field.outcome"),
    ("month", "field.month"),
];

/// The words of the validation codes.
const INVALID_CODE_KEYS: &[(&str, &str)] = &[
    ("required", "invalid.required"),
    ("too_long", "invalid.too_long"),
    ("too_short", "invalid.too_short"),
    ("length", "invalid.length"),
    ("characters", "invalid.characters"),
    ("format", "invalid.format"),
    ("cycle", "invalid.cycle"),
    ("unknown_unit", "invalid.unknown"),
    ("unknown_user", "invalid.unknown"),
    ("unknown_role", "invalid.unknown"),
    ("cannot_disable_self", "invalid.cannot_disable_self"),
    ("in_the_past", "invalid.in_the_past"),
    ("not_readable", "invalid.not_readable"),
    ("before_creation", "invalid.before_creation"),
    ("too_many", "invalid.too_many"),
    ("out_of_range", "invalid.out_of_range"),
    ("same_user", "invalid.same_user"),
    ("name_or_company", "lead.invalid_name_or_company"),
    ("out_of_scope", "lead.invalid_out_of_scope"),
    ("too_large", "lead.invalid_too_large"),
    ("too_many_rows", "lead.invalid_too_many_rows"),
    ("no_name_column", "lead.invalid_no_name_column"),
    ("empty", "lead.invalid_empty"),
    ("unclosed_quote", "lead.invalid_unclosed_quote"),
    ("not_sellable", "invalid.not_sellable"),
    ("sum_mismatch", "invalid.sum_mismatch"),
    ("mixed", "invalid.mixed"),
    ("in_future", "invalid.in_future"),
    ("not_service", "invalid.not_service"),
    ("not_of_customer", "invalid.not_of_customer"),
    ("unknown", "invalid.unknown"),
    ("taken", "invalid.taken"),
];

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

/// Reading an error back. A derived decoder has one per variant with fields (twelve, a fifth of
/// the error code in the browser's first download); this one reads every variant's fields into
/// one struct.
mod wire {
    use serde::de::{self, value::MapAccessDeserializer, MapAccess, Visitor};
    use serde::{Deserialize, Deserializer};

    use super::AppError;

    /// The fields of all variants together; a variant reads the ones it has.
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Fields {
        retry_after_secs: i64,
        field: String,
        code: String,
        users: i64,
        records: i64,
        units: i64,
        visible_id: Option<i64>,
        ask: String,
        by: String,
        what: String,
        limit: i64,
        until_ms: i64,
        name: String,
        at: i64,
        approval_id: i64,
        outstanding_minor: i64,
        currency: String,
    }

    /// What follows a variant's name: a text (`Conflict("…")`) or fields.
    enum Payload {
        Text(String),
        Fields(Fields),
    }

    fn unit(name: &str) -> Option<AppError> {
        Some(match name {
            "Unauthenticated" => AppError::Unauthenticated,
            "InvalidCredentials" => AppError::InvalidCredentials,
            "Forbidden" => AppError::Forbidden,
            "NotFound" => AppError::NotFound,
            "Internal" => AppError::Internal,
            _ => return None,
        })
    }

    fn with_text(name: &str, text: String) -> Option<AppError> {
        Some(match name {
            "ReadOnlyField" => AppError::ReadOnlyField(text),
            "Conflict" => AppError::Conflict(text),
            "BadRequest" => AppError::BadRequest(text),
            "Transport" => AppError::Transport(text),
            _ => return None,
        })
    }

    fn with_fields(name: &str, f: Fields) -> Option<AppError> {
        Some(match name {
            "RateLimited" => AppError::RateLimited { retry_after_secs: f.retry_after_secs },
            "Invalid" => AppError::Invalid { field: f.field, code: f.code },
            "UnitNotEmpty" => AppError::UnitNotEmpty { users: f.users, records: f.records, units: f.units },
            "Duplicate" => AppError::Duplicate { visible_id: f.visible_id, ask: f.ask },
            "AlreadyClaimed" => AppError::AlreadyClaimed { by: f.by },
            "LimitReached" => AppError::LimitReached { what: f.what, limit: f.limit },
            "CoolingDown" => AppError::CoolingDown { until_ms: f.until_ms },
            "MentionNotAllowed" => AppError::MentionNotAllowed { name: f.name },
            "AlreadyDecided" => AppError::AlreadyDecided { by: f.by, at: f.at },
            "UnderApproval" => AppError::UnderApproval { approval_id: f.approval_id },
            "CannotReadDocument" => AppError::CannotReadDocument { name: f.name },
            "Overpayment" => AppError::Overpayment { outstanding_minor: f.outstanding_minor, currency: f.currency },
            _ => return None,
        })
    }

    impl<'de> Deserialize<'de> for Payload {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct PayloadVisitor;
            impl<'de> Visitor<'de> for PayloadVisitor {
                type Value = Payload;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("an error's text or fields")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Payload, E> {
                    Ok(Payload::Text(v.to_string()))
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Payload, A::Error> {
                    Fields::deserialize(MapAccessDeserializer::new(map)).map(Payload::Fields)
                }
            }
            d.deserialize_any(PayloadVisitor)
        }
    }

    impl<'de> Deserialize<'de> for AppError {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct ErrorVisitor;
            impl<'de> Visitor<'de> for ErrorVisitor {
                type Value = AppError;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("an error")
                }
                fn visit_str<E: de::Error>(self, name: &str) -> Result<AppError, E> {
                    unit(name).ok_or_else(|| E::unknown_variant(name, &[]))
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AppError, A::Error> {
                    let name: String = map.next_key()?.ok_or_else(|| de::Error::invalid_length(0, &self))?;
                    let known = match map.next_value()? {
                        Payload::Text(text) => with_text(&name, text),
                        Payload::Fields(fields) => with_fields(&name, fields),
                    };
                    known.ok_or_else(|| de::Error::unknown_variant(&name, &[]))
                }
            }
            d.deserialize_any(ErrorVisitor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_table_names_a_text_that_exists() {
        for (code, key) in FIELD_KEYS.iter().chain(INVALID_CODE_KEYS).chain(CONFLICT_KEYS) {
            assert_ne!(t(Lang::En, key), *key, "{code} maps to {key}, which has no text");
        }
    }

    #[test]
    fn validation_messages_name_the_field_when_it_is_known() {
        let invalid = |field: &str, code: &str| AppError::Invalid { field: field.into(), code: code.into() }.message(Lang::En);
        assert_eq!(invalid("email", "format"), format!("{}: {}", t(Lang::En, "field.email"), t(Lang::En, "invalid.format")));
        assert_eq!(invalid("until", "required"), invalid("date", "required"));
        assert_eq!(invalid("no_such_field", "too_long"), t(Lang::En, "invalid.too_long"));
        assert_eq!(invalid("name", "no_such_code"), format!("{}: {}", t(Lang::En, "field.name"), t(Lang::En, "invalid.other")));
    }

    /// Every variant, as the server writes it, reads back the same.
    #[test]
    fn every_error_reads_back_as_written() {
        let errors = [
            AppError::Unauthenticated,
            AppError::InvalidCredentials,
            AppError::RateLimited { retry_after_secs: 30 },
            AppError::Forbidden,
            AppError::NotFound,
            AppError::Invalid { field: "email".into(), code: "format".into() },
            AppError::ReadOnlyField("phone".into()),
            AppError::UnitNotEmpty { users: 1, records: 2, units: 3 },
            AppError::Duplicate { visible_id: Some(7), ask: "张三".into() },
            AppError::Duplicate { visible_id: None, ask: "x".into() },
            AppError::AlreadyClaimed { by: "李四".into() },
            AppError::LimitReached { what: "held".into(), limit: 50 },
            AppError::CoolingDown { until_ms: 1_700_000_000_000 },
            AppError::MentionNotAllowed { name: "王五".into() },
            AppError::AlreadyDecided { by: "李建国".into(), at: 1_700_000_000_000 },
            AppError::UnderApproval { approval_id: 9 },
            AppError::CannotReadDocument { name: "a.pdf".into() },
            AppError::Overpayment { outstanding_minor: 12_345, currency: "CNY".into() },
            AppError::Conflict("no_pool".into()),
            AppError::Internal,
            AppError::BadRequest("bad".into()),
            AppError::Transport("down".into()),
        ];
        for e in errors {
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), e, "{json}");
        }
        let answer: Result<i64, AppError> = serde_json::from_str(r#"{"Err":{"AlreadyDecided":{"by":"李建国","at":5}}}"#).unwrap();
        assert_eq!(answer, Err(AppError::AlreadyDecided { by: "李建国".into(), at: 5 }));
    }

    #[test]
    fn an_unknown_error_is_refused_not_guessed() {
        assert!(serde_json::from_str::<AppError>(r#""Teapot""#).is_err());
        assert!(serde_json::from_str::<AppError>(r#"{"Teapot":"x"}"#).is_err());
        assert!(serde_json::from_str::<AppError>(r#"{"Teapot":{"by":"x"}}"#).is_err());
        assert!(serde_json::from_str::<AppError>(r#"{"Conflict":{"by":"x"}}"#).is_err());
        assert!(serde_json::from_str::<AppError>("{}").is_err());
    }

    #[test]
    fn conflicts_have_their_own_words_or_the_general_one() {
        let conflict = |code: &str| AppError::Conflict(code.into()).message(Lang::Zh);
        assert_eq!(conflict("no_pool"), t(Lang::Zh, "err.no_pool"));
        assert_eq!(conflict("quote_already_contracted"), t(Lang::Zh, "err.quote_already_contracted"));
        assert_eq!(conflict("lead_disqualified"), t(Lang::Zh, "lead.err_disqualified"));
        assert_eq!(conflict("something_new"), t(Lang::Zh, "err.conflict"));
    }
}
