//! The areas of the product in the navigation. Which of them a user may open is decided by the
//! domain from their grants.

use serde::{Deserialize, Serialize};

/// An area of the product: a place in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Area {
    Dashboard,
    Customers,
    Leads,
    Opportunities,
    Contracts,
    Tickets,
    Approvals,
    Tasks,
    Reports,
    Admin,
}

impl Area {
    pub const ALL: &'static [Area] = &[
        Area::Dashboard,
        Area::Customers,
        Area::Leads,
        Area::Opportunities,
        Area::Contracts,
        Area::Tickets,
        Area::Approvals,
        Area::Tasks,
        Area::Reports,
        Area::Admin,
    ];
}
