use thiserror::Error;

/// The one error type of the domain layer. The web layer maps each variant to a response in one
/// place; messages meant for users are carried as stable codes and localized there.
#[derive(Debug, Error)]
pub enum DomainError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("the login or password is wrong")]
    InvalidCredentials,
    #[error("too many failed sign-ins; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: i64 },
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("the field {0} may not be changed")]
    ReadOnlyField(String),
    #[error("invalid {field}: {code}")]
    Invalid { field: &'static str, code: &'static str },
    #[error("the unit still has {users} active users, {records} records and {units} active sub-units")]
    UnitNotEmpty { users: i64, records: i64, units: i64 },
    #[error("already claimed by {by}")]
    AlreadyClaimed { by: String },
    #[error("limit reached: {what} ({limit})")]
    LimitReached { what: &'static str, limit: i64 },
    #[error("the previous owner may claim again after {until_ms}")]
    CoolingDown { until_ms: i64 },
    #[error("a customer with this name or phone exists; ask {ask}")]
    Duplicate { visible_id: Option<i64>, ask: String },
    #[error("{name} may not read this record and cannot be mentioned")]
    MentionNotAllowed { name: String },
    /// A decision on an approval step that someone (maybe the same person) already made.
    #[error("already decided by {by} at {at}")]
    AlreadyDecided { by: String, at: i64 },
    /// An edit of a document (or a move of its subject) while an approval of it runs.
    #[error("under approval (approval {approval_id}); withdraw it or wait for the decision")]
    UnderApproval { approval_id: i64 },
    /// A delegation to someone who may not read the document.
    #[error("{name} may not read this document")]
    CannotReadDocument { name: String },
    /// A receipt larger than what is still outstanding on the receivable.
    #[error("exceeds the outstanding {outstanding_minor} {currency}")]
    Overpayment { outstanding_minor: i64, currency: String },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl DomainError {
    pub fn invalid(field: &'static str, code: &'static str) -> Self {
        DomainError::Invalid { field, code }
    }
}

pub type DomainResult<T> = Result<T, DomainError>;
