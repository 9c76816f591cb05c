//! Who belongs to which pool: the people of the pool's unit and the units below it, plus extra
//! member units (and below) and users. The policy asks this for its single-record decision.

use sqlx::{AnyConnection, Row};

use crate::acting::Actor;
use crate::error::DomainResult;

/// The ids of the active pools the actor is a member of. Mirrors the pool clause of the policy's
/// SQL filter, walking parent links instead of the closure table.
pub async fn member_pools_on(conn: &mut AnyConnection, actor: &Actor) -> DomainResult<Vec<i64>> {
    let mut up = Vec::new();
    for unit in &actor.units {
        let mut current = Some(*unit);
        while let Some(u) = current {
            if up.contains(&u) {
                break;
            }
            up.push(u);
            current = sqlx::query("SELECT parent_id FROM org_units WHERE id = $1")
                .bind(u)
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| r.try_get::<Option<i64>, _>("parent_id"))
                .transpose()?
                .flatten();
        }
    }
    let mut pools = Vec::new();
    for r in sqlx::query("SELECT id, unit_id FROM pools WHERE active = 1 ORDER BY id").fetch_all(&mut *conn).await? {
        let (id, unit): (i64, i64) = (r.try_get("id")?, r.try_get("unit_id")?);
        if up.contains(&unit) {
            pools.push(id);
        }
    }
    for r in sqlx::query("SELECT m.pool_id, m.unit_id, m.user_id FROM pool_members m JOIN pools p ON p.id = m.pool_id WHERE p.active = 1")
        .fetch_all(&mut *conn)
        .await?
    {
        let pool: i64 = r.try_get("pool_id")?;
        let by_unit = r.try_get::<Option<i64>, _>("unit_id")?.is_some_and(|u| up.contains(&u));
        let by_user = r.try_get::<Option<i64>, _>("user_id")? == Some(actor.user_id);
        if (by_unit || by_user) && !pools.contains(&pool) {
            pools.push(pool);
        }
    }
    pools.sort_unstable();
    Ok(pools)
}
