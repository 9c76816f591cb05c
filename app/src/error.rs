//! The error every server function returns. It crosses the wire as JSON; the browser turns it
//! into a localized message.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::i18n::{t, Lang};

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
        let err = crate::server::fail(err);
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
            AppError::LimitReached { what, limit } => t(lang, if what == "held" { "err.limit_held" } else { "err.limit_daily" })
                .replace("{limit}", &limit.to_string()),
            AppError::CoolingDown { until_ms } => t(lang, "err.cooling_down").replace("{until}", &crate::admin::audit::format_utc(*until_ms)),
            AppError::Conflict(code) if code == "already_in_pool" => t(lang, "err.already_in_pool").into(),
            AppError::Conflict(code) if code == "no_pool" => t(lang, "err.no_pool").into(),
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
            AppError::Conflict(_) | AppError::Duplicate { .. } | AppError::AlreadyClaimed { .. } | AppError::LimitReached { .. } | AppError::CoolingDown { .. } => 409,
            AppError::BadRequest(_) => 400,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
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
            D::ReadOnlyField(field) => AppError::ReadOnlyField(field),
            D::AlreadyClaimed { by } => AppError::AlreadyClaimed { by },
            D::Duplicate { visible_id, ask } => AppError::Duplicate { visible_id, ask },
            D::LimitReached { what, limit } => AppError::LimitReached { what: what.into(), limit },
            D::CoolingDown { until_ms } => AppError::CoolingDown { until_ms },
            D::UnitNotEmpty { users, records, units } => AppError::UnitNotEmpty { users, records, units },
            other => {
                tracing::error!(error = %other, "server function failed");
                AppError::Internal
            }
        }
    }
}
