//! The customers: held by sellers with a log-normal book size, about 5% waiting in their branch's
//! pool, created over three years, with tags, and per customer its contacts, follow-ups and
//! sometimes a share. Written in transactions of 50,000 customers.

use std::time::Instant;

use rand::rngs::StdRng;
use rand::Rng;
use sqlx::{AnyConnection, Connection};

use super::activity::{Contacts, Customer, FollowUps};
use super::bulk::{info, Inserter};
use super::config::{BenchConfig, Summary};
use super::org::Plan;
use super::sampling::{person_name, phone, pick, pick_weighted, skew, Weighted};
use super::shares::Shares;
use super::vocabulary::{CITIES, LEVELS, PREFIXES, SECOND, SOURCES, SUFFIXES, TAGS, TRADES};
use crate::clock::DAY_MS;
use crate::db::Dialect;
use crate::error::DomainResult;

pub(super) async fn write_customers(conn: &mut AnyConnection, dialect: Dialect, cfg: &BenchConfig, p: &Plan, rng: &mut StdRng, summary: &mut Summary) -> DomainResult<()> {
    let until = cfg.until_ms;
    let span = 3 * 365 * DAY_MS;
    // Who holds customers, and how many: a log-normal book size per seller.
    let sellers: Vec<(usize, usize)> = p.branches.iter().enumerate().flat_map(|(b, br)| br.sellers.iter().map(move |u| (b, *u))).collect();
    let seller_pick = Weighted::new(sellers.iter().map(|_| skew(rng, 0.9)));
    let branch_pick = Weighted::new(p.branches.iter().map(|b| b.weight));
    let level_pick = Weighted::new(LEVELS.iter().map(|l| l.1 as f64));

    let mut customers = Inserter::new(dialect, "customers", &["id", "name", "kind", "industry", "province", "city", "address", "phone", "level", "source",
        "status", "owner_id", "unit_id", "created_at", "updated_at", "created_by", "pool_id", "owned_since", "previous_owner_id", "released_at",
        "last_follow_up_at", "open_deals"]);
    let mut contacts = Contacts::new(dialect);
    let mut follow_ups = FollowUps::new(dialect);
    let mut tags = Inserter::new(dialect, "customer_tags", &["customer_id", "tag", "created_at", "created_by"]);
    let mut shares = Shares::new(dialect);

    const PER_TRANSACTION: usize = 50_000;
    let started = Instant::now();
    for chunk in (0..cfg.customers).step_by(PER_TRANSACTION) {
        let mut tx = conn.begin().await?;
        for i in chunk..(chunk + PER_TRANSACTION).min(cfg.customers) {
            let id = i as i64 + 1;
            let pooled = rng.gen_bool(0.05);
            let (branch, owner) = if pooled { (branch_pick.pick(rng), None) } else {
                let (b, u) = sellers[seller_pick.pick(rng)];
                (b, Some(u))
            };
            let br = &p.branches[branch];
            let (_, province, city, _) = CITIES[br.city];
            let unit = owner.map_or(br.unit, |u| p.users[u].unit);
            let someone_here = || br.sellers[0];
            let previous = if pooled && rng.gen_bool(0.6) { Some(*pick(rng, &br.sellers)) } else { None };
            let (level, _, follow_factor) = LEVELS[level_pick.pick(rng)];
            let (name, kind, industry) = if rng.gen_bool(0.04) {
                (person_name(rng), "person", "")
            } else {
                let (trade, industry) = *pick(rng, TRADES);
                let name = format!("{city}{}{}{trade}{}", pick(rng, PREFIXES), pick(rng, SECOND), pick_weighted(rng, SUFFIXES));
                (name, "company", industry)
            };
            let created_at = until - (span as f64 * rng.gen::<f64>().powf(1.4)) as i64;
            let by = owner.or(previous).unwrap_or_else(someone_here) as i64 + 1;
            let customer = Customer { id, owner, by, created_at };

            let last_follow_up = follow_ups.push_for(rng, p, &customer, cfg.follow_ups_per_customer * follow_factor, until);
            let updated_at = rng.gen_range(created_at..=until).max(last_follow_up);
            let released_at = pooled.then(|| rng.gen_range(last_follow_up.max(created_at)..=until));
            let address = format!("{city}市{}路{}号", pick(rng, PREFIXES), rng.gen_range(1..=999));
            let status = if rng.gen_bool(0.9) { "active" } else { "inactive" };
            let row = [id.into(), name.into(), kind.into(), industry.into(), province.into(), city.into(), address.into(), phone(rng).into(), level.into(),
                (*pick_weighted(rng, SOURCES)).into(), status.into(), owner.map(|o| o as i64 + 1).into(), (unit as i64 + 1).into(), created_at.into(),
                updated_at.into(), Some(by).into(), pooled.then_some(branch as i64 + 1).into(), owner.map(|_| created_at).into(),
                previous.map(|u| u as i64 + 1).into(), released_at.into(), last_follow_up.into(), i64::from(rng.gen_bool(0.05)).into()];
            customers.push(row);

            contacts.push_for(rng, &customer, cfg.contacts_per_customer, until);
            if rng.gen_bool(0.2) {
                let first = rng.gen_range(0..TAGS.len());
                for k in 0..rng.gen_range(1..=3) {
                    tags.push([id.into(), TAGS[(first + k * 5) % TAGS.len()].into(), created_at.into(), Some(by).into()]);
                }
            }
            // About 1% are shared.
            if owner.is_some() && rng.gen_bool(0.01) {
                shares.push_for(rng, br, id, by, until);
            }
            summary.pooled += usize::from(pooled);
        }
        for ins in [&mut customers, &mut contacts.rows, &mut follow_ups.rows, &mut tags, &mut shares.rows] {
            ins.flush(&mut tx).await?;
        }
        tx.commit().await?;
        let secs = started.elapsed().as_secs_f64();
        info(format!(
            "{} customers, {} contacts, {} follow-ups, {} tags, {} shares ({:.0} customers/s)",
            customers.written, contacts.rows.written, follow_ups.rows.written, tags.written, shares.rows.written, customers.written as f64 / secs.max(0.001)
        ));
    }
    summary.customers = customers.written;
    summary.contacts = contacts.rows.written;
    summary.follow_ups = follow_ups.rows.written;
    summary.tags = tags.written;
    summary.shares = shares.rows.written;
    Ok(())
}
