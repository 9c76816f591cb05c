//! Contracts and receivables (sales to cash): the list with the receivables tab and the form for a
//! new contract ([`list`], [`form`]), and a contract's page where it is submitted, signed and
//! where finance records receipts that its owner sees arrive live ([`detail`]).

pub mod api;
pub mod detail;
pub mod form;
pub mod list;
pub mod quotes;
pub mod receivables;
pub mod words;
