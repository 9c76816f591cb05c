//! The UI kit: small pieces every part of the UI may use, which import no page and no feature
//! module (only Leptos, the translations and the error type). Formatting of times and money, the
//! line that shows a failed action, drafts that survive live reloads, list constants, awaiting resources that may be gone, the text
//! keys of record fields, files in the browser, and parts of a page fetched on first use.

pub mod action_error;
pub mod drafts;
pub mod fields;
pub mod files;
pub mod first_use;
pub mod format;
pub mod list;
pub mod loading;
