//! Marketing: rule-based customer segments ([`segments`]), campaigns and what each channel brings ([`campaigns`]).

pub mod campaigns;
pub mod segments;
