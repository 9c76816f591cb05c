//! The bench data generator on a tiny data set, so that it cannot silently rot: the org tree and
//! its closure table agree, depth stays within the limit, every row points at rows that exist,
//! customers sit in their holder's unit, the indexes come back, and counts add up.

use std::collections::{BTreeMap, BTreeSet};

use domain::bench_data::{generate, BenchConfig};
use domain::on_both_engines;
use domain::testing::{Engine, TestDb};
use domain::DomainError;
use sqlx::Row;

async fn ints(t: &TestDb, sql: &str) -> Vec<Vec<Option<i64>>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch_all(t.db.pool()).await.unwrap();
    rows.iter().map(|r| (0..r.len()).map(|i| r.try_get::<Option<i64>, _>(i).unwrap()).collect()).collect()
}

async fn one(t: &TestDb, sql: &str) -> i64 {
    ints(t, sql).await[0][0].unwrap_or(0)
}

async fn index_names(t: &TestDb) -> BTreeSet<String> {
    let sql = match t.engine {
        Engine::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'index'",
        Engine::Postgres => "SELECT indexname::text AS name FROM pg_indexes WHERE schemaname = current_schema()",
    };
    let rows = sqlx::query(sql).fetch_all(t.db.pool()).await.unwrap();
    rows.iter().map(|r| r.try_get::<String, _>("name").unwrap()).collect()
}

on_both_engines!(generates_a_consistent_small_data_set, |t| {
    let cfg = BenchConfig { customers: 2_000, units: 30, users: 100, max_depth: 6, seed: 42, until_ms: 1_764_547_200_000, ..Default::default() };
    let indexes = index_names(t).await;
    let s = generate(&t.db, &cfg).await.unwrap();
    assert_eq!(index_names(t).await, indexes, "the secondary indexes come back as they were");

    // Counts.
    assert_eq!((s.units, s.users, s.customers), (30, 100, 2_000));
    assert_eq!(one(t, "SELECT COUNT(*) FROM org_units").await, 30);
    assert_eq!(one(t, "SELECT COUNT(*) FROM users").await, 100);
    assert_eq!(one(t, "SELECT COUNT(*) FROM customers").await, 2_000);
    assert_eq!(one(t, "SELECT COUNT(*) FROM contacts").await as usize, s.contacts);
    assert_eq!(one(t, "SELECT COUNT(*) FROM follow_ups").await as usize, s.follow_ups);
    assert_eq!(one(t, "SELECT COUNT(*) FROM shares").await as usize, s.shares);
    assert_eq!(one(t, "SELECT COUNT(*) FROM customer_tags").await as usize, s.tags);
    assert_eq!(one(t, "SELECT COUNT(*) FROM pools").await as usize, s.branches);
    assert!((2_400..=3_600).contains(&s.contacts), "about 1.5 contacts per customer: {}", s.contacts);
    assert!((2_400..=3_600).contains(&s.follow_ups), "about 1.5 follow-ups per customer: {}", s.follow_ups);
    assert!((40..=170).contains(&s.pooled), "about 5% in pools: {}", s.pooled);
    assert_eq!(one(t, "SELECT COUNT(*) FROM customers WHERE owner_id IS NULL").await as usize, s.pooled);

    // The closure table holds exactly every (ancestor, descendant, depth) of the parent links.
    let parent: BTreeMap<i64, Option<i64>> =
        ints(t, "SELECT id, parent_id FROM org_units").await.into_iter().map(|r| (r[0].unwrap(), r[1])).collect();
    let mut expected = BTreeSet::new();
    for id in parent.keys() {
        let (mut at, mut depth) = (Some(*id), 0);
        while let Some(a) = at {
            expected.insert((a, *id, depth));
            at = parent[&a];
            depth += 1;
        }
    }
    let closure: BTreeSet<(i64, i64, i64)> = ints(t, "SELECT ancestor_id, descendant_id, depth FROM org_unit_closure")
        .await
        .into_iter()
        .map(|r| (r[0].unwrap(), r[1].unwrap(), r[2].unwrap()))
        .collect();
    assert_eq!(closure, expected);
    let deepest = closure.iter().map(|c| c.2 + 1).max().unwrap();
    assert_eq!(deepest as usize, s.max_depth);
    assert!(deepest <= 6 && deepest >= 5, "depth {deepest}");
    assert_eq!(parent.values().filter(|p| p.is_none()).count(), 1, "one group at the top");

    // Every reference points at a row that exists.
    for (what, sql) in [
        ("unit heads", "SELECT COUNT(*) FROM org_units o WHERE o.head_user_id IS NOT NULL AND o.head_user_id NOT IN (SELECT id FROM users)"),
        ("user units", "SELECT COUNT(*) FROM users u WHERE u.primary_unit_id NOT IN (SELECT id FROM org_units)"),
        ("managers", "SELECT COUNT(*) FROM users u WHERE u.manager_id IS NOT NULL AND u.manager_id NOT IN (SELECT id FROM users)"),
        ("customer units", "SELECT COUNT(*) FROM customers c WHERE c.unit_id NOT IN (SELECT id FROM org_units)"),
        ("customer owners", "SELECT COUNT(*) FROM customers c WHERE c.owner_id IS NOT NULL AND c.owner_id NOT IN (SELECT id FROM users)"),
        ("contacts", "SELECT COUNT(*) FROM contacts x WHERE x.customer_id NOT IN (SELECT id FROM customers)"),
        ("follow-ups", "SELECT COUNT(*) FROM follow_ups f WHERE f.customer_id NOT IN (SELECT id FROM customers) OR f.created_by NOT IN (SELECT id FROM users)"),
        ("tags", "SELECT COUNT(*) FROM customer_tags g WHERE g.customer_id NOT IN (SELECT id FROM customers)"),
        ("shares", "SELECT COUNT(*) FROM shares h WHERE h.record_id NOT IN (SELECT id FROM customers) \
                    OR (h.grantee_user_id IS NOT NULL AND h.grantee_user_id NOT IN (SELECT id FROM users)) \
                    OR (h.grantee_unit_id IS NOT NULL AND h.grantee_unit_id NOT IN (SELECT id FROM org_units))"),
        ("pool units", "SELECT COUNT(*) FROM pools p WHERE p.unit_id NOT IN (SELECT id FROM org_units WHERE kind = 'branch')"),
        // A held customer sits in its holder's unit; a waiting one in the pool of its branch.
        ("holder's unit", "SELECT COUNT(*) FROM customers c JOIN users u ON u.id = c.owner_id WHERE c.unit_id <> u.primary_unit_id"),
        ("pooled", "SELECT COUNT(*) FROM customers c LEFT JOIN pools p ON p.id = c.pool_id WHERE c.owner_id IS NULL AND (p.id IS NULL OR p.unit_id <> c.unit_id)"),
        ("last follow-up", "SELECT COUNT(*) FROM customers c WHERE c.last_follow_up_at <> \
                            COALESCE((SELECT MAX(f.created_at) FROM follow_ups f WHERE f.customer_id = c.id), 0)"),
        ("roles", "SELECT COUNT(*) FROM users u WHERE (SELECT COUNT(*) FROM user_roles r WHERE r.user_id = u.id) <> 1"),
        ("times", "SELECT COUNT(*) FROM customers c WHERE c.created_at > c.updated_at OR c.updated_at > 1764547200000 \
                   OR c.created_at < 1669939200000"), // 1,095 days before the end
    ] {
        assert_eq!(one(t, sql).await, 0, "{what}");
    }
    // Customers of a branch carry the branch's province and city.
    assert_eq!(one(t, "SELECT COUNT(DISTINCT c.unit_id) FROM customers c").await > 3, true);
    let mixed = one(t, "SELECT COUNT(*) FROM (SELECT cl.ancestor_id FROM customers c JOIN org_unit_closure cl ON cl.descendant_id = c.unit_id \
                        JOIN org_units b ON b.id = cl.ancestor_id AND b.kind = 'branch' GROUP BY cl.ancestor_id HAVING COUNT(DISTINCT c.city) > 1) x").await;
    assert_eq!(mixed, 0, "one city per branch");
    for role in ["administrator", "branch_manager", "sales_rep", "service", "finance", "marketing", "executive"] {
        let n = sqlx::query("SELECT COUNT(*) AS n FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.key = $1")
            .bind(role).fetch_one(t.db.pool()).await.unwrap().try_get::<i64, _>("n").unwrap();
        assert!(n > 0, "someone is a {role}");
    }

    // The generated users sign in with the documented password; new rows get fresh ids.
    domain::accounts::authenticate(&t.db, "admin", domain::bench_data::BENCH_PASSWORD, "127.0.0.1").await.unwrap();
    let mut tx = t.db.begin_write().await.unwrap();
    let c = domain::customers::NewCustomer {
        name: "新客户".into(), kind: "company", industry: String::new(), province: String::new(), city: String::new(),
        phone: String::new(), level: 'B', source: String::new(), owner_id: None, unit_id: 1,
    };
    assert_eq!(domain::customers::insert_customer_tx(&mut tx, &c, None).await.unwrap(), 2_001);
    tx.commit().await.unwrap();

    // Only into an empty database.
    assert!(matches!(generate(&t.db, &cfg).await, Err(DomainError::Conflict(_))));
});
