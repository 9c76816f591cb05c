//! Creating customers with the duplicate check, contacts, follow-ups and the timeline.

use domain::activity::{self, CustomerInput};
use domain::customers;
use domain::on_both_engines;
use domain::policy::Actor;
use domain::testing::TestDb;
use domain::{demo, DomainError};
use sqlx::Row;

async fn actor(t: &TestDb, login: &str) -> Actor {
    let id: i64 = sqlx::query("SELECT id FROM users WHERE login = $1").bind(login).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    Actor::load(&t.db, id).await.unwrap()
}

fn input(name: &str, phone: &str) -> CustomerInput {
    CustomerInput { name: name.into(), kind: "company".into(), industry: "software".into(), province: "北京".into(), city: "北京".into(), phone: phone.into(), level: "B".into(), source: "website".into(), to_pool: false }
}

on_both_engines!(customers_are_created_once_per_group, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(t, "bj.sales1").await;
    let id = activity::create_customer(&t.db, &rep, &input("北京新客户科技有限公司", "138-0000-1111")).await.unwrap();
    let c = customers::get(&t.db, &rep, id).await.unwrap();
    assert_eq!(c.owner_id, Some(rep.user_id));
    assert_eq!(c.phone.as_deref(), Some("13800001111"), "phones are stored as digits");

    // A Shanghai rep trying the same name, or the same phone, learns whom to ask and nothing else.
    let sh = actor(t, "sh.sales1").await;
    for dup in [input("北京新客户科技有限公司", ""), input(" 北京新客户科技有限公司 ", ""), input("另一个名字", "13800001111")] {
        match activity::create_customer(&t.db, &sh, &dup).await {
            Err(DomainError::Duplicate { visible_id, ask }) => {
                assert_eq!(visible_id, None, "not readable by the asker");
                assert_eq!(ask, "张伟（北京销售一组）");
            }
            other => panic!("expected a duplicate, got {other:?}"),
        }
    }
    // Its manager can open the existing record.
    let manager = actor(t, "bj.manager").await;
    match activity::create_customer(&t.db, &manager, &input("北京新客户科技有限公司", "")).await {
        Err(DomainError::Duplicate { visible_id, .. }) => assert_eq!(visible_id, Some(id)),
        other => panic!("expected a duplicate, got {other:?}"),
    }
    // Without a create right: refused.
    assert!(matches!(activity::create_customer(&t.db, &actor(t, "bj.service").await, &input("客服建的", "")).await, Err(DomainError::Forbidden)));
    assert!(matches!(activity::create_customer(&t.db, &rep, &input("  ", "")).await, Err(DomainError::Invalid { field: "name", .. })));

    // Straight into the pool: routed by province.
    let pooled = activity::create_customer(&t.db, &rep, &CustomerInput { to_pool: true, ..input("进公海的客户", "") }).await.unwrap();
    let pool: Option<i64> = sqlx::query("SELECT c.pool_id FROM customers c WHERE c.id = $1 AND c.owner_id IS NULL").bind(pooled).fetch_one(t.db.pool()).await.unwrap().try_get("pool_id").unwrap();
    let bj_pool: i64 = sqlx::query("SELECT id FROM pools WHERE name = '北京公海'").fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    assert_eq!(pool, Some(bj_pool));
});

on_both_engines!(contacts_and_follow_ups_build_the_timeline, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(t, "bj.sales1").await;
    let id = customers::list_visible(&t.db, &rep, None, 1).await.unwrap()[0].id;
    activity::add_contact(&t.db, &rep, id, "王经理", "采购经理", "139 1234 5678", "wang@example.com").await.unwrap();
    assert!(matches!(activity::add_contact(&t.db, &rep, id, "李四", "", "", "not-an-email").await, Err(DomainError::Invalid { field: "email", .. })));
    let finance = actor(t, "finance").await;
    assert!(matches!(activity::add_contact(&t.db, &finance, id, "财务加的", "", "", "").await, Err(DomainError::Forbidden)));
    let list = activity::contacts(&t.db, &finance, id).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].phone, "13912345678");
    assert!(matches!(activity::contacts(&t.db, &actor(t, "sh.sales1").await, id).await, Err(DomainError::NotFound)));

    let before: Option<i64> = sqlx::query("SELECT last_follow_up_at FROM customers WHERE id = $1").bind(id).fetch_one(t.db.pool()).await.unwrap().try_get("last_follow_up_at").unwrap();
    activity::log_follow_up(&t.db, &rep, id, "visit", "上门拜访，客户有采购意向", Some(domain::clock::now_ms() + domain::clock::DAY_MS)).await.unwrap();
    let after: Option<i64> = sqlx::query("SELECT last_follow_up_at FROM customers WHERE id = $1").bind(id).fetch_one(t.db.pool()).await.unwrap().try_get("last_follow_up_at").unwrap();
    assert!(after > before);
    assert!(matches!(activity::log_follow_up(&t.db, &rep, id, "fax", "x", None).await, Err(DomainError::Invalid { field: "kind", .. })));
    assert!(matches!(activity::log_follow_up(&t.db, &rep, id, "call", "  ", None).await, Err(DomainError::Invalid { field: "note", .. })));
    assert!(matches!(activity::log_follow_up(&t.db, &actor(t, "sh.sales1").await, id, "call", "偷看", None).await, Err(DomainError::NotFound)));

    let timeline = activity::timeline(&t.db, &rep, id).await.unwrap();
    assert_eq!(timeline[0].kind, "follow_up:visit");
    assert_eq!(timeline[0].who.as_deref(), Some("张伟"));
    assert!(timeline.iter().any(|e| e.kind == "contact_added" && e.text == "王经理"));
    assert!(timeline.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
});
