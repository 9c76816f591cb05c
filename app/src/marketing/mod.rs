//! Marketing: customer segments ([`segments`], `/segments`) and campaigns with their channels'
//! effectiveness ([`campaigns`], `/leads/campaigns`).

pub mod campaigns;
pub mod lead_campaign;
pub mod segments;
pub mod words;
