//! The policy as a SQL condition, for every query that returns, counts or aggregates records.
//! It is built from fixed fragments; the only values are bound parameters (user id, now).

use crate::acting::Actor;
use crate::objects::{Action, ObjectType, Scope};

/// A condition over a record table aliased `alias`, with its bound values in order, numbered
/// from the `first` placeholder given to [`record_filter`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub sql: String,
    pub binds: Vec<i64>,
}

impl Filter {
    /// The placeholder number after the filter's own.
    pub fn next_param(&self, first: usize) -> usize {
        first + self.binds.len()
    }
}

/// Hands out placeholders for the values a condition uses, each bound once however often used.
struct Params {
    next: usize,
    binds: Vec<i64>,
    user: Option<String>,
    now: Option<String>,
}

impl Params {
    fn slot(&mut self, value: i64) -> String {
        let p = format!("${}", self.next);
        self.next += 1;
        self.binds.push(value);
        p
    }

    fn user(&mut self, id: i64) -> String {
        if self.user.is_none() {
            self.user = Some(self.slot(id));
        }
        self.user.clone().unwrap_or_default()
    }

    fn now(&mut self, now: i64) -> String {
        if self.now.is_none() {
            self.now = Some(self.slot(now));
        }
        self.now.clone().unwrap_or_default()
    }
}

/// The actor's units, primary and extra, read from the tables so that a move of the user
/// previewed inside a transaction is seen.
fn my_units(user: &str) -> String {
    format!("(SELECT primary_unit_id FROM users WHERE id = {user} UNION SELECT unit_id FROM user_units WHERE user_id = {user})")
}

/// The scope's own condition over the table aliased `alias`.
fn scope_sql(p: &mut Params, actor: &Actor, scope: Scope, alias: &str) -> String {
    match scope {
        Scope::None => "1 = 0".to_string(),
        Scope::Own => format!("{alias}.owner_id = {}", p.user(actor.user_id)),
        Scope::OwnAndSubordinates => {
            let user = p.user(actor.user_id);
            format!(
                "({alias}.owner_id = {user} OR {alias}.owner_id IN (\
                   WITH RECURSIVE subordinates(id) AS (\
                     SELECT id FROM users WHERE manager_id = {user} \
                     UNION SELECT u.id FROM users u JOIN subordinates s ON u.manager_id = s.id) \
                   SELECT id FROM subordinates))"
            )
        }
        Scope::Unit => format!("{alias}.unit_id IN {}", my_units(&p.user(actor.user_id))),
        Scope::UnitAndBelow => format!(
            "{alias}.unit_id IN (SELECT c.descendant_id FROM org_unit_closure c WHERE c.ancestor_id IN {})",
            my_units(&p.user(actor.user_id))
        ),
        Scope::All => "1 = 1".to_string(),
    }
}

/// The condition "the actor may do `action` on this record of `object`".
pub fn record_filter(actor: &Actor, object: ObjectType, action: Action, alias: &str, first: usize, now: i64) -> Filter {
    let mut p = Params { next: first, binds: Vec::new(), user: None, now: None };
    let scope = actor.scope(object, action);
    let share_access = match action {
        Action::Read => Some(""),
        Action::Update => Some(" AND sh.access = 'edit'"),
        _ => None,
    };
    let Some(access) = share_access else {
        let sql = scope_sql(&mut p, actor, scope, alias);
        return Filter { sql, binds: p.binds };
    };
    let user = p.user(actor.user_id);
    let now = p.now(now);
    let shared = format!(
        "SELECT sh.record_id FROM shares sh WHERE sh.object = '{object}'{access} \
           AND (sh.expires_at IS NULL OR sh.expires_at > {now}) \
           AND (sh.grantee_user_id = {user} OR sh.grantee_unit_id IN (\
                SELECT c2.ancestor_id FROM org_unit_closure c2 WHERE c2.descendant_id IN {units}))",
        object = object.as_str(),
        units = my_units(&user),
    );
    // Customers waiting in a pool are visible to the pool's members.
    let pooled = object == ObjectType::Customer && action == Action::Read;
    // Whoever assigned a task keeps sight of it.
    let created = object == ObjectType::Task;
    // A person's own records are few: the ids they own (by the owner index) and those shared with
    // them, rather than a test on every row of the table, which no index serves.
    let by_person = matches!(scope, Scope::Own | Scope::OwnAndSubordinates);
    if let (true, false, false, Some(table)) = (by_person, pooled, created, crate::records::table_of(object)) {
        let owned = scope_sql(&mut p, actor, scope, "own");
        let sql = format!("{alias}.id IN (SELECT own.id FROM {table} own WHERE {owned} UNION {shared})", table = table.table);
        return Filter { sql, binds: p.binds };
    }
    let by_scope = scope_sql(&mut p, actor, scope, alias);
    let pool = if pooled {
        format!(
            " OR ({alias}.pool_id IS NOT NULL AND {alias}.owner_id IS NULL AND {alias}.pool_id IN (\
               SELECT p.id FROM pools p WHERE p.active = 1 AND p.unit_id IN (\
                 SELECT c3.ancestor_id FROM org_unit_closure c3 WHERE c3.descendant_id IN {units}) \
               UNION SELECT pm.pool_id FROM pool_members pm JOIN pools p2 ON p2.id = pm.pool_id WHERE p2.active = 1 \
                 AND (pm.user_id = {user} OR pm.unit_id IN (\
                   SELECT c4.ancestor_id FROM org_unit_closure c4 WHERE c4.descendant_id IN {units}))))",
            units = my_units(&user),
        )
    } else {
        String::new()
    };
    let creator = if created { format!(" OR {alias}.creator_id = {user}") } else { String::new() };
    let sql = format!("({by_scope} OR {alias}.id IN ({shared}){pool}{creator})");
    Filter { sql, binds: p.binds }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rights::{FieldRights, Grants};

    fn actor(scope: Scope) -> Actor {
        let mut grants = Grants::default();
        grants.add(ObjectType::Customer, Action::Read, scope);
        grants.add(ObjectType::Customer, Action::Delete, scope);
        Actor { user_id: 7, units: vec![1], grants, fields: FieldRights::default() }
    }

    #[test]
    fn placeholders_are_numbered_from_first_and_bound_once() {
        let f = record_filter(&actor(Scope::Own), ObjectType::Customer, Action::Read, "c", 3, 99);
        assert_eq!(f.binds, vec![7, 99]);
        assert!(f.sql.contains("c.owner_id = $3"));
        assert!(f.sql.contains("sh.expires_at > $4"));
        assert!(!f.sql.contains("$5"));
        assert_eq!(f.next_param(3), 5);
    }

    #[test]
    fn own_records_are_collected_by_owner_and_share_rather_than_tested_row_by_row() {
        let mut grants = Grants::default();
        grants.add(ObjectType::Contract, Action::Read, Scope::Own);
        let a = Actor { user_id: 7, units: vec![1], grants, fields: FieldRights::default() };
        let f = record_filter(&a, ObjectType::Contract, Action::Read, "k", 1, 99);
        assert!(f.sql.starts_with("k.id IN (SELECT own.id FROM contracts own WHERE own.owner_id = $1 UNION SELECT sh.record_id FROM shares sh"), "{}", f.sql);
        assert_eq!(f.binds, vec![7, 99]);
        // Customers (pools) and tasks (their creators) keep the row test.
        let f = record_filter(&actor(Scope::Own), ObjectType::Customer, Action::Read, "c", 1, 99);
        assert!(f.sql.starts_with("(c.owner_id = $1 OR c.id IN (SELECT sh.record_id"), "{}", f.sql);
    }

    #[test]
    fn no_scope_and_no_share_means_nothing() {
        let f = record_filter(&actor(Scope::None), ObjectType::Customer, Action::Delete, "c", 1, 0);
        assert_eq!(f.sql, "1 = 0");
        assert!(f.binds.is_empty());
        let f = record_filter(&actor(Scope::All), ObjectType::Customer, Action::Delete, "c", 1, 0);
        assert_eq!(f.sql, "1 = 1");
    }
}
