//! The policy against a plain reference model. Random worlds — org trees up to depth 8, users with
//! extra units and managers, roles, customers, shares (some expired), pools with members — are written to a real
//! database; then for every user and action the SQL filter, the single-record decision and the
//! model below must agree on every record.
//!
//! CRM_POLICY_SEED fixes the seed; CRM_POLICY_WORLDS the number of worlds per engine.

use std::collections::BTreeSet;

use domain::clock::{now_ms, HOUR_MS};
use domain::customers::{insert_customer_tx, NewCustomer};
use domain::policy::{decide, Actor};
use domain::roles::{Action, ObjectType, Scope};
use domain::testing::worlds::{write_org, PlainUser, Written};
use domain::testing::{Engine, TestDb};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;

// ---------------------------------------------------------------------------------------------
// The reference model: the rules in plain Rust over plain data, no SQL, no closure table.

#[derive(Debug, Clone)]
struct World {
    /// parent index per unit; unit 0 is the root.
    unit_parent: Vec<Option<usize>>,
    users: Vec<ModelUser>,
    /// per role: scope per action on customers
    roles: Vec<Vec<(Action, Scope)>>,
    records: Vec<ModelRecord>,
    shares: Vec<ModelShare>,
    pools: Vec<ModelPool>,
}

#[derive(Debug, Clone)]
struct ModelPool {
    unit: usize,
    member_units: Vec<usize>,
    member_users: Vec<usize>,
    active: bool,
}

#[derive(Debug, Clone)]
struct ModelUser {
    primary: usize,
    extra: Vec<usize>,
    manager: Option<usize>,
    roles: Vec<usize>,
}

#[derive(Debug, Clone)]
struct ModelRecord {
    owner: Option<usize>,
    unit: usize,
    pool: Option<usize>,
}

#[derive(Debug, Clone)]
enum ModelGrantee {
    User(usize),
    Unit(usize),
}

#[derive(Debug, Clone)]
struct ModelShare {
    record: usize,
    grantee: ModelGrantee,
    edit: bool,
    expired: bool,
}

impl World {
    fn units_of(&self, user: usize) -> Vec<usize> {
        let u = &self.users[user];
        let mut v = vec![u.primary];
        v.extend(u.extra.iter().copied());
        v
    }

    fn up_from(&self, unit: usize) -> Vec<usize> {
        domain::testing::model::up_from(&self.unit_parent, unit)
    }

    fn reports_to(&self, user: usize, boss: usize) -> bool {
        domain::testing::model::reports_to(|u| self.users[u].manager, user, boss)
    }

    fn scope(&self, user: usize, action: Action) -> Scope {
        self.users[user]
            .roles
            .iter()
            .flat_map(|r| self.roles[*r].iter())
            .filter(|(a, _)| *a == action)
            .map(|(_, s)| *s)
            .max()
            .unwrap_or(Scope::None)
    }

    fn allows(&self, user: usize, action: Action, record: usize) -> bool {
        let r = &self.records[record];
        let mine = self.units_of(user);
        let by_scope = match self.scope(user, action) {
            Scope::None => false,
            Scope::Own => r.owner == Some(user),
            Scope::OwnAndSubordinates => r.owner == Some(user) || r.owner.is_some_and(|o| self.reports_to(o, user)),
            Scope::Unit => mine.contains(&r.unit),
            Scope::UnitAndBelow => self.up_from(r.unit).iter().any(|u| mine.contains(u)),
            Scope::All => true,
        };
        let by_share = matches!(action, Action::Read | Action::Update)
            && self.shares.iter().any(|s| {
                s.record == record
                    && !s.expired
                    && (action == Action::Read || s.edit)
                    && match s.grantee {
                        ModelGrantee::User(u) => u == user,
                        ModelGrantee::Unit(g) => mine.iter().any(|m| self.up_from(*m).contains(&g)),
                    }
            });
        // Customers waiting (unowned) in an active pool are readable by the pool's members: people
        // in the pool's unit or below, in a member unit or below, or member users.
        let by_pool = action == Action::Read
            && r.owner.is_none()
            && r.pool.is_some_and(|p| {
                let pool = &self.pools[p];
                let mine_up: Vec<usize> = mine.iter().flat_map(|m| self.up_from(*m)).collect();
                pool.active
                    && (mine_up.contains(&pool.unit)
                        || pool.member_units.iter().any(|u| mine_up.contains(u))
                        || pool.member_users.contains(&user))
            });
        by_scope || by_share || by_pool
    }
}

// ---------------------------------------------------------------------------------------------
// Generation.

const ACTIONS: &[Action] =
    &[Action::Read, Action::Update, Action::Delete, Action::Assign, Action::Share, Action::Export];

fn random_scope(rng: &mut StdRng) -> Scope {
    Scope::ALL[rng.gen_range(0..Scope::ALL.len())]
}

fn generate(rng: &mut StdRng) -> World {
    let unit_count = rng.gen_range(2..=24);
    let mut unit_parent: Vec<Option<usize>> = vec![None];
    let mut depth = vec![1usize];
    for _ in 1..unit_count {
        // Prefer deep chains now and then so that depth 8 occurs.
        let candidates: Vec<usize> = (0..unit_parent.len()).filter(|u| depth[*u] < 8).collect();
        let parent = if rng.gen_bool(0.5) {
            *candidates.iter().max_by_key(|u| depth[**u]).unwrap()
        } else {
            candidates[rng.gen_range(0..candidates.len())]
        };
        unit_parent.push(Some(parent));
        depth.push(depth[parent] + 1);
    }
    let roles: Vec<Vec<(Action, Scope)>> = (0..rng.gen_range(1..=4))
        .map(|_| ACTIONS.iter().map(|a| (*a, random_scope(rng))).collect())
        .collect();
    let user_count = rng.gen_range(3..=9);
    let mut users = Vec::new();
    for i in 0..user_count {
        let primary = rng.gen_range(0..unit_count);
        let mut extra: Vec<usize> = Vec::new();
        for _ in 0..rng.gen_range(0..=2) {
            let u = rng.gen_range(0..unit_count);
            if u != primary && !extra.contains(&u) {
                extra.push(u);
            }
        }
        let manager = if i > 0 && rng.gen_bool(0.7) { Some(rng.gen_range(0..i)) } else { None };
        let mut user_roles: Vec<usize> = Vec::new();
        for _ in 0..rng.gen_range(0..=2) {
            let r = rng.gen_range(0..roles.len());
            if !user_roles.contains(&r) {
                user_roles.push(r);
            }
        }
        users.push(ModelUser { primary, extra, manager, roles: user_roles });
    }
    let pools: Vec<ModelPool> = (0..rng.gen_range(0..=3))
        .map(|_| ModelPool {
            unit: rng.gen_range(0..unit_count),
            member_units: (0..rng.gen_range(0..=1)).map(|_| rng.gen_range(0..unit_count)).collect(),
            member_users: (0..rng.gen_range(0..=1)).map(|_| rng.gen_range(0..user_count)).collect(),
            active: rng.gen_bool(0.85),
        })
        .collect();
    let records: Vec<ModelRecord> = (0..rng.gen_range(4..=18))
        .map(|_| {
            let owner = if rng.gen_bool(0.25) { None } else { Some(rng.gen_range(0..user_count)) };
            let unit = match owner {
                Some(o) if rng.gen_bool(0.7) => users[o].primary,
                _ => rng.gen_range(0..unit_count),
            };
            // Mostly unowned customers sit in a pool; now and then a stale pool mark on an owned one.
            let pool = if !pools.is_empty() && (owner.is_none() || rng.gen_bool(0.1)) && rng.gen_bool(0.8) {
                Some(rng.gen_range(0..pools.len()))
            } else {
                None
            };
            ModelRecord { owner, unit, pool }
        })
        .collect();
    let shares = (0..rng.gen_range(0..=8))
        .map(|_| ModelShare {
            record: rng.gen_range(0..records.len()),
            grantee: if rng.gen_bool(0.5) {
                ModelGrantee::User(rng.gen_range(0..user_count))
            } else {
                ModelGrantee::Unit(rng.gen_range(0..unit_count))
            },
            edit: rng.gen_bool(0.5),
            expired: rng.gen_bool(0.25),
        })
        .collect();
    World { unit_parent, users, roles, records, shares, pools }
}

// ---------------------------------------------------------------------------------------------
// Writing a world to the database.

struct Ids {
    users: Vec<i64>,
    records: Vec<i64>,
}

async fn store(t: &TestDb, w: &World, n: usize) -> Ids {
    let db = &t.db;
    let mut tx = db.begin_write().await.unwrap();
    let plain: Vec<PlainUser> = w.users.iter().map(|u| PlainUser { primary: u.primary, extra: &u.extra, manager: u.manager, roles: &u.roles }).collect();
    let grants: Vec<Vec<_>> = w.roles.iter().map(|g| g.iter().map(|(a, s)| (ObjectType::Customer, *a, *s)).collect()).collect();
    let Written { units, users, .. } = write_org(&mut tx, &format!("w{n}"), &w.unit_parent, &grants, &plain).await;
    let now = now_ms();
    let mut pools = Vec::new();
    for (i, p) in w.pools.iter().enumerate() {
        let id: i64 = sqlx::query(
            "INSERT INTO pools (unit_id, name, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(units[p.unit])
        .bind(format!("W{n}公海{i}"))
        .bind(p.active as i64)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
        for u in &p.member_units {
            sqlx::query("INSERT INTO pool_members (pool_id, unit_id) VALUES ($1, $2)").bind(id).bind(units[*u]).execute(&mut *tx).await.unwrap();
        }
        for u in &p.member_users {
            sqlx::query("INSERT INTO pool_members (pool_id, user_id) VALUES ($1, $2)").bind(id).bind(users[*u]).execute(&mut *tx).await.unwrap();
        }
        pools.push(id);
    }
    let mut records = Vec::new();
    for (i, r) in w.records.iter().enumerate() {
        let c = NewCustomer {
            name: format!("客户{i}"),
            kind: "company",
            industry: String::new(),
            province: String::new(),
            city: String::new(),
            phone: String::new(),
            level: 'C',
            source: String::new(),
            owner_id: r.owner.map(|o| users[o]),
            unit_id: units[r.unit],
        };
        let id = insert_customer_tx(&mut tx, &c, None).await.unwrap();
        if let Some(p) = r.pool {
            sqlx::query("UPDATE customers SET pool_id = $2 WHERE id = $1").bind(id).bind(pools[p]).execute(&mut *tx).await.unwrap();
        }
        records.push(id);
    }
    for s in &w.shares {
        let (user, unit) = match s.grantee {
            ModelGrantee::User(u) => (Some(users[u]), None),
            ModelGrantee::Unit(u) => (None, Some(units[u])),
        };
        let expires = if s.expired { Some(now - HOUR_MS) } else if user.is_some() { None } else { Some(now + HOUR_MS) };
        sqlx::query(
            "INSERT INTO shares (object, record_id, grantee_user_id, grantee_unit_id, access, expires_at, created_at) \
             VALUES ('customer', $1, $2, $3, $4, $5, $6)",
        )
        .bind(records[s.record])
        .bind(user)
        .bind(unit)
        .bind(if s.edit { "edit" } else { "read" })
        .bind(expires)
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    Ids { users, records }
}

// ---------------------------------------------------------------------------------------------

/// Every customer the list shows the actor, paging in small pages by a random sort; only this
/// world's records count.
async fn list_all(t: &TestDb, actor: &Actor, rng: &mut StdRng, records: &[i64]) -> BTreeSet<i64> {
    use domain::customers::list::{page, ListQuery, Sort, SortKey};
    let sort = Sort { key: SortKey::ALL[rng.gen_range(0..SortKey::ALL.len())], descending: rng.gen_bool(0.5) };
    // Now and then one membership test instead of a walk per owner or unit.
    domain::policy::reach::set_bucket_limit(if rng.gen_bool(0.3) { 1 } else { domain::policy::reach::MAX_BUCKETS });
    // And now and then the shares read by the list query itself instead of resolved first.
    domain::policy::reach::set_shared_ids_limit(if rng.gen_bool(0.3) { 0 } else { domain::policy::reach::MAX_SHARED_IDS });
    let mut q = ListQuery { sort, limit: rng.gen_range(1..=5), ..Default::default() };
    let mut seen = BTreeSet::new();
    loop {
        let p = page(&t.db, actor, &q).await.unwrap();
        for row in &p.rows {
            assert!(seen.insert(row.id), "a record appears on two pages");
        }
        match p.next {
            Some(next) => q.after = Some(next),
            None => break,
        }
    }
    seen.retain(|id| records.contains(id));
    seen
}

async fn check_engine(engine: Engine) {
    let seed: u64 = std::env::var("CRM_POLICY_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| now_ms() as u64);
    let worlds: usize = std::env::var("CRM_POLICY_WORLDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let mut rng = StdRng::seed_from_u64(seed);
    let t = TestDb::new(engine).await;
    let (mut cases, mut decisions, mut max_depth, mut list_checks) = (0usize, 0usize, 0usize, 0usize);
    let mut n = 0;
    // At least `worlds` worlds, and more until 2,000 cases are reached.
    while n < worlds || cases < 2000 {
        n += 1;
        let w = generate(&mut rng);
        let ids = store(&t, &w, n).await;
        max_depth = max_depth.max((0..w.unit_parent.len()).map(|u| w.up_from(u).len()).max().unwrap_or(0));
        // The in-memory policy used for live delivery, loaded once per world.
        let snapshot = domain::policy::snapshot::Snapshot::load(&t.db).await.unwrap();
        let mut facts = Vec::new();
        {
            let mut conn = t.db.pool().acquire().await.unwrap();
            for id in &ids.records {
                facts.push(domain::policy::snapshot::record_facts(&mut conn, ObjectType::Customer, *id).await.unwrap().unwrap());
            }
        }
        let now = now_ms();
        for (ui, user_id) in ids.users.iter().enumerate() {
            let actor = Actor::load(&t.db, *user_id).await.unwrap();
            for action in ACTIONS {
                cases += 1;
                let expected: BTreeSet<i64> =
                    (0..w.records.len()).filter(|r| w.allows(ui, *action, *r)).map(|r| ids.records[r]).collect();
                let mut by_sql: BTreeSet<i64> =
                    domain::customers::ids_where(&t.db, &actor, *action).await.unwrap().into_iter().collect();
                // Earlier worlds' records share the table; only this world's count here.
                by_sql.retain(|id| ids.records.contains(id));
                assert_eq!(
                    by_sql, expected,
                    "SQL filter disagrees with the model: seed {seed}, world {n}, user {ui}, {action:?}\n{w:#?}"
                );
                if *action == Action::Read {
                    // The list path (scope resolved to owner or unit buckets) pages through the
                    // same records, less those waiting in pools, in any sort order.
                    let listed = list_all(&t, &actor, &mut rng, &ids.records).await;
                    let expected_listed: BTreeSet<i64> = (0..w.records.len())
                        .filter(|r| w.allows(ui, *action, *r) && !(w.records[*r].owner.is_none() && w.records[*r].pool.is_some()))
                        .map(|r| ids.records[r])
                        .collect();
                    list_checks += 1;
                    assert_eq!(
                        listed, expected_listed,
                        "list pages disagree with the model: seed {seed}, world {n}, user {ui}\n{w:#?}"
                    );
                }
                for (ri, record_id) in ids.records.iter().enumerate() {
                    decisions += 1;
                    let d = decide(&t.db, &actor, ObjectType::Customer, *action, *record_id).await.unwrap();
                    assert_eq!(
                        snapshot.allows(*user_id, ObjectType::Customer, *action, &facts[ri], now),
                        w.allows(ui, *action, ri),
                        "in-memory policy disagrees with the model: seed {seed}, world {n}, user {ui}, record {ri}, {action:?}\n{w:#?}"
                    );
                    assert_eq!(
                        d.allowed,
                        w.allows(ui, *action, ri),
                        "single-record check disagrees with the model: seed {seed}, world {n}, user {ui}, record {ri}, {action:?}, {d:?}\n{w:#?}"
                    );
                }
            }
        }
    }
    println!(
        "policy property test on {engine:?}: seed {seed}, {n} worlds (org depth up to {max_depth}), \
         {cases} generated cases (user x action), {decisions} record decisions, {list_checks} paged lists: \
         SQL filter, list pages, single-record check, in-memory policy and reference model agree"
    );
    assert!(cases >= 2000, "at least 2,000 generated cases, got {cases}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_agrees_with_the_reference_model_on_sqlite() {
    check_engine(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_agrees_with_the_reference_model_on_postgres() {
    check_engine(Engine::Postgres).await;
}
