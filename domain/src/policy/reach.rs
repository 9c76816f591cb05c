//! The policy for list views, resolved before the query: which owners or units a user's scope
//! reaches, as plain ids. A list then becomes one index walk per owner or unit, merged in sort
//! order, plus the records shared with the user — so a scoped page costs about what the same page
//! costs without any permission filter, instead of scanning everything and testing each row.
//!
//! It gives the same answer as [`super::record_filter`] (the property test checks the three
//! implementations against each other); it is only shaped for speed.

use sqlx::{AnyConnection, Row};

use crate::acting::Actor;
use crate::error::DomainResult;
use crate::objects::{Action, ObjectType, Scope};

/// Above this many owners or units, one walk in sort order tests membership instead of one walk
/// each, whatever [`shape_for`] would estimate.
pub const MAX_BUCKETS: usize = 64;

static BUCKET_LIMIT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(MAX_BUCKETS);

/// Lets the property test exercise both query shapes on small generated worlds.
#[cfg(feature = "testing")]
pub fn set_bucket_limit(n: usize) {
    BUCKET_LIMIT.store(n, std::sync::atomic::Ordering::Relaxed);
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Every record.
    All,
    /// Records owned by one of these users.
    Owners(Vec<i64>),
    /// Records of one of these units.
    Units(Vec<i64>),
    /// No record by scope (shares may still grant some).
    Nothing,
}

/// What the actor's roles let them reach for `action` on `object`.
pub async fn reach_on(conn: &mut AnyConnection, actor: &Actor, object: ObjectType, action: Action) -> DomainResult<Reach> {
    Ok(match actor.scope(object, action) {
        Scope::None => Reach::Nothing,
        Scope::All => Reach::All,
        Scope::Own => Reach::Owners(vec![actor.user_id]),
        Scope::OwnAndSubordinates => {
            let rows = sqlx::query(
                "WITH RECURSIVE subordinates(id) AS (\
                   SELECT id FROM users WHERE manager_id = $1 \
                   UNION SELECT u.id FROM users u JOIN subordinates s ON u.manager_id = s.id) \
                 SELECT id FROM subordinates ORDER BY id",
            )
            .bind(actor.user_id)
            .fetch_all(&mut *conn)
            .await?;
            let mut owners = vec![actor.user_id];
            for r in rows {
                let id: i64 = r.try_get("id")?;
                if id != actor.user_id {
                    owners.push(id);
                }
            }
            Reach::Owners(owners)
        }
        Scope::Unit => Reach::Units(actor.units.clone()),
        Scope::UnitAndBelow => {
            let mut units = Vec::new();
            for unit in &actor.units {
                for r in sqlx::query("SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = $1 ORDER BY descendant_id")
                    .bind(*unit)
                    .fetch_all(&mut *conn)
                    .await?
                {
                    let id: i64 = r.try_get("descendant_id")?;
                    if !units.contains(&id) {
                        units.push(id);
                    }
                }
            }
            units.sort_unstable();
            Reach::Units(units)
        }
    })
}

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bind {
    Int(i64),
    Text(String),
}

/// SQL text with its bound values; placeholders are numbered in the order values are added, and
/// a value used in several places is bound once.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub binds: Vec<Bind>,
}

impl Params {
    pub fn int(&mut self, v: i64) -> String {
        self.binds.push(Bind::Int(v));
        format!("${}", self.binds.len())
    }

    pub fn text(&mut self, v: impl Into<String>) -> String {
        self.binds.push(Bind::Text(v.into()));
        format!("${}", self.binds.len())
    }

    fn list(&mut self, ids: &[i64]) -> String {
        ids.iter().map(|id| self.int(*id)).collect::<Vec<_>>().join(", ")
    }

    /// A query over `sql` with these values bound in order.
    pub fn query<'q>(&self, sql: String) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in &self.binds {
            q = match b {
                Bind::Int(v) => q.bind(*v),
                Bind::Text(v) => q.bind(v.clone()),
            };
        }
        q
    }
}

/// How a scoped list is read: one index walk per owner or unit, or one walk in sort order that
/// tests membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    PerBucket,
    OneWalk,
}

/// The cheaper shape for `reach`. With n of N owners (or units) of about equal size, n walks each
/// read about one page, while one walk in sort order reads about N / n pages before it has
/// found a page of members; so one walk wins once n² > N (a branch manager reaching a fifth of
/// the group) and per-bucket walks win for a rep or a team.
pub async fn shape_for(conn: &mut AnyConnection, reach: &Reach) -> DomainResult<Shape> {
    let (n, population) = match reach {
        Reach::All | Reach::Nothing => return Ok(Shape::PerBucket),
        Reach::Owners(ids) if ids.len() > 1 => (ids.len(), "SELECT COUNT(*) AS n FROM users"),
        Reach::Units(ids) if ids.len() > 1 => (ids.len(), "SELECT COUNT(*) AS n FROM org_units"),
        Reach::Owners(_) | Reach::Units(_) => return Ok(Shape::PerBucket),
    };
    if n > BUCKET_LIMIT.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(Shape::OneWalk);
    }
    let total: i64 = sqlx::query(population).fetch_one(&mut *conn).await?.try_get("n")?;
    Ok(if (n * n) as i64 > total { Shape::OneWalk } else { Shape::PerBucket })
}

/// Resolved before the query when there are at most this many; above it the query reads the
/// shares itself.
pub const MAX_SHARED_IDS: usize = 500;

static SHARED_IDS_LIMIT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(MAX_SHARED_IDS);

/// Lets the property test exercise both ways of reading shares on small generated worlds.
#[cfg(feature = "testing")]
pub fn set_shared_ids_limit(n: usize) {
    SHARED_IDS_LIMIT.store(n, std::sync::atomic::Ordering::Relaxed);
}

/// The records of one type shared with a user, directly or with one of their units (or a unit
/// above), and not expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shared {
    Ids(Vec<i64>),
    Many,
}

/// What is shared with the actor, for a list whose scope is not everything. Most people have
/// few shares or none; knowing them as ids spares the list query the share lookup. Two indexed
/// lookups (by user, by the units above the user's) with plain values keep this cheap.
pub async fn shared_with(conn: &mut AnyConnection, actor: &Actor, object: ObjectType, reach: &Reach, now: i64) -> DomainResult<Shared> {
    if *reach == Reach::All {
        return Ok(Shared::Ids(Vec::new()));
    }
    let mut p = Params::default();
    let units = p.list(&actor.units);
    let above: Vec<i64> = p
        .query(format!("SELECT DISTINCT ancestor_id FROM org_unit_closure WHERE descendant_id IN ({units}) ORDER BY ancestor_id"))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get("ancestor_id"))
        .collect::<Result<_, _>>()?;
    let mut p = Params::default();
    let live = format!("sh.object = '{}' AND (sh.expires_at IS NULL OR sh.expires_at > {})", object.as_str(), p.int(now));
    let me = p.int(actor.user_id);
    let mut sql = format!("SELECT sh.record_id FROM shares sh WHERE sh.grantee_user_id = {me} AND {live}");
    if !above.is_empty() {
        sql.push_str(&format!(" UNION SELECT sh.record_id FROM shares sh WHERE sh.grantee_unit_id IN ({}) AND {live}", p.list(&above)));
    }
    let max = SHARED_IDS_LIMIT.load(std::sync::atomic::Ordering::Relaxed);
    let sql = format!("SELECT record_id FROM ({sql}) s ORDER BY record_id LIMIT {}", p.int(max as i64 + 1));
    let ids = p.query(sql).fetch_all(&mut *conn).await?.iter().map(|r| r.try_get("record_id")).collect::<Result<Vec<i64>, _>>()?;
    Ok(if ids.len() > max { Shared::Many } else { Shared::Ids(ids) })
}

/// The conditions on a record table whose union is what the actor may read; they never overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buckets {
    /// Walked in sort order, each through its own index (or one membership walk).
    pub scope: Vec<String>,
    /// Records shared with the actor beyond the scope (no sort index serves these).
    pub shared: Option<String>,
}

impl Buckets {
    pub fn all(&self) -> impl Iterator<Item = &String> {
        self.scope.iter().chain(self.shared.iter())
    }

    pub fn is_empty(&self) -> bool {
        self.scope.is_empty() && self.shared.is_none()
    }
}

/// The buckets of what the actor may read, with the shape and the shares resolved first.
pub async fn resolve_buckets(conn: &mut AnyConnection, p: &mut Params, actor: &Actor, object: ObjectType, reach: &Reach, alias: &str) -> DomainResult<Buckets> {
    let now = crate::clock::now_ms();
    let shape = shape_for(&mut *conn, reach).await?;
    let shared = shared_with(&mut *conn, actor, object, reach, now).await?;
    Ok(read_buckets(p, actor, object, reach, Layout { shape, shared: &shared, alias, now }))
}

/// How the buckets are laid out: the shape, the resolved shares, the table alias, and now.
pub struct Layout<'a> {
    pub shape: Shape,
    pub shared: &'a Shared,
    pub alias: &'a str,
    pub now: i64,
}

/// The conditions on a record table whose union is what the actor may read. Shares grant read
/// on top of the scope.
pub fn read_buckets(p: &mut Params, actor: &Actor, object: ObjectType, reach: &Reach, layout: Layout<'_>) -> Buckets {
    let Layout { shape, shared, alias, now } = layout;
    if *reach == Reach::All {
        return Buckets { scope: vec!["1 = 1".to_string()], shared: None };
    }
    let shared = match shared {
        Shared::Ids(ids) if ids.is_empty() => None,
        Shared::Ids(ids) => Some(format!("{alias}.id IN ({})", p.list(ids))),
        Shared::Many => {
            let me = p.int(actor.user_id);
            let my_units = p.list(&actor.units);
            let now = p.int(now);
            Some(format!(
                "{alias}.id IN (SELECT sh.record_id FROM shares sh WHERE sh.object = '{object}' \
                   AND (sh.expires_at IS NULL OR sh.expires_at > {now}) \
                   AND (sh.grantee_user_id = {me} OR sh.grantee_unit_id IN (\
                     SELECT cl.ancestor_id FROM org_unit_closure cl WHERE cl.descendant_id IN ({my_units}))))",
                object = object.as_str(),
            ))
        }
    };
    // The exclusion reads a missing owner as 0 (no user has id 0): NOT IN over NULL is unknown.
    let (column, excluded, ids) = match reach {
        Reach::Owners(ids) => (format!("{alias}.owner_id"), format!("COALESCE({alias}.owner_id, 0)"), ids),
        Reach::Units(ids) => (format!("{alias}.unit_id"), format!("{alias}.unit_id"), ids),
        Reach::Nothing | Reach::All => return Buckets { scope: Vec::new(), shared },
    };
    let placeholders: Vec<String> = ids.iter().map(|id| p.int(*id)).collect();
    let all = placeholders.join(", ");
    let scope = match shape {
        Shape::PerBucket => placeholders.iter().map(|ph| format!("{column} = {ph}")).collect(),
        // The unary plus keeps SQLite from reading the members through their own index and
        // sorting them all, which is exactly the plan this shape exists to avoid.
        Shape::OneWalk => vec![format!("+{column} IN ({all})")],
    };
    Buckets { scope, shared: shared.map(|s| format!("{s} AND {excluded} NOT IN ({all})")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rights::{FieldRights, Grants};

    fn actor() -> Actor {
        Actor { user_id: 7, units: vec![3, 4], grants: Grants::default(), fields: FieldRights::default() }
    }

    fn buckets(reach: &Reach, shape: Shape, shared: &Shared, p: &mut Params) -> Buckets {
        read_buckets(p, &actor(), ObjectType::Customer, reach, Layout { shape, shared, alias: "c", now: 99 })
    }

    #[test]
    fn everything_is_one_bucket_without_shares() {
        let mut p = Params::default();
        let b = buckets(&Reach::All, Shape::PerBucket, &Shared::Many, &mut p);
        assert_eq!(b, Buckets { scope: vec!["1 = 1".into()], shared: None });
        assert!(p.binds.is_empty());
    }

    #[test]
    fn each_unit_is_a_bucket_and_known_shares_exclude_them() {
        let mut p = Params::default();
        let b = buckets(&Reach::Units(vec![10, 11]), Shape::PerBucket, &Shared::Ids(vec![500, 501]), &mut p);
        assert_eq!(p.binds, vec![Bind::Int(500), Bind::Int(501), Bind::Int(10), Bind::Int(11)]);
        assert_eq!(b.scope, vec!["c.unit_id = $3", "c.unit_id = $4"]);
        assert_eq!(b.shared.as_deref(), Some("c.id IN ($1, $2) AND c.unit_id NOT IN ($3, $4)"));
    }

    #[test]
    fn no_shares_no_shares_bucket() {
        let mut p = Params::default();
        let b = buckets(&Reach::Owners(vec![7]), Shape::PerBucket, &Shared::Ids(vec![]), &mut p);
        assert_eq!(b.scope, vec!["c.owner_id = $1"]);
        assert_eq!(b.shared, None);
        assert!(buckets(&Reach::Nothing, Shape::PerBucket, &Shared::Ids(vec![]), &mut Params::default()).is_empty());
    }

    #[test]
    fn many_shares_are_read_by_the_query() {
        let mut p = Params::default();
        let b = buckets(&Reach::Units(vec![10]), Shape::PerBucket, &Shared::Many, &mut p);
        let shared = b.shared.unwrap();
        assert!(shared.starts_with("c.id IN (SELECT sh.record_id FROM shares sh WHERE sh.object = 'customer'"), "{shared}");
        assert!(shared.contains("sh.grantee_user_id = $1"), "{shared}");
        assert!(shared.ends_with("AND c.unit_id NOT IN ($5)"), "{shared}");
    }

    #[test]
    fn wide_scopes_become_one_membership_test() {
        let mut p = Params::default();
        let owners: Vec<i64> = (1..=(MAX_BUCKETS as i64 + 1)).collect();
        let b = buckets(&Reach::Owners(owners), Shape::OneWalk, &Shared::Ids(vec![9]), &mut p);
        assert_eq!(b.scope.len(), 1);
        assert!(b.scope[0].starts_with("+c.owner_id IN ($2, "));
        assert!(b.shared.unwrap().contains("AND COALESCE(c.owner_id, 0) NOT IN ($2, "));
    }
}
