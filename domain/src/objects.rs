//! The vocabulary of access: the kinds of record (object types), what one does with them
//! (actions), and how far a grant reaches (scopes). Pure values with their text forms; everything
//! that decides or stores access builds on this module, which builds on nothing.

use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

string_enum!(
    /// The kinds of record a role can grant access to. `Admin` stands for the administration
    /// pages (org tree, users, roles, audit log).
    ObjectType {
        Customer => "customer",
        Contact => "contact",
        Lead => "lead",
        Opportunity => "opportunity",
        Quote => "quote",
        Contract => "contract",
        Receivable => "receivable",
        Product => "product",
        Ticket => "ticket",
        Approval => "approval",
        Task => "task",
        Report => "report",
        Admin => "admin",
    }
);

string_enum!(
    Action {
        Read => "read",
        Create => "create",
        Update => "update",
        Delete => "delete",
        Assign => "assign",
        Share => "share",
        Export => "export",
    }
);

string_enum!(
    /// Ordered from narrowest to widest: grants from several roles add up to the widest.
    Scope {
        None => "none",
        Own => "own",
        OwnAndSubordinates => "own_and_subordinates",
        Unit => "unit",
        UnitAndBelow => "unit_and_below",
        All => "all",
    }
);
