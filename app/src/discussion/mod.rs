//! The discussion on a record: comments with @mentions, shown by the customer, lead and task
//! pages.

pub mod comments;
pub mod words;
