//! The policy on the demo group: who sees what, refusals that change nothing, field rights,
//! shares with and without expiry, transfers.

use std::collections::BTreeMap;

use domain::clock::{now_ms, HOUR_MS};
use domain::customers;
use domain::on_both_engines;
use domain::policy::Actor;
use domain::roles::{Action, ObjectType};
use domain::sharing::{self, Grantee, ShareAccess};
use domain::testing::TestDb;
use domain::{demo, DomainError};
use sqlx::Row;

async fn user(t: &TestDb, login: &str) -> Actor {
    let id: i64 = sqlx::query("SELECT id FROM users WHERE login = $1")
        .bind(login)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    Actor::load(&t.db, id).await.unwrap()
}

async fn unit_id(t: &TestDb, name: &str) -> i64 {
    sqlx::query("SELECT id FROM org_units WHERE name = $1").bind(name).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

/// Everything the policy protects, as text, to prove that a refused action changed nothing.
async fn snapshot(t: &TestDb) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT id, name, phone, level, owner_id, unit_id, updated_at FROM customers ORDER BY id",
        "SELECT id, record_id, grantee_user_id, grantee_unit_id, access FROM shares ORDER BY id",
        "SELECT id, entity, action FROM audit_log ORDER BY id",
    ] {
        for r in sqlx::query(sql).fetch_all(t.db.pool()).await.unwrap() {
            let cols: Vec<String> = (0..r.len())
                .map(|i| {
                    r.try_get::<Option<i64>, _>(i)
                        .map(|v| format!("{v:?}"))
                        .or_else(|_| r.try_get::<Option<String>, _>(i).map(|v| format!("{v:?}")))
                        .unwrap()
                })
                .collect();
            out.push(cols.join("|"));
        }
    }
    out
}

async fn ids_in_units(t: &TestDb, root: &str) -> Vec<i64> {
    let root = unit_id(t, root).await;
    let units = domain::org::subtree_ids(&t.db, root).await.unwrap();
    let mut ids = Vec::new();
    for r in sqlx::query("SELECT id, unit_id FROM customers ORDER BY id").fetch_all(t.db.pool()).await.unwrap() {
        if units.contains(&r.try_get::<i64, _>("unit_id").unwrap()) {
            ids.push(r.try_get::<i64, _>("id").unwrap());
        }
    }
    ids
}

on_both_engines!(demo_scopes_follow_the_org_tree, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = user(t, "bj.sales1").await;
    let own: Vec<i64> = sqlx::query("SELECT id FROM customers WHERE owner_id = $1 ORDER BY id")
        .bind(rep.user_id)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("id").unwrap())
        .collect();
    assert!(!own.is_empty());
    let listed: Vec<i64> = customers::list_visible(&t.db, &rep, None, 500).await.unwrap().iter().map(|c| c.id).collect();
    assert_eq!(listed, own, "a rep's list holds only their own customers");
    // Through the policy they also read what waits in their branch's pool.
    let pooled: Vec<i64> = sqlx::query("SELECT c.id FROM customers c JOIN pools p ON p.id = c.pool_id WHERE p.name = '北京公海' AND c.owner_id IS NULL ORDER BY c.id")
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("id").unwrap())
        .collect();
    let mut readable = own.clone();
    readable.extend(&pooled);
    readable.sort_unstable();
    assert_eq!(customers::ids_where(&t.db, &rep, Action::Read).await.unwrap(), readable);
    assert_eq!(customers::count_visible(&t.db, &rep).await.unwrap(), own.len() as i64);

    let beijing = ids_in_units(t, "北京分公司").await;
    let shanghai = ids_in_units(t, "上海分公司").await;
    assert_eq!(beijing.len() + shanghai.len(), 200);
    let bj_manager = user(t, "bj.manager").await;
    assert_eq!(customers::ids_where(&t.db, &bj_manager, Action::Read).await.unwrap(), beijing, "all of Beijing");
    let sh_manager = user(t, "sh.manager").await;
    let sh_sees = customers::ids_where(&t.db, &sh_manager, Action::Read).await.unwrap();
    assert_eq!(sh_sees, shanghai);
    assert!(sh_sees.iter().all(|id| !beijing.contains(id)), "Shanghai sees nothing of Beijing");
    let ceo = user(t, "ceo").await;
    assert_eq!(customers::ids_where(&t.db, &ceo, Action::Read).await.unwrap().len(), 200, "head office sees all");
    assert_eq!(customers::count_visible(&t.db, &ceo).await.unwrap(), 180, "of which 20 wait in the pools");

    // Paging through the list gives the same set as the filter, less the pool.
    let beijing: Vec<i64> = beijing.into_iter().filter(|id| !pooled.contains(id)).collect();
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = customers::list_visible(&t.db, &bj_manager, after, 30).await.unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|c| c.id);
        paged.extend(page.into_iter().map(|c| c.id));
    }
    assert_eq!(paged, beijing);
});

on_both_engines!(out_of_scope_actions_are_refused_and_change_nothing, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = user(t, "bj.sales1").await;
    let other = user(t, "sh.sales1").await;
    let target = customers::list_visible(&t.db, &other, None, 1).await.unwrap()[0].id;
    let before = snapshot(t).await;

    let changes = BTreeMap::from([("phone".to_string(), "13900000000".to_string())]);
    assert!(matches!(customers::get(&t.db, &rep, target).await, Err(DomainError::NotFound)));
    assert!(matches!(customers::update(&t.db, &rep, target, &changes).await, Err(DomainError::NotFound)));
    assert!(matches!(customers::delete(&t.db, &rep, target).await, Err(DomainError::NotFound)));
    assert!(matches!(
        sharing::share(&t.db, &rep, ObjectType::Customer, target, Grantee::User(rep.user_id), ShareAccess::Edit, None).await,
        Err(DomainError::NotFound)
    ));
    assert!(matches!(
        sharing::transfer(&t.db, &rep, ObjectType::Customer, target, rep.user_id, None).await,
        Err(DomainError::NotFound)
    ));
    assert!(matches!(sharing::list(&t.db, &rep, ObjectType::Customer, target).await, Err(DomainError::NotFound)));
    // A record that does not exist answers the same as one out of reach.
    assert!(matches!(customers::get(&t.db, &rep, 9_999_999).await, Err(DomainError::NotFound)));

    // Finance may read every customer but not change, delete, share or transfer one.
    let finance = user(t, "finance").await;
    assert!(customers::get(&t.db, &finance, target).await.is_ok());
    assert!(matches!(customers::update(&t.db, &finance, target, &changes).await, Err(DomainError::Forbidden)));
    assert!(matches!(customers::delete(&t.db, &finance, target).await, Err(DomainError::Forbidden)));
    assert!(matches!(
        sharing::share(&t.db, &finance, ObjectType::Customer, target, Grantee::User(finance.user_id), ShareAccess::Read, None).await,
        Err(DomainError::Forbidden)
    ));
    assert!(matches!(
        sharing::transfer(&t.db, &finance, ObjectType::Customer, target, finance.user_id, None).await,
        Err(DomainError::Forbidden)
    ));
    // A rep may not transfer even their own customer (no assign right).
    let own = customers::list_visible(&t.db, &rep, None, 1).await.unwrap()[0].id;
    assert!(matches!(
        sharing::transfer(&t.db, &rep, ObjectType::Customer, own, other.user_id, None).await,
        Err(DomainError::Forbidden)
    ));
    assert_eq!(snapshot(t).await, before, "refused actions changed nothing");
});

on_both_engines!(shares_grant_until_they_expire_or_are_revoked, |t| {
    demo::seed(&t.db).await.unwrap();
    let owner = user(t, "sh.sales1").await;
    let rep = user(t, "bj.sales1").await;
    let target = customers::list_visible(&t.db, &owner, None, 1).await.unwrap()[0].id;

    // A read share to the rep: they can read, not update.
    let share = sharing::share(&t.db, &owner, ObjectType::Customer, target, Grantee::User(rep.user_id), ShareAccess::Read, None)
        .await
        .unwrap();
    assert!(customers::get(&t.db, &rep, target).await.is_ok());
    let changes = BTreeMap::from([("city".to_string(), "杭州".to_string())]);
    assert!(matches!(customers::update(&t.db, &rep, target, &changes).await, Err(DomainError::Forbidden)));
    let listed = sharing::list(&t.db, &rep, ObjectType::Customer, target).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].grantee_name, "张伟");
    let explained = domain::policy::decide(&t.db, &rep, ObjectType::Customer, Action::Read, target).await.unwrap();
    assert!(matches!(explained.reasons[0], domain::policy::Reason::Share { share_id, .. } if share_id == share));

    // Revoked: gone at once.
    sharing::revoke(&t.db, &owner, share).await.unwrap();
    assert!(matches!(customers::get(&t.db, &rep, target).await, Err(DomainError::NotFound)));

    // An edit share to the whole Beijing branch reaches the rep's team below it.
    let bj = unit_id(t, "北京分公司").await;
    let share = sharing::share(&t.db, &owner, ObjectType::Customer, target, Grantee::Unit(bj), ShareAccess::Edit, Some(now_ms() + HOUR_MS))
        .await
        .unwrap();
    customers::update(&t.db, &rep, target, &changes).await.unwrap();
    assert_eq!(customers::get(&t.db, &owner, target).await.unwrap().city.as_deref(), Some("杭州"));
    // Expired: stops granting at once.
    sqlx::query("UPDATE shares SET expires_at = $2 WHERE id = $1").bind(share).bind(now_ms() - 1).execute(t.db.pool()).await.unwrap();
    assert!(matches!(customers::get(&t.db, &rep, target).await, Err(DomainError::NotFound)));
    assert!(customers::ids_where(&t.db, &rep, Action::Read).await.unwrap().iter().all(|id| *id != target));

    // Shares in the past are refused.
    assert!(matches!(
        sharing::share(&t.db, &owner, ObjectType::Customer, target, Grantee::User(rep.user_id), ShareAccess::Read, Some(now_ms() - 5)).await,
        Err(DomainError::Invalid { field: "expires_at", .. })
    ));
    // Every share change is audited.
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'share'").fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(n, 3);
});

on_both_engines!(transfer_moves_owner_and_unit, |t| {
    demo::seed(&t.db).await.unwrap();
    let manager = user(t, "bj.manager").await;
    let from = user(t, "bj.sales1").await;
    let to = user(t, "bj.sales3").await;
    let target = customers::list_visible(&t.db, &from, None, 1).await.unwrap()[0].id;
    sharing::transfer(&t.db, &manager, ObjectType::Customer, target, to.user_id, None).await.unwrap();
    let c = customers::get(&t.db, &manager, target).await.unwrap();
    assert_eq!(c.owner_id, Some(to.user_id));
    assert_eq!(c.unit_id, to.units[0], "the unit follows the new owner");
    assert!(customers::get(&t.db, &to, target).await.is_ok());
    assert!(matches!(customers::get(&t.db, &from, target).await, Err(DomainError::NotFound)));
    // Or a chosen unit.
    let bj = unit_id(t, "北京分公司").await;
    sharing::transfer(&t.db, &manager, ObjectType::Customer, target, to.user_id, Some(bj)).await.unwrap();
    assert_eq!(customers::get(&t.db, &manager, target).await.unwrap().unit_id, bj);
    // A Beijing manager cannot transfer a Shanghai customer.
    let sh = customers::ids_where(&t.db, &user(t, "sh.sales1").await, Action::Read).await.unwrap()[0];
    assert!(matches!(
        sharing::transfer(&t.db, &manager, ObjectType::Customer, sh, to.user_id, None).await,
        Err(DomainError::NotFound)
    ));
});

on_both_engines!(hidden_fields_are_absent_and_read_only_fields_refuse_the_write, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = user(t, "bj.sales1").await;
    let role: i64 = sqlx::query("SELECT id FROM roles WHERE key = 'sales_rep'").fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    for (field, access) in [("phone", "hidden"), ("level", "read")] {
        sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, 'customer', $2, $3)")
            .bind(role)
            .bind(field)
            .bind(access)
            .execute(t.db.pool())
            .await
            .unwrap();
    }
    // Rights apply from the next load of the actor (the next request).
    let rep_now = Actor::load(&t.db, rep.user_id).await.unwrap();
    let id = customers::list_visible(&t.db, &rep_now, None, 1).await.unwrap()[0].id;
    let one = serde_json::to_value(customers::get(&t.db, &rep_now, id).await.unwrap()).unwrap();
    assert!(one.get("phone").is_none(), "hidden in the detail: {one}");
    assert!(one.get("level").is_some(), "read-only stays readable");
    for c in customers::list_visible(&t.db, &rep_now, None, 500).await.unwrap() {
        let v = serde_json::to_value(&c).unwrap();
        assert!(v.get("phone").is_none(), "hidden in the list: {v}");
    }
    let before = snapshot(t).await;
    for changes in [
        BTreeMap::from([("level".to_string(), "A".to_string())]),
        BTreeMap::from([("city".to_string(), "天津".to_string()), ("level".to_string(), "A".to_string())]),
        BTreeMap::from([("phone".to_string(), "13800000000".to_string())]),
    ] {
        let r = customers::update(&t.db, &rep_now, id, &changes).await;
        assert!(matches!(r, Err(DomainError::ReadOnlyField(_))), "{r:?}");
    }
    assert_eq!(snapshot(t).await, before, "the whole write was refused");
    // An editable field goes through; the manager still sees the phone.
    customers::update(&t.db, &rep_now, id, &BTreeMap::from([("city".to_string(), "天津".to_string())])).await.unwrap();
    let manager = user(t, "bj.manager").await;
    assert!(customers::get(&t.db, &manager, id).await.unwrap().phone.is_some());
    // Bad values are refused with the field named.
    let r = customers::update(&t.db, &manager, id, &BTreeMap::from([("level".to_string(), "Z".to_string())])).await;
    assert!(matches!(r, Err(DomainError::Invalid { field: "level", .. })));
});

on_both_engines!(list_filters_narrow_only_permitted_customers, |t| {
    use domain::customers::{count_filtered, list_filtered, ListFilter};
    demo::seed(&t.db).await.unwrap();
    let manager = user(t, "bj.manager").await;
    let all = list_filtered(&t.db, &manager, &ListFilter::default(), None, 500).await.unwrap();
    // By level: exactly the permitted customers of that level.
    let level_a = list_filtered(&t.db, &manager, &ListFilter { level: "A".into(), ..Default::default() }, None, 500).await.unwrap();
    let expected: Vec<i64> = all.iter().filter(|c| c.level.as_deref() == Some("A")).map(|c| c.id).collect();
    assert_eq!(level_a.iter().map(|c| c.id).collect::<Vec<_>>(), expected);
    assert!(!expected.is_empty());
    assert_eq!(count_filtered(&t.db, &manager, &ListFilter { level: "A".into(), ..Default::default() }).await.unwrap(), expected.len() as i64);
    // By text, in the name (case-insensitively) or the phone; wildcards are literal.
    let one = &all[3];
    let by_name = list_filtered(&t.db, &manager, &ListFilter { text: one.name[3..].to_string(), ..Default::default() }, None, 500).await.unwrap();
    assert!(by_name.iter().any(|c| c.id == one.id));
    assert!(by_name.iter().all(|c| c.name.contains(&one.name[3..])));
    let phone = one.phone.clone().unwrap();
    let by_phone = list_filtered(&t.db, &manager, &ListFilter { text: phone[2..9].to_string(), ..Default::default() }, None, 500).await.unwrap();
    assert!(by_phone.iter().any(|c| c.id == one.id));
    assert!(list_filtered(&t.db, &manager, &ListFilter { text: "%".into(), ..Default::default() }, None, 500).await.unwrap().is_empty());
    // Never beyond the policy: a Shanghai name found by the filter stays invisible to Beijing.
    let sh_name = sqlx::query("SELECT name FROM customers WHERE city = '上海' ORDER BY id LIMIT 1").fetch_one(t.db.pool()).await.unwrap().try_get::<String, _>("name").unwrap();
    assert!(list_filtered(&t.db, &manager, &ListFilter { text: sh_name, ..Default::default() }, None, 500).await.unwrap().is_empty());
    assert_eq!(count_filtered(&t.db, &manager, &ListFilter { city: "上海".into(), ..Default::default() }).await.unwrap(), 0);
    // Keyset paging with a filter returns the same rows as one big page.
    let mut paged = Vec::new();
    let mut after = None;
    let f = ListFilter { city: "北京".into(), ..Default::default() };
    loop {
        let page = list_filtered(&t.db, &manager, &f, after, 7).await.unwrap();
        if page.is_empty() { break; }
        after = page.last().map(|c| c.id);
        paged.extend(page.into_iter().map(|c| c.id));
    }
    assert_eq!(paged, list_filtered(&t.db, &manager, &f, None, 500).await.unwrap().iter().map(|c| c.id).collect::<Vec<_>>());
});
