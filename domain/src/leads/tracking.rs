//! How each salesperson does with the leads they were given: how many they hold, how many were
//! followed up at least once, converted and disqualified. Counted over the leads the asker may
//! read, so a manager sees the people of their units and a rep only themself.

use sqlx::Row;

use super::record::OBJECT;
use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::DomainResult;
use crate::objects::Action;
use crate::policy::record_filter;

pub use domain_types::leads::RepStats;

/// Per owner, by name, over the leads the actor may read.
pub async fn rep_stats(db: &Db, actor: &Actor) -> DomainResult<Vec<RepStats>> {
    let f = record_filter(actor, OBJECT, Action::Read, "l", 1, now_ms());
    let sql = format!(
        "SELECT l.owner_id, u.display_name, COUNT(*) AS assigned, \
         SUM(CASE WHEN l.first_follow_up_at IS NOT NULL THEN 1 ELSE 0 END) AS followed_up, \
         SUM(CASE WHEN l.status = 'converted' THEN 1 ELSE 0 END) AS converted, \
         SUM(CASE WHEN l.status = 'disqualified' THEN 1 ELSE 0 END) AS disqualified \
         FROM leads l JOIN users u ON u.id = l.owner_id WHERE {} \
         GROUP BY l.owner_id, u.display_name ORDER BY u.display_name, l.owner_id",
        f.sql
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &f.binds {
        q = q.bind(*b);
    }
    q.fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(RepStats {
                user_id: r.try_get("owner_id")?,
                name: r.try_get("display_name")?,
                assigned: r.try_get("assigned")?,
                followed_up: r.try_get("followed_up")?,
                converted: r.try_get("converted")?,
                disqualified: r.try_get("disqualified")?,
            })
        })
        .collect()
}
