//! Marketing: rule-based customer segments ([`segments`]).

pub mod segments;
