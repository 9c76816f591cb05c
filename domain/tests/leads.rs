//! Leads on both engines: capture and its checks, assignment rules by region and round-robin
//! (also under concurrency), manual assignment within reach, follow-ups, conversion (also two at
//! once), disqualification, CSV import, per-rep tracking, and the list through the policy.

use std::collections::BTreeMap;

use domain::clock::now_ms;
use domain::leads::{self, LeadInput, ListFilter, OwnerFilter, RowOutcome, RuleInput};
use domain::on_both_engines;
use domain::opportunities::{self, NewOpportunity};
use domain::policy::Actor;
use domain::testing::TestDb;
use domain::{customers, demo, DomainError};
use sqlx::Row;

async fn uid(t: &TestDb, login: &str) -> i64 {
    sqlx::query("SELECT id FROM users WHERE login = $1").bind(login).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

async fn actor(t: &TestDb, login: &str) -> Actor {
    Actor::load(&t.db, uid(t, login).await).await.unwrap()
}

async fn unit_named(t: &TestDb, name: &str) -> i64 {
    sqlx::query("SELECT id FROM org_units WHERE name = $1").bind(name).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

async fn scalar(t: &TestDb, sql: &'static str) -> i64 {
    sqlx::query(sql).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap()
}

/// The row of a lead as stored: (status, owner, unit).
async fn stored(t: &TestDb, id: i64) -> (String, Option<i64>, i64) {
    let r = sqlx::query("SELECT status, owner_id, unit_id FROM leads WHERE id = $1").bind(id).fetch_one(t.db.pool()).await.unwrap();
    (r.try_get("status").unwrap(), r.try_get("owner_id").unwrap(), r.try_get("unit_id").unwrap())
}

fn lead(name: &str, company: &str, province: &str, phone: &str) -> LeadInput {
    LeadInput { name: name.into(), company: company.into(), province: province.into(), city: province.into(), phone: phone.into(), source: "website".into(), ..Default::default() }
}

fn kept(input: LeadInput) -> LeadInput {
    LeadInput { keep: true, ..input }
}

/// People the Beijing rule serves, by id: the branch manager and the three reps.
async fn beijing_people(t: &TestDb) -> Vec<i64> {
    let mut ids = Vec::new();
    for login in ["bj.manager", "bj.sales1", "bj.sales2", "bj.sales3"] {
        ids.push(uid(t, login).await);
    }
    ids.sort_unstable();
    ids
}

on_both_engines!(capture_checks_input_and_places_the_lead, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(t, "bj.sales1").await;
    // Kept: the rep owns it in their unit and may open it.
    let mine = leads::create_lead(&t.db, &rep, &kept(lead("王五", "北京新锐科技有限公司", "北京", "138-0013-8000"))).await.unwrap();
    assert_eq!(mine.owner_id, Some(rep.user_id));
    assert_eq!(mine.unit_id, rep.units[0]);
    assert!(mine.visible);
    let view = leads::get(&t.db, &rep, mine.id).await.unwrap();
    assert_eq!((view.status.as_str(), view.phone.as_deref()), ("assigned", Some("13800138000")));

    // Bad input: a clear error, nothing stored.
    let before = scalar(t, "SELECT COUNT(*) AS n FROM leads").await;
    for (input, field) in [
        (lead(" ", "", "北京", ""), "name"),
        (LeadInput { email: "wang-at-example".into(), ..lead("王五", "", "", "") }, "email"),
        (lead("王五", "", "", "12"), "phone"),
        (lead(&"长".repeat(101), "", "", ""), "name"),
    ] {
        match leads::create_lead(&t.db, &rep, &input).await {
            Err(DomainError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("expected invalid {field}, got {other:?}"),
        }
    }
    assert_eq!(scalar(t, "SELECT COUNT(*) AS n FROM leads").await, before);
    // Without a create right: refused.
    assert!(matches!(leads::create_lead(&t.db, &actor(t, "bj.service").await, &lead("客服", "", "", "")).await, Err(DomainError::Forbidden)));

    // By the rules: a Beijing lead goes to the first of the Beijing people; the rep cannot see it.
    let people = beijing_people(t).await;
    let routed = leads::create_lead(&t.db, &rep, &lead("李雷", "", "北京市", "")).await.unwrap();
    assert_eq!(routed.owner_id, Some(people[0]));
    assert!(!routed.visible);
    let (status, owner, unit) = stored(t, routed.id).await;
    assert_eq!((status.as_str(), owner), ("assigned", Some(people[0])));
    assert_eq!(unit, unit_named(t, "北京分公司").await, "the owner's primary unit");
    let assigned_to: Option<i64> = sqlx::query("SELECT target_user_id FROM events WHERE kind = 'lead.assign' AND record_id = $1")
        .bind(routed.id).fetch_one(t.db.pool()).await.unwrap().try_get("target_user_id").unwrap();
    assert_eq!(assigned_to, Some(people[0]), "the new owner is told");

    // No rule matches: unassigned in the capturer's unit, visible to their manager.
    let loose = leads::create_lead(&t.db, &rep, &lead("韩梅梅", "", "广东", "")).await.unwrap();
    assert_eq!(loose.owner_id, None);
    assert_eq!(stored(t, loose.id).await, ("new".to_string(), None, rep.units[0]));
    assert!(leads::get(&t.db, &actor(t, "bj.manager").await, loose.id).await.is_ok());
    assert!(matches!(leads::get(&t.db, &rep, loose.id).await, Err(DomainError::NotFound)));
    let created: i64 = sqlx::query("SELECT COUNT(*) AS n FROM events WHERE kind = 'lead.create' AND record_id IN ($1, $2, $3)")
        .bind(mine.id).bind(routed.id).bind(loose.id).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(created, 3);
});

on_both_engines!(rules_route_by_region_round_robin, |t| {
    demo::seed(&t.db).await.unwrap();
    let marketing = actor(t, "marketing").await;
    let people = beijing_people(t).await;
    // One after the other: each Beijing person in id order, then around again.
    let mut owners = Vec::new();
    for i in 0..6 {
        owners.push(leads::create_lead(&t.db, &marketing, &lead(&format!("客户{i}"), "", "北京", "")).await.unwrap().owner_id.unwrap());
    }
    assert_eq!(owners, [&people[..], &people[..2]].concat());
    // Shanghai leads go to Shanghai people only.
    let sh = leads::create_lead(&t.db, &marketing, &lead("上海客户", "", "上海", "")).await.unwrap();
    assert_eq!(sh.unit_name, "上海分公司");

    // A city rule with a better priority wins; a rule whose unit has nobody who may own leads
    // leaves the lead waiting there.
    let admin = actor(t, "admin").await;
    let service_unit = unit_named(t, "北京客服部").await;
    let rule = leads::save_rule(&t.db, &admin, None, &RuleInput { name: "朝阳".into(), field: "city".into(), value: "朝阳".into(), target_unit_id: service_unit, priority: 1, active: true }).await.unwrap();
    let waiting = leads::create_lead(&t.db, &marketing, &LeadInput { city: "朝阳".into(), ..lead("赵六", "", "北京", "") }).await.unwrap();
    assert_eq!((waiting.owner_id, waiting.unit_id), (None, service_unit));
    // Rules are the administrators' business, and audited.
    assert!(matches!(leads::save_rule(&t.db, &marketing, None, &RuleInput { name: "x".into(), target_unit_id: service_unit, ..Default::default() }).await, Err(DomainError::Forbidden)));
    assert!(matches!(leads::list_rules(&t.db, &actor(t, "bj.manager").await).await, Err(DomainError::Forbidden)));
    let rules = leads::list_rules(&t.db, &admin).await.unwrap();
    assert_eq!(rules.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), vec!["朝阳", "北京线索分配", "上海线索分配"]);
    assert_eq!(rules[0].people, 0);
    assert_eq!(rules[1].people, 4);
    leads::delete_rule(&t.db, &admin, rule).await.unwrap();
    let audited = scalar(t, "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'lead_rule'").await;
    assert_eq!(audited, 2);
});

on_both_engines!(twenty_leads_at_once_spread_evenly, |t| {
    demo::seed(&t.db).await.unwrap();
    let marketing = actor(t, "marketing").await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (db, who) = (t.db.clone(), marketing.clone());
        tasks.push(tokio::spawn(async move { leads::create_lead(&db, &who, &lead(&format!("并发{i}"), "", "北京", "")).await }));
    }
    let mut per_owner: BTreeMap<i64, usize> = BTreeMap::new();
    for task in tasks {
        let captured = task.await.unwrap().unwrap();
        *per_owner.entry(captured.owner_id.unwrap()).or_default() += 1;
    }
    assert_eq!(per_owner.keys().copied().collect::<Vec<_>>(), beijing_people(t).await);
    assert!(per_owner.values().all(|n| *n == 5), "{per_owner:?}");
});

on_both_engines!(managers_assign_within_their_reach, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(t, "bj.sales1").await;
    let manager = actor(t, "bj.manager").await;
    let id = leads::create_lead(&t.db, &rep, &kept(lead("王五", "", "北京", ""))).await.unwrap().id;
    let sales2 = uid(t, "bj.sales2").await;
    // A rep may not assign, not even their own lead; another rep does not see it at all.
    assert!(matches!(leads::assign(&t.db, &rep, id, sales2).await, Err(DomainError::Forbidden)));
    assert!(matches!(leads::assign(&t.db, &actor(t, "bj.sales3").await, id, sales2).await, Err(DomainError::NotFound)));
    // Another branch's manager: not found, nothing changes.
    let sh_manager = actor(t, "sh.manager").await;
    assert!(matches!(leads::assign(&t.db, &sh_manager, id, sh_manager.user_id).await, Err(DomainError::NotFound)));
    assert_eq!(stored(t, id).await.1, Some(rep.user_id));
    // The branch manager hands it on within the branch, not out of it, and not to someone who
    // may not own leads.
    let candidates: Vec<i64> = leads::assignable_owners(&t.db, &manager, id).await.unwrap().into_iter().map(|(u, _)| u).collect();
    assert_eq!(candidates, beijing_people(t).await);
    match leads::assign(&t.db, &manager, id, uid(t, "sh.sales1").await).await {
        Err(DomainError::Invalid { field: "owner", code: "out_of_scope" }) => {}
        other => panic!("expected out of scope, got {other:?}"),
    }
    assert!(matches!(leads::assign(&t.db, &manager, id, uid(t, "bj.service").await).await, Err(DomainError::Invalid { field: "owner", .. })));
    assert_eq!(stored(t, id).await.1, Some(rep.user_id), "refusals change nothing");
    leads::assign(&t.db, &manager, id, sales2).await.unwrap();
    let (_, owner, unit) = stored(t, id).await;
    assert_eq!((owner, unit), (Some(sales2), unit_named(t, "北京销售一组").await));
    let told: Option<i64> = sqlx::query("SELECT target_user_id FROM events WHERE kind = 'lead.assign' AND record_id = $1 ORDER BY id DESC")
        .bind(id).fetch_one(t.db.pool()).await.unwrap().try_get("target_user_id").unwrap();
    assert_eq!(told, Some(sales2));
    // The administrator reaches everyone.
    leads::assign(&t.db, &actor(t, "admin").await, id, uid(t, "sh.sales1").await).await.unwrap();
    assert!(matches!(leads::get(&t.db, &manager, id).await, Err(DomainError::NotFound)));
});

on_both_engines!(follow_ups_move_the_status, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(t, "bj.sales1").await;
    let id = leads::create_lead(&t.db, &rep, &kept(lead("王五", "", "北京", ""))).await.unwrap().id;
    leads::log_follow_up(&t.db, &rep, id, "call", "电话沟通，有兴趣", None).await.unwrap();
    let first = leads::get(&t.db, &rep, id).await.unwrap();
    assert_eq!(first.status, "following");
    assert!(first.first_follow_up_at.is_some() && first.first_follow_up_at == first.last_follow_up_at);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    leads::log_follow_up(&t.db, &rep, id, "visit", "上门拜访", Some(now_ms() + 86_400_000)).await.unwrap();
    let second = leads::get(&t.db, &rep, id).await.unwrap();
    assert_eq!(second.first_follow_up_at, first.first_follow_up_at);
    assert!(second.last_follow_up_at > first.last_follow_up_at);
    let list = leads::follow_ups(&t.db, &rep, id).await.unwrap();
    assert_eq!(list.iter().map(|f| f.kind.as_str()).collect::<Vec<_>>(), vec!["visit", "call"]);
    assert_eq!(list[0].who.as_deref(), Some("张伟"));
    // Bad input, someone else's lead, read-only access: refused.
    assert!(matches!(leads::log_follow_up(&t.db, &rep, id, "fax", "x", None).await, Err(DomainError::Invalid { field: "kind", .. })));
    assert!(matches!(leads::log_follow_up(&t.db, &rep, id, "call", " ", None).await, Err(DomainError::Invalid { field: "note", .. })));
    assert!(matches!(leads::log_follow_up(&t.db, &actor(t, "bj.sales2").await, id, "call", "x", None).await, Err(DomainError::NotFound)));
    assert!(matches!(leads::log_follow_up(&t.db, &actor(t, "ceo").await, id, "call", "x", None).await, Err(DomainError::Forbidden)));
    assert_eq!(leads::follow_ups(&t.db, &rep, id).await.unwrap().len(), 2);
});

on_both_engines!(conversion_creates_customer_contact_and_opportunity, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(t, "bj.sales1").await;
    let input = LeadInput { title: "采购经理".into(), email: "wang@example.com".into(), ..kept(lead("王五", "北京未来科技有限公司", "北京", "13800138000")) };
    let id = leads::create_lead(&t.db, &rep, &input).await.unwrap().id;
    // Read-only and out-of-sight users may not convert.
    assert!(matches!(leads::convert(&t.db, &actor(t, "ceo").await, id, None).await, Err(DomainError::Forbidden)));
    assert!(matches!(leads::convert(&t.db, &actor(t, "sh.sales1").await, id, None).await, Err(DomainError::NotFound)));
    // Bad opportunity input: refused before anything happens.
    let bad = NewOpportunity { name: "年度采购".into(), amount_minor: 100, currency: "人民币".into(), ..Default::default() };
    assert!(matches!(leads::convert(&t.db, &rep, id, Some(bad)).await, Err(DomainError::Invalid { field: "currency", .. })));

    let deal = NewOpportunity { name: "年度采购".into(), amount_minor: opportunities::parse_major_units("120,000.50").unwrap(), currency: "CNY".into(), ..Default::default() };
    let done = leads::convert(&t.db, &rep, id, Some(deal)).await.unwrap();
    let customer = customers::get(&t.db, &rep, done.customer_id).await.unwrap();
    assert_eq!((customer.name.as_str(), customer.owner_id), ("北京未来科技有限公司", Some(rep.user_id)));
    assert_eq!(customer.phone.as_deref(), Some("13800138000"));
    let contacts = domain::activity::contacts(&t.db, &rep, done.customer_id).await.unwrap();
    assert_eq!((contacts[0].name.as_str(), contacts[0].title.as_str(), contacts[0].email.as_str()), ("王五", "采购经理", "wang@example.com"));
    assert_eq!(Some(contacts[0].id), done.contact_id);
    let deals = opportunities::list_for_customer(&t.db, &rep, done.customer_id).await.unwrap();
    assert_eq!((deals[0].amount_minor, deals[0].currency.as_str(), deals[0].stage.as_str()), (12_000_050, "CNY", "open"));
    let open: i64 = sqlx::query("SELECT open_deals FROM customers WHERE id = $1").bind(done.customer_id).fetch_one(t.db.pool()).await.unwrap().try_get("open_deals").unwrap();
    assert_eq!(open, 1);
    let view = leads::get(&t.db, &rep, id).await.unwrap();
    assert_eq!((view.status.as_str(), view.converted_customer_id, view.converted_opportunity_id), ("converted", Some(done.customer_id), done.opportunity_id));
    // The manager sees the new customer too; those without an opportunity grant see no deals.
    assert!(customers::get(&t.db, &actor(t, "bj.manager").await, done.customer_id).await.is_ok());
    assert!(matches!(opportunities::list_for_customer(&t.db, &actor(t, "marketing").await, done.customer_id).await, Err(DomainError::Forbidden)));

    // Closed leads stay closed.
    assert!(matches!(leads::convert(&t.db, &rep, id, None).await, Err(DomainError::Conflict(c)) if c == "lead_converted"));
    assert!(matches!(leads::disqualify(&t.db, &rep, id, "重复").await, Err(DomainError::Conflict(c)) if c == "lead_converted"));
    assert!(matches!(leads::log_follow_up(&t.db, &rep, id, "call", "x", None).await, Err(DomainError::Conflict(_))));

    // A lead for a company that is already a customer: refused like customer creation, nothing
    // created.
    let existing = customers::list_visible(&t.db, &actor(t, "sh.sales1").await, None, 1).await.unwrap()[0].name.clone();
    let dup = leads::create_lead(&t.db, &rep, &kept(lead("赵六", &existing, "上海", ""))).await.unwrap().id;
    let counts = (scalar(t, "SELECT COUNT(*) AS n FROM customers").await, scalar(t, "SELECT COUNT(*) AS n FROM contacts").await, scalar(t, "SELECT COUNT(*) AS n FROM opportunities").await);
    match leads::convert(&t.db, &rep, dup, Some(NewOpportunity { name: "x".into(), amount_minor: 1, currency: "CNY".into(), ..Default::default() })).await {
        Err(DomainError::Duplicate { visible_id, ask }) => {
            assert_eq!(visible_id, None, "not the rep's to open");
            assert!(ask.contains("上海"), "{ask}");
        }
        other => panic!("expected a duplicate, got {other:?}"),
    }
    assert_eq!(counts, (scalar(t, "SELECT COUNT(*) AS n FROM customers").await, scalar(t, "SELECT COUNT(*) AS n FROM contacts").await, scalar(t, "SELECT COUNT(*) AS n FROM opportunities").await));
    assert_eq!(stored(t, dup).await.0, "assigned");

    // A manager converting a rep's lead gives the customer to the rep.
    let theirs = leads::create_lead(&t.db, &rep, &kept(lead("", "北京另一家有限公司", "北京", ""))).await.unwrap().id;
    let converted = leads::convert(&t.db, &actor(t, "bj.manager").await, theirs, None).await.unwrap();
    assert_eq!(converted.contact_id, None, "a company without a person has no contact");
    assert_eq!(customers::get(&t.db, &rep, converted.customer_id).await.unwrap().owner_id, Some(rep.user_id));
});

on_both_engines!(two_conversions_at_once_have_one_winner, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(t, "bj.sales2").await;
    let manager = actor(t, "bj.manager").await;
    let id = leads::create_lead(&t.db, &rep, &kept(lead("王五", "北京同时科技有限公司", "北京", "13911112222"))).await.unwrap().id;
    let customers_before = scalar(t, "SELECT COUNT(*) AS n FROM customers").await;
    let opportunities_before = scalar(t, "SELECT COUNT(*) AS n FROM opportunities").await;
    let mut tasks = Vec::new();
    for who in [rep.clone(), manager.clone(), rep.clone(), manager.clone()] {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            leads::convert(&db, &who, id, Some(NewOpportunity { name: "首单".into(), amount_minor: 5000, currency: "CNY".into(), ..Default::default() })).await
        }));
    }
    let (mut won, mut lost) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => won += 1,
            Err(DomainError::Conflict(c)) if c == "lead_converted" => lost += 1,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!((won, lost), (1, 3));
    assert_eq!(scalar(t, "SELECT COUNT(*) AS n FROM customers").await, customers_before + 1);
    assert_eq!(scalar(t, "SELECT COUNT(*) AS n FROM opportunities").await, opportunities_before + 1);
});

on_both_engines!(disqualify_needs_a_reason_and_closes_the_lead, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(t, "bj.sales1").await;
    let id = leads::create_lead(&t.db, &rep, &kept(lead("王五", "", "北京", ""))).await.unwrap().id;
    assert!(matches!(leads::disqualify(&t.db, &rep, id, "  ").await, Err(DomainError::Invalid { field: "reason", .. })));
    assert!(matches!(leads::disqualify(&t.db, &actor(t, "ceo").await, id, "无效").await, Err(DomainError::Forbidden)));
    assert_eq!(stored(t, id).await.0, "assigned");
    leads::disqualify(&t.db, &rep, id, "号码空号").await.unwrap();
    let view = leads::get(&t.db, &rep, id).await.unwrap();
    assert_eq!((view.status.as_str(), view.disqualify_reason.as_str()), ("disqualified", "号码空号"));
    assert!(matches!(leads::convert(&t.db, &rep, id, None).await, Err(DomainError::Conflict(c)) if c == "lead_disqualified"));
    assert!(matches!(leads::disqualify(&t.db, &rep, id, "again").await, Err(DomainError::Conflict(_))));
    let manager = actor(t, "bj.manager").await;
    assert!(matches!(leads::assign(&t.db, &manager, id, manager.user_id).await, Err(DomainError::Conflict(_))));
});

const ZH_CSV: &str = "姓名,公司,职务,电话,邮箱,省份,城市,来源,备注\n\
王一,北京甲科技有限公司,经理,13700000001,wang1@example.com,北京,北京,展会,\"需要报价, 尽快\"\n\
,上海乙贸易有限公司,,13700000002,,上海市,上海,官网,\"第一行\n第二行，含\"\"引号\"\"\"\n\
张三,,,13700000003,not-an-email,北京,北京,,\n\
李四,,,137-0000-0001,,北京,北京,,与第一行同号\n\
赵五,,,15900000001,,北京,北京,,与已有线索同号\n\
,,,,,,,,\n\
钱六,北京丙有限公司,,,,北京,北京,,\n";

on_both_engines!(csv_import_reports_every_row_and_dry_runs_change_nothing, |t| {
    demo::seed(&t.db).await.unwrap();
    let manager = actor(t, "bj.manager").await;
    let leads_before = scalar(t, "SELECT COUNT(*) AS n FROM leads").await;
    let pointers = || async { sqlx::query("SELECT id, last_user_id FROM lead_assignment_rules ORDER BY id").fetch_all(t.db.pool()).await.unwrap()
        .iter().map(|r| (r.try_get::<i64, _>("id").unwrap(), r.try_get::<Option<i64>, _>("last_user_id").unwrap())).collect::<Vec<_>>() };
    let pointers_before = pointers().await;

    let preview = leads::import_csv(&t.db, &manager, ZH_CSV, true).await.unwrap();
    assert!(preview.dry_run);
    assert_eq!((preview.created, preview.invalid, preview.duplicates), (3, 1, 2), "{preview:#?}");
    assert_eq!(scalar(t, "SELECT COUNT(*) AS n FROM leads").await, leads_before, "a dry run writes nothing");
    assert_eq!(pointers().await, pointers_before, "nor moves the round-robin");
    assert_eq!(scalar(t, "SELECT COUNT(*) AS n FROM events WHERE object = 'lead'").await, 0);

    let report = leads::import_csv(&t.db, &manager, ZH_CSV, false).await.unwrap();
    let outcomes: Vec<(usize, RowOutcome)> = report.rows.iter().map(|r| (r.row, r.outcome.clone())).collect();
    // The preview said exactly what happened, except for the ids.
    assert_eq!(preview.rows.iter().map(|r| r.row).collect::<Vec<_>>(), outcomes.iter().map(|o| o.0).collect::<Vec<_>>());
    assert_eq!(outcomes.iter().map(|o| o.0).collect::<Vec<_>>(), vec![2, 3, 5, 6, 7, 9], "the empty row is skipped");
    let people = beijing_people(t).await;
    let name = |id: i64| async move { sqlx::query("SELECT display_name FROM users WHERE id = $1").bind(id).fetch_one(t.db.pool()).await.unwrap().try_get::<String, _>("display_name").unwrap() };
    match &outcomes[0].1 {
        RowOutcome::Created { id: Some(id), owner_name, .. } => {
            assert_eq!(owner_name.as_deref(), Some(name(people[0]).await.as_str()), "Beijing row to the first Beijing person");
            let l = leads::get(&t.db, &manager, *id).await.unwrap();
            assert_eq!((l.company.as_str(), l.note.as_deref(), l.source.as_deref()), ("北京甲科技有限公司", Some("需要报价, 尽快"), Some("展会")));
        }
        other => panic!("{other:?}"),
    }
    match &outcomes[1].1 {
        RowOutcome::Created { id: Some(id), unit_name, .. } => {
            assert_eq!(unit_name, "上海分公司", "“上海市” goes to Shanghai");
            let sh = actor(t, "sh.manager").await;
            assert_eq!(leads::get(&t.db, &sh, *id).await.unwrap().note.as_deref(), Some("第一行\n第二行，含\"引号\""));
            assert!(matches!(leads::get(&t.db, &manager, *id).await, Err(DomainError::NotFound)), "out of the importer's sight now");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(outcomes[2].1, RowOutcome::Invalid { field: "email".into(), code: "format".into() });
    assert_eq!(outcomes[3].1, RowOutcome::Duplicate { earlier_row: Some(2) });
    assert_eq!(outcomes[4].1, RowOutcome::Duplicate { earlier_row: None });
    assert!(matches!(&outcomes[5].1, RowOutcome::Created { owner_name: Some(n), .. } if *n == name(people[1]).await));
    assert_eq!(scalar(t, "SELECT COUNT(*) AS n FROM leads").await, leads_before + 3);

    // English headers, any order, unknown columns ignored; the same phone again is a duplicate.
    let en = "Phone,Company,Industry,Name,Province\n13700000001,X Ltd,software,Amy,北京\n13800000009,Y Ltd,retail,Bob,Guangdong\n";
    let report = leads::import_csv(&t.db, &manager, en, false).await.unwrap();
    assert_eq!(report.rows[0].outcome, RowOutcome::Duplicate { earlier_row: None });
    match &report.rows[1].outcome {
        RowOutcome::Created { owner_name: None, unit_name, .. } => assert_eq!(unit_name, "北京分公司", "no rule: unassigned in the importer's unit"),
        other => panic!("{other:?}"),
    }

    // Whole-file problems and missing rights.
    let too_many = format!("name\n{}", "x\n".repeat(leads::MAX_IMPORT_ROWS + 1));
    let too_big = format!("name,note\n{}", "x,".repeat(leads::MAX_IMPORT_BYTES / 2 + 1));
    for (text, code) in [(too_many.as_str(), "too_many_rows"), (too_big.as_str(), "too_large"), ("industry\nsoftware\n", "no_name_column"), ("name\n", "empty"), ("name\n\"open\n", "unclosed_quote")] {
        match leads::import_csv(&t.db, &manager, text, false).await {
            Err(DomainError::Invalid { field: "file", code: c }) => assert_eq!(c, code),
            other => panic!("expected {code}, got {other:?}"),
        }
    }
    assert!(matches!(leads::import_csv(&t.db, &actor(t, "bj.service").await, ZH_CSV, true).await, Err(DomainError::Forbidden)));
});

on_both_engines!(rep_stats_follow_the_policy, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(t, "bj.sales1").await;
    let mine = leads::rep_stats(&t.db, &rep).await.unwrap();
    assert_eq!(mine.len(), 1, "a rep sees only themself");
    // Demo: two leads, one followed up.
    assert_eq!((mine[0].user_id, mine[0].assigned, mine[0].followed_up, mine[0].converted), (rep.user_id, 2, 1, 0));

    let id = leads::create_lead(&t.db, &rep, &kept(lead("王五", "北京统计测试有限公司", "北京", ""))).await.unwrap().id;
    leads::log_follow_up(&t.db, &rep, id, "call", "聊过", None).await.unwrap();
    leads::convert(&t.db, &rep, id, None).await.unwrap();
    let other = leads::create_lead(&t.db, &rep, &kept(lead("赵六", "", "北京", ""))).await.unwrap().id;
    leads::disqualify(&t.db, &rep, other, "无需求").await.unwrap();
    let mine = leads::rep_stats(&t.db, &rep).await.unwrap();
    assert_eq!((mine[0].assigned, mine[0].followed_up, mine[0].converted, mine[0].disqualified), (4, 2, 1, 1));

    let manager = leads::rep_stats(&t.db, &actor(t, "bj.manager").await).await.unwrap();
    let names: Vec<&str> = manager.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    for n in ["张伟", "刘洋", "陈静"] {
        assert!(names.contains(&n), "{names:?}");
    }
    assert_eq!(leads::rep_stats(&t.db, &actor(t, "admin").await).await.unwrap().len(), 6, "every rep with leads");
});

on_both_engines!(the_list_pages_filters_and_shows_only_permitted_leads, |t| {
    demo::seed(&t.db).await.unwrap();
    let all = ListFilter::default();
    let ids = |v: Vec<leads::LeadView>| v.into_iter().map(|l| l.id).collect::<Vec<i64>>();
    let rep = actor(t, "bj.sales1").await;
    let mine = leads::list_filtered(&t.db, &rep, &all, None, 100).await.unwrap();
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().all(|l| l.owner_id == Some(rep.user_id)));
    assert_eq!(leads::count_filtered(&t.db, &rep, &all).await.unwrap(), 2);

    let manager = actor(t, "bj.manager").await;
    let everything = ids(leads::list_filtered(&t.db, &manager, &all, None, 100).await.unwrap());
    assert_eq!(everything.len(), 10, "the Beijing leads, assigned or not");
    assert!(everything.windows(2).all(|w| w[0] > w[1]), "newest first");
    // Keyset pages of three add up to the whole list.
    let mut paged = Vec::new();
    let mut before = None;
    loop {
        let page = ids(leads::list_filtered(&t.db, &manager, &all, before, 3).await.unwrap());
        if page.is_empty() {
            break;
        }
        before = page.last().copied();
        paged.extend(page);
    }
    assert_eq!(paged, everything);

    let count = |f: ListFilter| {
        let (db, m) = (t.db.clone(), manager.clone());
        async move { leads::count_filtered(&db, &m, &f).await.unwrap() }
    };
    assert_eq!(count(ListFilter { status: "new".into(), ..Default::default() }).await, 4);
    assert_eq!(count(ListFilter { owner: OwnerFilter::Unassigned, ..Default::default() }).await, 4);
    assert_eq!(count(ListFilter { owner: OwnerFilter::User(rep.user_id), ..Default::default() }).await, 2);
    assert_eq!(count(ListFilter { status: "following".into(), ..Default::default() }).await, 3);
    assert_eq!(count(ListFilter { region: "上海".into(), ..Default::default() }).await, 0, "not the manager's");
    assert_eq!(count(ListFilter { region: "北京".into(), ..Default::default() }).await, 10);
    assert_eq!(count(ListFilter { text: "159-0000-0001".into(), ..Default::default() }).await, 1, "phone by its digits");
    let first = leads::get(&t.db, &manager, everything[0]).await.unwrap();
    assert_eq!(count(ListFilter { text: first.company.chars().skip(2).take(3).collect(), ..Default::default() }).await, 1, "part of the company");
    assert_eq!(count(ListFilter { text: "%".into(), ..Default::default() }).await, 0, "wildcards are literal");
    let source = first.source.clone().unwrap();
    let by_source = leads::list_filtered(&t.db, &manager, &ListFilter { source: source.clone(), ..Default::default() }, None, 100).await.unwrap();
    assert!(!by_source.is_empty() && by_source.iter().all(|l| l.source.as_deref() == Some(source.as_str())));
    assert!(matches!(leads::count_filtered(&t.db, &manager, &ListFilter { status: "won".into(), ..Default::default() }).await, Err(DomainError::Invalid { field: "status", .. })));

    // Everyone in marketing sees all; service agents none.
    assert_eq!(leads::count_filtered(&t.db, &actor(t, "marketing").await, &all).await.unwrap(), 20);
    assert_eq!(leads::count_filtered(&t.db, &actor(t, "bj.service").await, &all).await.unwrap(), 0);

    // A share on a lead (no UI yet) is honoured by the list and the single-lead decision alike.
    let sh = actor(t, "sh.sales1").await;
    sqlx::query("INSERT INTO shares (object, record_id, grantee_user_id, access, created_at) VALUES ('lead', $1, $2, 'read', $3)")
        .bind(everything[0]).bind(sh.user_id).bind(now_ms()).execute(t.db.pool()).await.unwrap();
    assert!(ids(leads::list_filtered(&t.db, &sh, &all, None, 100).await.unwrap()).contains(&everything[0]));
    assert!(leads::get(&t.db, &sh, everything[0]).await.is_ok());
    assert!(matches!(leads::log_follow_up(&t.db, &sh, everything[0], "call", "x", None).await, Err(DomainError::Forbidden)), "a read share does not allow work");
});
