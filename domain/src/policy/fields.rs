//! Field rights: per role, object and field hidden / read / edit. A role that says nothing about
//! a field leaves it editable; several roles add up to the widest right.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use crate::error::{DomainError, DomainResult};
use crate::records::table_of;
use crate::roles::ObjectType;

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
        match table_of(object).and_then(|t| t.field(field)) {
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

pub async fn load_field_rights(conn: &mut AnyConnection, user_id: i64) -> DomainResult<FieldRights> {
    let rows = sqlx::query(
        "SELECT ur.role_id, f.object, f.field, f.access FROM user_roles ur \
         LEFT JOIN role_field_rights f ON f.role_id = ur.role_id WHERE ur.user_id = $1 ORDER BY ur.role_id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut per_role: BTreeMap<i64, BTreeMap<(ObjectType, String), FieldAccess>> = BTreeMap::new();
    for r in rows {
        let role: i64 = r.try_get("role_id")?;
        let entry = per_role.entry(role).or_default();
        let object: Option<String> = r.try_get("object")?;
        let field: Option<String> = r.try_get("field")?;
        let access: Option<String> = r.try_get("access")?;
        if let (Some(o), Some(f), Some(a)) = (object, field, access) {
            if let (Some(o), Some(a)) = (ObjectType::parse(&o), FieldAccess::parse(&a)) {
                entry.insert((o, f), a);
            }
        }
    }
    Ok(FieldRights::combine(&per_role.into_values().collect::<Vec<_>>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(entries: &[(&str, FieldAccess)]) -> BTreeMap<(ObjectType, String), FieldAccess> {
        entries.iter().map(|(f, a)| ((ObjectType::Customer, f.to_string()), *a)).collect()
    }

    #[test]
    fn rights_of_several_roles_add_up() {
        let r = FieldRights::combine(&[role(&[("phone", FieldAccess::Hidden)]), role(&[("phone", FieldAccess::Read)])]);
        assert_eq!(r.access(ObjectType::Customer, "phone"), FieldAccess::Read);
        // A second role silent about a field leaves it editable.
        let r = FieldRights::combine(&[role(&[("phone", FieldAccess::Hidden)]), role(&[])]);
        assert_eq!(r.access(ObjectType::Customer, "phone"), FieldAccess::Edit);
        let r = FieldRights::combine(&[role(&[("phone", FieldAccess::Hidden)])]);
        assert_eq!(r.access(ObjectType::Customer, "phone"), FieldAccess::Hidden);
        assert!(!r.can_read(ObjectType::Customer, "phone"));
    }

    #[test]
    fn identifying_fields_are_never_hidden() {
        let r = FieldRights::combine(&[role(&[("name", FieldAccess::Hidden)])]);
        assert_eq!(r.access(ObjectType::Customer, "name"), FieldAccess::Read);
    }

    #[test]
    fn one_read_only_field_refuses_the_whole_write() {
        let r = FieldRights::combine(&[role(&[("level", FieldAccess::Read)])]);
        assert!(r.check_writes(ObjectType::Customer, ["phone", "city"]).is_ok());
        assert!(matches!(
            r.check_writes(ObjectType::Customer, ["phone", "level"]),
            Err(DomainError::ReadOnlyField(f)) if f == "level"
        ));
    }
}
