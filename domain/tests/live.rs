//! Events, live delivery decisions, notifications, tasks and comments on both engines.

use std::collections::BTreeMap;

use domain::clock::{now_ms, DAY_MS};
use domain::events;
use domain::live::{self, Effect};
use domain::notifications;
use domain::on_both_engines;
use domain::policy::snapshot::{record_facts, Snapshot};
use domain::roles::ObjectType;
use domain::tasks::{self, NewTask, Priority, Status, TaskChanges, TaskQuery, View};
use domain::testing::{actor, first_customer_of as owned_by, TestDb};
use domain::{comments, customers, demo, DomainError};
use sqlx::Row;



/// Every event after `after` as each of `logins` would receive it live.
async fn received(t: &TestDb, after: i64, logins: &[&str]) -> BTreeMap<String, Vec<live::LiveEvent>> {
    let snapshot = Snapshot::load(&t.db).await.unwrap();
    let mut conn = t.db.pool().acquire().await.unwrap();
    let mut out = BTreeMap::new();
    for e in events::since(&t.db, after, 1000).await.unwrap() {
        let object = ObjectType::parse(&e.object).unwrap();
        let facts = record_facts(&mut conn, object, e.record_id).await.unwrap();
        let told = events::notified(&t.db, e.id).await.unwrap();
        for login in logins {
            let u = actor(&t.db, login).await;
            if let Some(m) = live::for_user(&snapshot, u.user_id, &e, facts.as_ref(), told.contains(&u.user_id), "", now_ms()) {
                out.entry(login.to_string()).or_insert_with(Vec::new).push(m);
            }
        }
    }
    out
}

on_both_engines!(events_reach_only_readers_and_hidden_fields_are_stripped, |t| {
    demo::seed(&t.db).await.unwrap();
    let role = domain::roles::role_id_by_key(&t.db, "service").await.unwrap();
    sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, 'customer', 'phone', 'hidden')").bind(role).execute(t.db.pool()).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let id = owned_by(&t.db, "bj.sales1").await;
    let before = events::last_id(&t.db).await.unwrap();
    customers::update(&t.db, &rep, id, &BTreeMap::from([("phone".into(), "13900000009".into()), ("city".into(), "天津".into())])).await.unwrap();
    customers::update(&t.db, &rep, id, &BTreeMap::from([("phone".into(), "13900000010".into())])).await.unwrap();
    let got = received(t, before, &["bj.sales1", "bj.manager", "bj.service", "sh.sales1", "sh.manager"]).await;
    // Shanghai may not read the customer: nothing at all.
    assert!(!got.contains_key("sh.sales1") && !got.contains_key("sh.manager"));
    // The manager gets both changes with every field.
    let m = &got["bj.manager"];
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].data["fields"], serde_json::json!(["city", "phone"]));
    // Service may read the customer but not phones: the first change without "phone", the second
    // (phone only) not at all.
    let s = &got["bj.service"];
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].data["fields"], serde_json::json!(["city"]));
    assert!(!serde_json::to_string(s).unwrap().contains("phone"));
    // The rep made the change: delivered (their other tabs update) but not a notification.
    assert!(got["bj.sales1"].iter().all(|e| !e.notify));

    // A manager's change to the rep's customer notifies the rep.
    let before = events::last_id(&t.db).await.unwrap();
    customers::update(&t.db, &actor(&t.db, "bj.manager").await, id, &BTreeMap::from([("level".into(), "D".into())])).await.unwrap();
    let got = received(t, before, &["bj.sales1"]).await;
    assert!(got["bj.sales1"][0].notify);
});

on_both_engines!(event_ids_follow_commit_order_and_system_events_are_not_delivered, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let id = owned_by(&t.db, "bj.sales1").await;
    // Many concurrent writers: every event id is above every id committed before it began.
    let mut handles = Vec::new();
    for i in 0..20 {
        let db = t.db.clone();
        let rep = rep.clone();
        handles.push(tokio::spawn(async move {
            let seen = events::last_id(&db).await.unwrap();
            domain::activity::log_follow_up(&db, &rep, id, "call", &format!("第{i}次"), None).await.unwrap();
            seen
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let all = events::since(&t.db, 0, 10_000).await.unwrap();
    let ids: Vec<i64> = all.iter().map(|e| e.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    // Disabling a user ends their sessions with an event the hub acts on, delivered to nobody.
    let admin = actor(&t.db, "admin").await;
    let before = events::last_id(&t.db).await.unwrap();
    domain::accounts::admin::set_active(&t.db, &admin, rep.user_id, false).await.unwrap();
    let after = events::since(&t.db, before, 100).await.unwrap();
    assert!(after.iter().any(|e| live::effect_of(e) == Effect::EndSessions { user: rep.user_id, session: None }));
    assert!(after.iter().any(|e| live::effect_of(e) == Effect::ReloadPolicy), "a user change reloads the live policy");
    let snapshot = Snapshot::load(&t.db).await.unwrap();
    assert!(!snapshot.knows(rep.user_id));
    for e in &after {
        assert!(live::for_user(&snapshot, admin.user_id, e, None, false, "", now_ms()).is_none());
    }
});

on_both_engines!(tasks_cross_departments_and_managers_see_their_units, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let finance = actor(&t.db, "finance").await;
    let manager = actor(&t.db, "bj.manager").await;
    let customer = owned_by(&t.db, "bj.sales1").await;
    // A rep asks finance (another department) to issue an invoice, about their customer.
    let due = now_ms() + DAY_MS;
    let task = NewTask { title: "开发票".into(), description: "合同已签".into(), assignee_id: finance.user_id, due_at: Some(due), priority: Priority::High, linked: Some((ObjectType::Customer, customer)) };
    let id = tasks::create(&t.db, &rep, &task).await.unwrap();
    // (The sales demo's signed contracts gave finance invoicing tasks of their own.)
    let mine: Vec<_> = tasks::list(&t.db, &finance, View::Mine, &TaskQuery { limit: 50, ..Default::default() }).await.unwrap().into_iter().filter(|t| t.linked_object.as_deref() != Some("contract")).collect();
    assert_eq!(mine.iter().map(|t| t.id).collect::<Vec<_>>(), vec![id]);
    // Finance reads all customers, so the link shows its name.
    assert!(mine[0].linked_title.is_some());
    assert_eq!(tasks::list(&t.db, &rep, View::AssignedByMe, &TaskQuery { limit: 50, ..Default::default() }).await.unwrap().iter().filter(|t| t.linked_object.as_deref() != Some("contract")).count(), 1);
    // The assignee was told.
    let told = events::notified(&t.db, events::last_id(&t.db).await.unwrap()).await.unwrap();
    assert_eq!(told, vec![finance.user_id]);
    // Progress: the assignee reports; done tells the creator.
    assert!(matches!(tasks::report(&t.db, &finance, id, 120, Status::InProgress).await, Err(DomainError::Invalid { field: "progress", .. })));
    tasks::report(&t.db, &finance, id, 40, Status::InProgress).await.unwrap();
    assert_eq!(tasks::get(&t.db, &rep, id).await.unwrap().progress, 40);
    tasks::report(&t.db, &finance, id, 40, Status::Done).await.unwrap();
    let done = tasks::get(&t.db, &finance, id).await.unwrap();
    assert_eq!((done.progress, done.status.as_str()), (100, "done"));
    assert_eq!(events::notified(&t.db, events::last_id(&t.db).await.unwrap()).await.unwrap(), vec![rep.user_id]);
    // Someone unrelated cannot see or touch it; a refused report changes nothing.
    let sh = actor(&t.db, "sh.sales1").await;
    assert!(matches!(tasks::get(&t.db, &sh, id).await, Err(DomainError::NotFound)));
    assert!(matches!(tasks::report(&t.db, &sh, id, 0, Status::Open).await, Err(DomainError::NotFound)));
    // The branch manager sees tasks of the branch's people, not finance's.
    let for_rep = tasks::create(&t.db, &manager, &NewTask { title: "回访客户".into(), description: String::new(), assignee_id: actor(&t.db, "bj.sales2").await.user_id, due_at: None, priority: Priority::Normal, linked: None }).await.unwrap();
    let other = tasks::create(&t.db, &finance, &NewTask { title: "对账".into(), description: String::new(), assignee_id: actor(&t.db, "bj.sales2").await.user_id, due_at: None, priority: Priority::Low, linked: None }).await.unwrap();
    let team: Vec<i64> = tasks::list(&t.db, &manager, View::Team, &TaskQuery { limit: 50, ..Default::default() }).await.unwrap().iter().filter(|t| t.linked_object.as_deref() != Some("contract")).map(|t| t.id).collect();
    assert_eq!(team, vec![other], "the branch rep's task from finance; the manager's own assignment is under 'assigned by me'");
    assert!(tasks::get(&t.db, &manager, id).await.is_err(), "finance's task is not the branch's");
    let _ = for_rep;
    // A linked record the assigner may not read refuses the task.
    let sh_customer = owned_by(&t.db, "sh.sales1").await;
    let bad = NewTask { title: "x".into(), description: String::new(), assignee_id: rep.user_id, due_at: None, priority: Priority::Low, linked: Some((ObjectType::Customer, sh_customer)) };
    assert!(matches!(tasks::create(&t.db, &rep, &bad).await, Err(DomainError::NotFound)));
    // Reassigning tells the new assignee.
    let changes = TaskChanges { title: "对账（改）".into(), description: String::new(), due_at: None, priority: Priority::Urgent, assignee_id: actor(&t.db, "bj.sales3").await.user_id };
    tasks::edit(&t.db, &finance, other, &changes).await.unwrap();
    assert_eq!(events::notified(&t.db, events::last_id(&t.db).await.unwrap()).await.unwrap(), vec![actor(&t.db, "bj.sales3").await.user_id]);
});

on_both_engines!(due_tasks_are_reminded_once, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let late = tasks::create(&t.db, &rep, &NewTask { title: "报价".into(), description: String::new(), assignee_id: rep.user_id, due_at: Some(now_ms() - 1000), priority: Priority::Normal, linked: None }).await.unwrap();
    let later = tasks::create(&t.db, &rep, &NewTask { title: "拜访".into(), description: String::new(), assignee_id: rep.user_id, due_at: Some(now_ms() + DAY_MS), priority: Priority::Normal, linked: None }).await.unwrap();
    assert_eq!(tasks::remind_due(&t.db, now_ms()).await.unwrap(), vec![late]);
    assert!(tasks::remind_due(&t.db, now_ms()).await.unwrap().is_empty(), "idempotent");
    assert!(tasks::get(&t.db, &rep, late).await.unwrap().overdue);
    let overdue = tasks::list(&t.db, &rep, View::Mine, &TaskQuery { overdue_only: true, limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(overdue.iter().map(|t| t.id).collect::<Vec<_>>(), vec![late]);
    assert_eq!(tasks::remind_due(&t.db, now_ms() + 2 * DAY_MS).await.unwrap(), vec![later]);
    // The reminder is a notification even though the rep assigned it to themself (no actor).
    let n = notifications::list(&t.db, &rep, None, 10).await.unwrap();
    assert_eq!(n.iter().filter(|n| n.kind == "task.due").count(), 2);
});

on_both_engines!(mentions_notify_and_are_refused_for_those_who_may_not_read, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let manager = actor(&t.db, "bj.manager").await;
    let sh = actor(&t.db, "sh.sales1").await;
    let id = owned_by(&t.db, "bj.sales1").await;
    let comments_before: i64 = sqlx::query("SELECT COUNT(*) AS n FROM comments").fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    match comments::add(&t.db, &rep, ObjectType::Customer, id, "@吴芳 请协助", &[sh.user_id]).await {
        Err(DomainError::MentionNotAllowed { name }) => assert_eq!(name, "吴芳"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let comments_after: i64 = sqlx::query("SELECT COUNT(*) AS n FROM comments").fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(comments_before, comments_after, "nothing saved");
    let cid = comments::add(&t.db, &rep, ObjectType::Customer, id, "@李建国 报价需要审批", &[manager.user_id]).await.unwrap();
    let list = comments::list(&t.db, &manager, ObjectType::Customer, id).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].id, list[0].mentions.clone()), (cid, vec![(manager.user_id, "李建国".to_string())]));
    let n = notifications::list(&t.db, &manager, None, 10).await.unwrap();
    assert_eq!(n[0].kind, "mention");
    assert_eq!(n[0].title, customers::get(&t.db, &manager, id).await.unwrap().name);
    assert_eq!(notifications::unread_count(&t.db, &manager, 99).await.unwrap(), 1);
    notifications::mark_read(&t.db, &manager, &[n[0].id]).await.unwrap();
    assert_eq!(notifications::unread_count(&t.db, &manager, 99).await.unwrap(), 0);
    // Shanghai cannot read or write comments on it.
    assert!(matches!(comments::list(&t.db, &sh, ObjectType::Customer, id).await, Err(DomainError::NotFound)));
    assert!(matches!(comments::add(&t.db, &sh, ObjectType::Customer, id, "hi", &[]).await, Err(DomainError::NotFound)));
    // Autocomplete finds colleagues by name or login.
    let found = comments::mention_candidates(&t.db, &rep, "bj.man", 5).await.unwrap();
    assert_eq!(found.iter().map(|f| f.1.as_str()).collect::<Vec<_>>(), vec!["李建国"]);
});

on_both_engines!(notifications_follow_settings_and_current_access, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let manager = actor(&t.db, "bj.manager").await;
    let id = owned_by(&t.db, "bj.sales1").await;
    customers::update(&t.db, &manager, id, &BTreeMap::from([("level".into(), "D".into())])).await.unwrap();
    domain::activity::log_follow_up(&t.db, &manager, id, "visit", "拜访了", None).await.unwrap();
    assert_eq!(notifications::unread_count(&t.db, &rep, 99).await.unwrap(), 2);
    // Switching "activity" off hides both.
    notifications::set_setting(&t.db, &rep, "activity", false).await.unwrap();
    assert_eq!(notifications::unread_count(&t.db, &rep, 99).await.unwrap(), 0);
    assert!(notifications::list(&t.db, &rep, None, 10).await.unwrap().is_empty());
    assert!(!notifications::settings(&t.db, &rep).await.unwrap().iter().find(|(k, _)| k == "activity").unwrap().1);
    notifications::set_setting(&t.db, &rep, "activity", true).await.unwrap();
    assert!(matches!(notifications::set_setting(&t.db, &rep, "nonsense", true).await, Err(DomainError::Invalid { .. })));
    // Once the customer is transferred away, its notifications no longer show for the rep.
    domain::sharing::transfer(&t.db, &manager, ObjectType::Customer, id, actor(&t.db, "bj.sales2").await.user_id, None).await.unwrap();
    assert!(notifications::list(&t.db, &rep, None, 10).await.unwrap().is_empty());
    let rep2 = actor(&t.db, "bj.sales2").await;
    let n = notifications::list(&t.db, &rep2, None, 10).await.unwrap();
    assert_eq!(n[0].kind, "record.transfer");
    notifications::mark_all_read(&t.db, &rep2).await.unwrap();
    assert_eq!(notifications::unread_count(&t.db, &rep2, 99).await.unwrap(), 0);
});
