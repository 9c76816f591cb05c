//! One customer, all around (customer 360): the page in [`page`], each of its concerns in its own
//! file — the record as the user may see it, fields edited in place, tags, each unit's grades,
//! notes, field history, shares and transfer, opportunities.

pub mod fields;
pub mod grades;
pub mod history;
pub mod notes;
pub mod opportunities;
pub mod deals;
pub mod page;
pub mod record;
pub mod shares;
pub mod tags;
pub mod words;
