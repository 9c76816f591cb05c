//! The acting user: who is asking, in which units, with what their roles add up to. Every
//! decision of the policy takes one. Loaded once per request by [`crate::policy`] (so a change
//! of roles takes effect on the next request); here only the value and what it answers by itself.

use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType, Scope};
use crate::rights::{FieldRights, Grants};

/// The acting user with everything the policy needs.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    /// The primary unit first, then any extra units.
    pub units: Vec<i64>,
    pub grants: Grants,
    pub fields: FieldRights,
}

impl Actor {
    pub fn scope(&self, object: ObjectType, action: Action) -> Scope {
        self.grants.scope(object, action)
    }

    /// Whether the user may create records of this type at all.
    pub fn may_create(&self, object: ObjectType) -> bool {
        self.grants.can(object, Action::Create)
    }

    pub fn is_admin(&self) -> bool {
        self.grants.can(ObjectType::Admin, Action::Read)
    }

    pub fn require_admin(&self) -> DomainResult<()> {
        if self.grants.can(ObjectType::Admin, Action::Update) {
            Ok(())
        } else {
            Err(DomainError::Forbidden)
        }
    }
}
