//! The areas of the product a user may open, derived from their grants. The navigation shows
//! exactly these; each area's server functions check the same grants again.

use crate::objects::{Action, ObjectType};
use crate::rights::Grants;

pub use domain_types::areas::Area;

/// The object whose read grant opens the area; the dashboard is open to everyone signed in.
pub fn object_of(area: Area) -> Option<ObjectType> {
    match area {
        Area::Dashboard => None,
        Area::Customers => Some(ObjectType::Customer),
        Area::Leads => Some(ObjectType::Lead),
        Area::Opportunities => Some(ObjectType::Opportunity),
        Area::Contracts => Some(ObjectType::Contract),
        Area::Tickets => Some(ObjectType::Ticket),
        Area::Approvals => Some(ObjectType::Approval),
        Area::Tasks => Some(ObjectType::Task),
        Area::Reports => Some(ObjectType::Report),
        Area::Admin => Some(ObjectType::Admin),
    }
}

pub fn is_open_to(area: Area, grants: &Grants) -> bool {
    match object_of(area) {
        None => true,
        Some(object) => grants.can(object, Action::Read),
    }
}

pub fn areas_for(grants: &Grants) -> Vec<Area> {
    Area::ALL.iter().copied().filter(|a| is_open_to(*a, grants)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::Scope;
    use crate::roles::BUILTIN_ROLES;

    fn grants_of(key: &str) -> Grants {
        let role = BUILTIN_ROLES.iter().find(|r| r.key == key).unwrap();
        let mut g = Grants::default();
        for (o, a, s) in (role.grants)() {
            g.add(o, a, s);
        }
        g
    }

    #[test]
    fn nobody_without_grants_sees_more_than_the_dashboard() {
        assert_eq!(areas_for(&Grants::default()), vec![Area::Dashboard]);
    }

    #[test]
    fn administrator_sees_everything() {
        assert_eq!(areas_for(&grants_of("administrator")), Area::ALL.to_vec());
    }

    #[test]
    fn service_agent_sees_no_leads_reports_or_admin() {
        let areas = areas_for(&grants_of("service"));
        assert!(areas.contains(&Area::Customers));
        assert!(!areas.contains(&Area::Leads));
        assert!(!areas.contains(&Area::Reports));
        assert!(!areas.contains(&Area::Admin));
    }

    #[test]
    fn a_none_scope_does_not_open_an_area() {
        let mut g = Grants::default();
        g.add(ObjectType::Lead, Action::Read, Scope::None);
        g.add(ObjectType::Customer, Action::Create, Scope::All);
        assert_eq!(areas_for(&g), vec![Area::Dashboard]);
    }
}
