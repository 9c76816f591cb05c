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
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("server error")]
    Internal,
    #[error("request failed: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
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
            AppError::Invalid { field, code } => format!("{}: {}", field, code),
            AppError::Conflict(_) => t(lang, "err.conflict").into(),
            AppError::Internal => t(lang, "err.internal").into(),
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
            AppError::Invalid { .. } => 422,
            AppError::Conflict(_) => 409,
            AppError::Internal | AppError::Transport(_) => 500,
        }
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
            other => {
                tracing::error!(error = %other, "server function failed");
                AppError::Internal
            }
        }
    }
}
