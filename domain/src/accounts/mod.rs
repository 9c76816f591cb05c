//! Accounts: users, password hashing, sign-in throttling and database-backed sessions.

pub mod admin;
pub mod passwords;
pub mod sessions;
pub mod throttle;
pub mod users;

pub use sessions::{SessionConfig, SessionUser};
pub use users::{authenticate, Email, Login, NewUser, Password};
