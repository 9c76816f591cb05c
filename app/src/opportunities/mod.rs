//! Opportunities (商机): the pipeline board, one column per stage, where cards move between stages
//! by drag and drop or from each card's stage list ([`board`]); the sales forecast by month and
//! unit ([`forecast`]); and the form for a new opportunity. The page follows live opportunity
//! events.

pub mod api;
pub mod board;
pub mod forecast;
pub mod form;
pub mod stages;
pub mod words;
