//! The one place that decides access. For an acting user, an object type and an action it gives
//! a SQL filter for lists, counts and searches ([`filter`]); for one record a yes/no with the
//! reasons ([`decide`]); and for fields what may be read and written ([`fields`]).
//!
//! Rules: a role grants per object and action a scope (own, own and subordinates, own unit, own
//! unit and below, all); grants of several roles add up. A share gives a user, or everyone in a
//! unit and below, read or edit access to one record until it expires. Shares grant read (any
//! share) and update (edit shares) only.

pub mod decide;
pub mod fields;
pub mod filter;
pub mod reach;
pub mod snapshot;

use sqlx::{AnyConnection, Row};

use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::objects::{Action, ObjectType};
use crate::roles::grants_for_user_on;

pub use crate::acting::Actor;
pub use crate::rights::{FieldAccess, FieldRights};
pub use decide::{decide, decide_on, Decision, Reason};
pub use filter::{record_filter, Filter};

/// Loading the acting user: their units, grants and field rights as they are now.
impl Actor {
    pub async fn load(db: &Db, user_id: i64) -> DomainResult<Actor> {
        let mut conn = db.pool().acquire().await?;
        Actor::load_on(&mut conn, user_id).await
    }

    pub async fn load_on(conn: &mut AnyConnection, user_id: i64) -> DomainResult<Actor> {
        let row = sqlx::query("SELECT primary_unit_id, active FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(DomainError::Unauthenticated)?;
        if row.try_get::<i64, _>("active")? != 1 {
            return Err(DomainError::Unauthenticated);
        }
        let mut units = vec![row.try_get::<i64, _>("primary_unit_id")?];
        let extra = sqlx::query("SELECT unit_id FROM user_units WHERE user_id = $1 ORDER BY unit_id")
            .bind(user_id)
            .fetch_all(&mut *conn)
            .await?;
        for r in extra {
            let u: i64 = r.try_get("unit_id")?;
            if !units.contains(&u) {
                units.push(u);
            }
        }
        let grants = grants_for_user_on(conn, user_id).await?;
        let fields = fields::load_field_rights(conn, user_id).await?;
        Ok(Actor { user_id, units, grants, fields })
    }
}

/// Answers NotFound when the user may not even read the record (its existence stays hidden) and
/// Forbidden when they may read it but not do this.
pub async fn require_on(
    conn: &mut AnyConnection,
    actor: &Actor,
    object: ObjectType,
    action: Action,
    record_id: i64,
) -> DomainResult<()> {
    let decision = decide_on(conn, actor, object, action, record_id).await?;
    if decision.allowed {
        return Ok(());
    }
    if action == Action::Read || !decide_on(conn, actor, object, Action::Read, record_id).await?.allowed {
        return Err(DomainError::NotFound);
    }
    Err(DomainError::Forbidden)
}

/// For administrators: why `user_id` may or may not do each action on a record.
pub async fn explain(
    db: &Db,
    admin: &Actor,
    user_id: i64,
    object: ObjectType,
    record_id: i64,
) -> DomainResult<Vec<(Action, Decision)>> {
    if !admin.is_admin() {
        return Err(DomainError::Forbidden);
    }
    let mut conn = db.pool().acquire().await?;
    let subject = match Actor::load_on(&mut conn, user_id).await {
        Ok(a) => a,
        Err(DomainError::Unauthenticated) => return Err(DomainError::invalid("user", "disabled_or_unknown")),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for action in Action::ALL {
        if *action == Action::Create {
            continue;
        }
        out.push((*action, decide_on(&mut conn, &subject, object, *action, record_id).await?));
    }
    Ok(out)
}

/// What the actor may do with one record, for showing only the buttons that will work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordRights {
    pub update: bool,
    pub delete: bool,
    pub assign: bool,
    pub share: bool,
    /// Return a held customer to its pool: its owner, or whoever may assign it.
    pub release: bool,
}

pub async fn rights_on(db: &Db, actor: &Actor, object: ObjectType, record_id: i64) -> DomainResult<RecordRights> {
    let mut conn = db.pool().acquire().await?;
    let mut rights = RecordRights::default();
    for (action, slot) in [
        (Action::Update, &mut rights.update),
        (Action::Delete, &mut rights.delete),
        (Action::Assign, &mut rights.assign),
        (Action::Share, &mut rights.share),
    ] {
        *slot = decide_on(&mut conn, actor, object, action, record_id).await?.allowed;
    }
    if object == ObjectType::Customer {
        let owner: Option<i64> = sqlx::query("SELECT owner_id FROM customers WHERE id = $1")
            .bind(record_id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get("owner_id"))
            .transpose()?
            .flatten();
        rights.release = owner.is_some() && (owner == Some(actor.user_id) || rights.assign);
    }
    Ok(rights)
}
