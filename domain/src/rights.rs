//! What a user's roles add up to: a scope per object type and action ([`Grants`]) and an access
//! per field ([`FieldRights`]). Pure values; loading them from the roles is the policy's business.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType, Scope};

/// The widest scope per (object, action) over all of a user's roles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants(BTreeMap<(ObjectType, Action), Scope>);

impl Grants {
    pub fn add(&mut self, object: ObjectType, action: Action, scope: Scope) {
        let slot = self.0.entry((object, action)).or_insert(Scope::None);
        if scope > *slot {
            *slot = scope;
        }
    }

    pub fn scope(&self, object: ObjectType, action: Action) -> Scope {
        self.0.get(&(object, action)).copied().unwrap_or(Scope::None)
    }

    pub fn can(&self, object: ObjectType, action: Action) -> bool {
        self.scope(object, action) > Scope::None
    }
}

/// Access to one field, ordered from none to full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FieldAccess {
    Hidden,
    Read,
    Edit,
}

impl FieldAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldAccess::Hidden => "hidden",
            FieldAccess::Read => "read",
            FieldAccess::Edit => "edit",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "hidden" => Some(FieldAccess::Hidden),
            "read" => Some(FieldAccess::Read),
            "edit" => Some(FieldAccess::Edit),
            _ => None,
        }
    }
}

/// The combined field rights of a user; fields not listed are editable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldRights(BTreeMap<(ObjectType, String), FieldAccess>);

impl FieldRights {
    /// Combines per-role rights: for each field, the widest over all roles, where a role without
    /// an entry counts as edit.
    pub fn combine(per_role: &[BTreeMap<(ObjectType, String), FieldAccess>]) -> FieldRights {
        let mut out = BTreeMap::new();
        let keys: std::collections::BTreeSet<_> = per_role.iter().flat_map(|m| m.keys().cloned()).collect();
        for key in keys {
            let widest = per_role.iter().map(|m| m.get(&key).copied().unwrap_or(FieldAccess::Edit)).max();
            if let Some(access) = widest {
                if access != FieldAccess::Edit {
                    out.insert(key, access);
                }
            }
        }
        FieldRights(out)
    }

    pub fn access(&self, object: ObjectType, field: &str) -> FieldAccess {
        let declared = self.0.get(&(object, field.to_string())).copied().unwrap_or(FieldAccess::Edit);
        // Identifying fields cannot be hidden.
        match crate::records::field_def(object, field) {
            Some(def) if !def.hideable => declared.max(FieldAccess::Read),
            _ => declared,
        }
    }

    pub fn can_read(&self, object: ObjectType, field: &str) -> bool {
        self.access(object, field) >= FieldAccess::Read
    }

    /// Refuses the whole write when any field in it is not editable.
    pub fn check_writes<'a>(&self, object: ObjectType, fields: impl IntoIterator<Item = &'a str>) -> DomainResult<()> {
        for field in fields {
            if self.access(object, field) < FieldAccess::Edit {
                return Err(DomainError::ReadOnlyField(field.to_string()));
            }
        }
        Ok(())
    }
}
