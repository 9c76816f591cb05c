//! Customer pools on both engines: entry by region, caps, cool-down, recycling by each trigger,
//! reminders, and exactly one winner among simultaneous claims.

use std::collections::BTreeMap;

use domain::accounts::users::{insert_user_tx, Login, NewUser, Password};
use domain::clock::{now_ms, DAY_MS};
use domain::customers;
use domain::on_both_engines;
use domain::policy::Actor;
use domain::pools::{self, EntryField, EntryRule, PoolSettings};
use domain::roles::{self, Action};
use domain::testing::TestDb;
use domain::{demo, DomainError};
use sqlx::Row;

async fn actor(t: &TestDb, login: &str) -> Actor {
    let id: i64 = sqlx::query("SELECT id FROM users WHERE login = $1").bind(login).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    Actor::load(&t.db, id).await.unwrap()
}

async fn pool_named(t: &TestDb, name: &str) -> i64 {
    sqlx::query("SELECT id FROM pools WHERE name = $1").bind(name).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

async fn waiting(t: &TestDb, pool: i64) -> Vec<i64> {
    sqlx::query("SELECT id FROM customers WHERE pool_id = $1 AND owner_id IS NULL ORDER BY id")
        .bind(pool)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("id").unwrap())
        .collect()
}

async fn set(t: &TestDb, pool: i64, column: &'static str, value: i64) {
    let sql = match column {
        "max_held_per_user" => "UPDATE pools SET max_held_per_user = $2 WHERE id = $1",
        "max_claims_per_day" => "UPDATE pools SET max_claims_per_day = $2 WHERE id = $1",
        "cooldown_days" => "UPDATE pools SET cooldown_days = $2 WHERE id = $1",
        _ => unreachable!(),
    };
    sqlx::query(sql).bind(pool).bind(value).execute(t.db.pool()).await.unwrap();
}

async fn held_by(t: &TestDb, user: i64) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM customers WHERE owner_id = $1").bind(user).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap()
}

/// `n` more Beijing sales reps, for claims by many people at once.
async fn many_reps(t: &TestDb, n: usize) -> Vec<Actor> {
    let team: i64 = sqlx::query("SELECT id FROM org_units WHERE name = '北京销售一组'").fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    let role = roles::role_id_by_key(&t.db, "sales_rep").await.unwrap();
    let mut tx = t.db.begin_write().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let u = NewUser {
            login: Login::parse(&format!("rep{i:02}")).unwrap(),
            email: None,
            display_name: format!("销售{i:02}"),
            password: Password::parse("not-used-here").unwrap(),
            primary_unit_id: team,
            manager_id: None,
            role_ids: vec![role],
        };
        ids.push(insert_user_tx(&mut tx, &u, "$argon2id$unused", None).await.unwrap());
    }
    tx.commit().await.unwrap();
    let mut out = Vec::new();
    for id in ids {
        out.push(Actor::load(&t.db, id).await.unwrap());
    }
    out
}

on_both_engines!(members_see_and_claim_others_do_not, |t| {
    demo::seed(&t.db).await.unwrap();
    let bj_pool = pool_named(t, "北京公海").await;
    let sh_pool = pool_named(t, "上海公海").await;
    let bj_waiting = waiting(t, bj_pool).await;
    assert_eq!(bj_waiting.len(), 10);
    let rep = actor(t, "bj.sales1").await;
    let mine: Vec<i64> = pools::list_pools_for(&t.db, &rep).await.unwrap().iter().map(|p| p.id).collect();
    assert_eq!(mine, vec![bj_pool]);
    // Configuring pools is the administrators' alone; they see every pool.
    assert!(matches!(pools::pools_to_configure(&t.db, &rep).await, Err(DomainError::Forbidden)));
    let all: Vec<i64> = pools::pools_to_configure(&t.db, &actor(t, "admin").await).await.unwrap().iter().map(|p| p.id).collect();
    assert!(all.contains(&bj_pool) && all.contains(&sh_pool), "{all:?}");
    // Members read pool customers through the policy; the customer list leaves them out.
    let readable = customers::ids_where(&t.db, &rep, Action::Read).await.unwrap();
    assert!(bj_waiting.iter().all(|id| readable.contains(id)));
    assert!(waiting(t, sh_pool).await.iter().all(|id| !readable.contains(id)));
    let listed: Vec<i64> = customers::list_visible(&t.db, &rep, None, 500).await.unwrap().iter().map(|c| c.id).collect();
    assert!(bj_waiting.iter().all(|id| !listed.contains(id)));
    assert_eq!(customers::list_pool(&t.db, &rep, bj_pool, None, 500).await.unwrap().len(), 10);
    assert!(matches!(customers::list_pool(&t.db, &rep, sh_pool, None, 500).await, Err(DomainError::NotFound)));

    // A Shanghai rep cannot claim a Beijing pool customer; a service agent may not own customers.
    let target = bj_waiting[0];
    assert!(matches!(pools::claim(&t.db, &actor(t, "sh.sales1").await, target).await, Err(DomainError::NotFound)));
    assert!(matches!(pools::claim(&t.db, &actor(t, "bj.service").await, target).await, Err(DomainError::Forbidden)));

    pools::claim(&t.db, &rep, target).await.unwrap();
    let c = customers::get(&t.db, &rep, target).await.unwrap();
    assert_eq!(c.owner_id, Some(rep.user_id));
    assert_eq!(c.unit_id, rep.units[0], "the unit follows the new owner");
    // The owner may release it again; someone who may only read it may not.
    use domain::roles::ObjectType;
    assert!(domain::policy::rights_on(&t.db, &rep, ObjectType::Customer, target).await.unwrap().release);
    assert!(!domain::policy::rights_on(&t.db, &actor(t, "finance").await, ObjectType::Customer, target).await.unwrap().release);
    assert!(domain::policy::rights_on(&t.db, &actor(t, "bj.manager").await, ObjectType::Customer, target).await.unwrap().release);
    // The next claimer learns who has it.
    match pools::claim(&t.db, &actor(t, "bj.sales2").await, target).await {
        Err(DomainError::AlreadyClaimed { by }) => assert_eq!(by, "张伟"),
        other => panic!("expected already claimed, got {other:?}"),
    }
    let history: Vec<String> = sqlx::query("SELECT kind FROM customer_history WHERE customer_id = $1 ORDER BY id")
        .bind(target)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("kind").unwrap())
        .collect();
    assert_eq!(history, vec!["claim"]);
});

on_both_engines!(entry_rules_route_by_region, |t| {
    demo::seed(&t.db).await.unwrap();
    let admin = actor(t, "admin").await;
    let bj_pool = pool_named(t, "北京公海").await;
    let sh_pool = pool_named(t, "上海公海").await;
    // A Shanghai rep releases a customer whose province says Beijing: it goes to Beijing's pool.
    let rep = actor(t, "sh.sales1").await;
    let target = customers::list_visible(&t.db, &rep, None, 1).await.unwrap()[0].id;
    customers::update(&t.db, &rep, target, &BTreeMap::from([("province".to_string(), "北京".to_string())])).await.unwrap();
    assert!(matches!(pools::release(&t.db, &rep, target, "  ").await, Err(DomainError::Invalid { field: "reason", .. })));
    assert_eq!(pools::release(&t.db, &rep, target, "客户已迁往北京").await.unwrap(), bj_pool);
    assert!(waiting(t, bj_pool).await.contains(&target));
    assert!(customers::get(&t.db, &actor(t, "bj.sales1").await, target).await.is_ok(), "now visible to Beijing");

    // An industry rule with a better priority wins over the province rule.
    let finance_pool = pools::create_pool(&t.db, &admin, 1, "金融行业公海", "Finance industry pool", &PoolSettings::default()).await.unwrap();
    pools::configure_pool(&t.db, &admin, finance_pool, &PoolSettings::default(), &[], &[],
        &[EntryRule { field: EntryField::Industry, value: "finance".into(), priority: 1 }]).await.unwrap();
    let rep2 = actor(t, "sh.sales2").await;
    let fin = sqlx::query("SELECT id FROM customers WHERE owner_id = $1 AND industry = 'finance' ORDER BY id LIMIT 1")
        .bind(rep2.user_id).fetch_optional(t.db.pool()).await.unwrap();
    if let Some(fin) = fin {
        let fin: i64 = fin.try_get("id").unwrap();
        assert_eq!(pools::release(&t.db, &rep2, fin, "转交行业组").await.unwrap(), finance_pool);
    }
    // Unknown members and bad numbers are refused and change nothing.
    let before = pools::get_pool(&t.db, finance_pool).await.unwrap();
    assert!(matches!(pools::configure_pool(&t.db, &admin, finance_pool, &PoolSettings::default(), &[999_999], &[], &[]).await,
        Err(DomainError::Invalid { field: "unit", .. })));
    assert!(matches!(pools::configure_pool(&t.db, &admin, finance_pool, &PoolSettings::default(), &[], &[999_999], &[]).await,
        Err(DomainError::Invalid { field: "user", .. })));
    let bad = PoolSettings { max_held_per_user: -1, ..Default::default() };
    assert!(matches!(pools::configure_pool(&t.db, &admin, finance_pool, &bad, &[], &[], &[]).await,
        Err(DomainError::Invalid { field: "max_held_per_user", code: "out_of_range" })));
    assert_eq!(pools::get_pool(&t.db, finance_pool).await.unwrap(), before);
    // Configuring pools is for administrators; the audit log records it.
    assert!(matches!(pools::create_pool(&t.db, &rep, 1, "x", "", &PoolSettings::default()).await, Err(DomainError::Forbidden)));
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'pool'").fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(n, 2);
    assert!(waiting(t, sh_pool).await.len() == 10);
});

on_both_engines!(caps_and_cool_down_hold, |t| {
    demo::seed(&t.db).await.unwrap();
    let pool = pool_named(t, "北京公海").await;
    let rep = actor(t, "bj.sales1").await;
    let list = waiting(t, pool).await;
    // At most one more than held now.
    set(t, pool, "max_held_per_user", held_by(t, rep.user_id).await + 1).await;
    pools::claim(&t.db, &rep, list[0]).await.unwrap();
    assert!(matches!(pools::claim(&t.db, &rep, list[1]).await, Err(DomainError::LimitReached { what: "held", .. })));
    set(t, pool, "max_held_per_user", 0).await;
    // At most two claims a day.
    set(t, pool, "max_claims_per_day", 2).await;
    pools::claim(&t.db, &rep, list[1]).await.unwrap();
    assert!(matches!(pools::claim(&t.db, &rep, list[2]).await, Err(DomainError::LimitReached { what: "daily_claims", limit: 2 })));
    set(t, pool, "max_claims_per_day", 0).await;
    // After releasing, the previous owner waits out the cool-down; others need not.
    set(t, pool, "cooldown_days", 7).await;
    pools::release(&t.db, &rep, list[0], "暂无需求").await.unwrap();
    match pools::claim(&t.db, &rep, list[0]).await {
        Err(DomainError::CoolingDown { until_ms }) => assert!(until_ms > now_ms() + 6 * DAY_MS),
        other => panic!("expected a cool-down, got {other:?}"),
    }
    pools::claim(&t.db, &actor(t, "bj.sales2").await, list[0]).await.unwrap();
});

on_both_engines!(fifty_simultaneous_claims_have_exactly_one_winner, |t| {
    demo::seed(&t.db).await.unwrap();
    let pool = pool_named(t, "北京公海").await;
    let target = waiting(t, pool).await[0];
    let reps = many_reps(t, 50).await;
    let mut tasks = Vec::new();
    for rep in reps {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move { pools::claim(&db, &rep, target).await.map(|_| rep.user_id) }));
    }
    let mut winners = Vec::new();
    let mut told = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(id) => winners.push(id),
            Err(DomainError::AlreadyClaimed { by }) => {
                assert!(by.starts_with("销售"), "{by}");
                told += 1;
            }
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one wins");
    assert_eq!(told, 49, "the others hear who has it");
    let owner: Option<i64> = sqlx::query("SELECT owner_id FROM customers WHERE id = $1").bind(target).fetch_one(t.db.pool()).await.unwrap().try_get("owner_id").unwrap();
    assert_eq!(owner, Some(winners[0]));
    let claims: i64 = sqlx::query("SELECT COUNT(*) AS n FROM pool_claims WHERE customer_id = $1").bind(target).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(claims, 1);
});

on_both_engines!(caps_hold_under_simultaneous_claims, |t| {
    demo::seed(&t.db).await.unwrap();
    let pool = pool_named(t, "北京公海").await;
    let rep = actor(t, "bj.sales3").await;
    set(t, pool, "max_held_per_user", held_by(t, rep.user_id).await + 1).await;
    let list = waiting(t, pool).await;
    let mut tasks = Vec::new();
    for id in list.iter().copied() {
        let (db, rep) = (t.db.clone(), rep.clone());
        tasks.push(tokio::spawn(async move { pools::claim(&db, &rep, id).await }));
    }
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => ok += 1,
            Err(DomainError::LimitReached { what: "held", .. }) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(ok, 1, "ten claims at once by one person under a cap of one more: one succeeds");
});

on_both_engines!(recycling_follows_each_trigger_and_is_idempotent, |t| {
    demo::seed(&t.db).await.unwrap();
    let pool = pool_named(t, "北京公海").await; // 30 days without follow-up (A: 60), 90 without a deal (A: 180), remind 3 days ahead
    let rep = actor(t, "bj.sales1").await;
    let mine: Vec<(i64, String)> = sqlx::query("SELECT id, level FROM customers WHERE owner_id = $1 ORDER BY id")
        .bind(rep.user_id)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.try_get("id").unwrap(), r.try_get("level").unwrap()))
        .collect();
    let a = mine.iter().find(|(_, l)| l == "A").map(|(id, _)| *id);
    let others: Vec<i64> = mine.iter().filter(|(_, l)| l != "A").map(|(id, _)| *id).collect();
    assert!(others.len() >= 3);
    let now = now_ms();
    let at = |days: i64| now - days * DAY_MS;
    let touch = |id: i64, followed: i64, deal: Option<i64>, open: i64| {
        let db = t.db.clone();
        async move {
            sqlx::query("UPDATE customers SET owned_since = $2, last_follow_up_at = $3, last_deal_at = $4, open_deals = $5 WHERE id = $1")
                .bind(id).bind(at(200)).bind(followed).bind(deal).bind(open)
                .execute(db.pool()).await.unwrap();
        }
    };
    // Everyone else was followed up yesterday and dealt with last week.
    for id in &mine {
        touch(id.0, at(1), Some(at(7)), 0).await;
    }
    touch(others[0], at(31), Some(at(7)), 0).await; // no follow-up for 31 days: recycled
    touch(others[1], at(1), Some(at(91)), 0).await; // no deal for 91 days: recycled
    touch(others[2], at(31), Some(at(91)), 2).await; // open deals: skipped
    touch(others[3], at(28), Some(at(7)), 0).await; // due in 2 days: reminded
    if let Some(a) = a {
        touch(a, at(31), Some(at(7)), 0).await; // level A waits 60 days
    }
    let report = pools::recycle(&t.db, now).await.unwrap();
    assert_eq!(report.recycled, vec![others[0], others[1]]);
    assert_eq!(report.reminded, vec![others[3]]);
    assert!(waiting(t, pool).await.contains(&others[0]));
    let kinds: Vec<String> = sqlx::query("SELECT kind FROM events WHERE object = 'customer' AND record_id = $1 ORDER BY id").bind(others[0]).fetch_all(t.db.pool()).await.unwrap()
        .iter().map(|r| r.try_get("kind").unwrap()).collect();
    assert_eq!(kinds, vec!["pool.recycle"]);
    let reminded_to: Option<i64> = sqlx::query("SELECT target_user_id FROM events WHERE record_id = $1 AND kind = 'pool.recycle_reminder'")
        .bind(others[3]).fetch_one(t.db.pool()).await.unwrap().try_get("target_user_id").unwrap();
    assert_eq!(reminded_to, Some(rep.user_id));
    // Running again changes nothing and reminds nobody twice.
    let again = pools::recycle(&t.db, now).await.unwrap();
    assert!(again.recycled.is_empty() && again.reminded.is_empty(), "{again:?}");
    // The recycled customer's history says why.
    let note: Option<String> = sqlx::query("SELECT note FROM customer_history WHERE customer_id = $1 AND kind = 'recycle'")
        .bind(others[1]).fetch_one(t.db.pool()).await.unwrap().try_get("note").unwrap();
    assert_eq!(note.as_deref(), Some("no_deal"));
});

on_both_engines!(managers_assign_pool_customers, |t| {
    demo::seed(&t.db).await.unwrap();
    let pool = pool_named(t, "北京公海").await;
    let target = waiting(t, pool).await[0];
    let manager = actor(t, "bj.manager").await;
    let rep = actor(t, "bj.sales3").await;
    assert!(matches!(pools::assign(&t.db, &rep, target, rep.user_id).await, Err(DomainError::Forbidden)));
    pools::assign(&t.db, &manager, target, rep.user_id).await.unwrap();
    assert_eq!(customers::get(&t.db, &rep, target).await.unwrap().owner_id, Some(rep.user_id));
    assert!(!waiting(t, pool).await.contains(&target));
    let sh = actor(t, "sh.manager").await;
    assert!(matches!(pools::assign(&t.db, &sh, target, sh.user_id).await, Err(DomainError::NotFound)));
});
