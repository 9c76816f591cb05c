//! Field rights: per role, object and field hidden / read / edit. A role that says nothing about
//! a field leaves it editable; several roles add up to the widest right. The values are
//! [`crate::rights`]; this module loads a user's.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, Row};

use crate::error::DomainResult;
use crate::objects::ObjectType;

pub use crate::rights::{FieldAccess, FieldRights};

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
    use crate::error::DomainError;

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
