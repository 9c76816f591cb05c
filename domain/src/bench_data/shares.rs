//! Shares of held customers: with a colleague or a service agent of the branch, or with one of
//! its departments; read or edit, some expired, some expiring, most open-ended.

use rand::rngs::StdRng;
use rand::Rng;

use super::bulk::Inserter;
use super::org::Branch;
use super::sampling::pick;
use crate::clock::DAY_MS;
use crate::db::Dialect;

pub(super) struct Shares {
    pub(super) rows: Inserter,
    last_id: i64,
}

impl Shares {
    pub(super) fn new(dialect: Dialect) -> Shares {
        Shares {
            rows: Inserter::new(dialect, "shares", &["id", "object", "record_id", "grantee_user_id", "grantee_unit_id", "access", "expires_at", "created_at", "created_by"]),
            last_id: 0,
        }
    }

    /// Queues one share of customer `id` of branch `br`, made by `by` at `until`.
    pub(super) fn push_for(&mut self, rng: &mut StdRng, br: &Branch, id: i64, by: i64, until: i64) {
        self.last_id += 1;
        let (user, unit) = match rng.gen_range(0..4) {
            0 => (Some(*pick(rng, &br.sellers) as i64 + 1), None),
            1 => (Some(*pick(rng, &br.service) as i64 + 1), None),
            2 => (None, Some(br.departments[1] as i64 + 1)),
            _ => (None, Some(br.departments[2] as i64 + 1)),
        };
        let access = if rng.gen_bool(0.3) { "edit" } else { "read" };
        let expires = match rng.gen_range(0..10) {
            0 => Some(until - 30 * DAY_MS),
            1 | 2 => Some(until + 365 * DAY_MS),
            _ => None,
        };
        let row = [self.last_id.into(), "customer".into(), id.into(), user.into(), unit.into(), access.into(), expires.into(), until.into(), Some(by).into()];
        self.rows.push(row);
    }
}
