//! Tasks: one person asks another, in any department, to do something by a date, optionally about
//! a record. The task table and the form to assign one are parts other pages show too; the tasks
//! list and a task's page are the pages.

pub mod detail;
pub mod form;
pub mod list;
pub mod table;
pub mod words;
