//! Pools (公海): the page where members see the customers waiting in their pools, claim them or
//! (managers) assign them; and the release action the customer page uses. Pool settings are
//! administered in `admin::pools`.

pub mod page;
pub mod release;
pub mod words;
