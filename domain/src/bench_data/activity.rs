//! The work done with each customer: its contacts, and follow-ups by the holder (now and then
//! their team lead) at random times since the customer was created.

use rand::rngs::StdRng;
use rand::Rng;

use super::bulk::Inserter;
use super::org::Plan;
use super::sampling::{person_name, phone, pick, pick_weighted, poisson};
use super::vocabulary::{FOLLOW_UP_KINDS, NOTES, TITLES};
use crate::clock::DAY_MS;
use crate::db::Dialect;

/// A customer as its contacts and follow-ups need it.
pub(super) struct Customer {
    pub(super) id: i64,
    pub(super) owner: Option<usize>,
    /// Who created it (and writes what is not the holder's).
    pub(super) by: i64,
    pub(super) created_at: i64,
}

pub(super) struct FollowUps {
    pub(super) rows: Inserter,
    last_id: i64,
}

impl FollowUps {
    pub(super) fn new(dialect: Dialect) -> FollowUps {
        FollowUps { rows: Inserter::new(dialect, "follow_ups", &["id", "customer_id", "kind", "note", "next_at", "created_at", "created_by"]), last_id: 0 }
    }

    /// Queues about `mean` follow-ups of the customer up to `until`; answers the latest time (0
    /// when none).
    pub(super) fn push_for(&mut self, rng: &mut StdRng, p: &Plan, c: &Customer, mean: f64, until: i64) -> i64 {
        let mut last_follow_up = 0i64;
        for _ in 0..poisson(rng, mean) {
            self.last_id += 1;
            let at = rng.gen_range(c.created_at..=until);
            last_follow_up = last_follow_up.max(at);
            let author = match c.owner {
                Some(o) if rng.gen_bool(0.1) => p.users[o].manager.unwrap_or(o) as i64 + 1,
                _ => c.by,
            };
            let next_at = rng.gen_bool(0.3).then(|| at + rng.gen_range(1..=14) * DAY_MS);
            let row = [self.last_id.into(), c.id.into(), (*pick_weighted(rng, FOLLOW_UP_KINDS)).into(), (*pick(rng, NOTES)).into(), next_at.into(), at.into(), author.into()];
            self.rows.push(row);
        }
        last_follow_up
    }
}

pub(super) struct Contacts {
    pub(super) rows: Inserter,
    last_id: i64,
}

impl Contacts {
    pub(super) fn new(dialect: Dialect) -> Contacts {
        Contacts { rows: Inserter::new(dialect, "contacts", &["id", "customer_id", "name", "title", "phone", "email", "created_at", "updated_at", "created_by"]), last_id: 0 }
    }

    /// Queues about `mean` contacts of the customer, added at random times up to `until`.
    pub(super) fn push_for(&mut self, rng: &mut StdRng, c: &Customer, mean: f64, until: i64) {
        for _ in 0..poisson(rng, mean) {
            self.last_id += 1;
            let contact_id = self.last_id;
            let at = rng.gen_range(c.created_at..=until);
            let row = [contact_id.into(), c.id.into(), person_name(rng).into(), (*pick(rng, TITLES)).into(), phone(rng).into(),
                format!("contact{contact_id}@example.cn").into(), at.into(), at.into(), Some(c.by).into()];
            self.rows.push(row);
        }
    }
}
