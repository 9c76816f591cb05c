//! Approvals on both engines: routing against a plain reference router on generated org trees,
//! any-one and all-must-sign steps, reject / return / withdraw / delegate, the fallback for a
//! vacant head, reminders and escalation on a controllable clock, the document lock and the
//! follow-ups, flow versions, the inbox, who may see what, and one winner among 20 concurrent
//! decisions.

#[path = "approvals/routing.rs"]
mod routing;

use domain::approvals::documents::{self, DocumentInput};
use domain::approvals::engine::{self, approve, delegate, reject, return_to, submit, withdraw};
use domain::approvals::inbox::{self, Folder, InboxQuery};
use domain::approvals::{deadlines, flows, DocType};
use domain::clock::{now_ms, HOUR_MS};
use domain::objects::{Action, ObjectType};
use domain::on_both_engines;
use domain::policy::{self, Actor, Reason};
use domain::testing::{actor, user_id, TestDb};
use domain::{demo, DomainError};
use sqlx::Row;

const DOC: ObjectType = ObjectType::Approval;

async fn new_doc(t: &TestDb, who: &Actor, doc_type: DocType, title: &str, yuan: i64) -> i64 {
    let input = DocumentInput { title: title.into(), amount_minor: Some(yuan * 100), currency: Some("CNY".into()), ..Default::default() };
    documents::create(&t.db, who, doc_type, &input).await.unwrap()
}

/// Who is asked now (pending tasks), by login.
async fn pending_logins(t: &TestDb, approval: i64) -> Vec<String> {
    sqlx::query("SELECT u.login FROM approval_tasks a JOIN users u ON u.id = a.approver_id WHERE a.approval_id = $1 AND a.state = 'pending' ORDER BY u.login")
        .bind(approval)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("login").unwrap())
        .collect()
}

async fn state_of(t: &TestDb, approval: i64) -> (String, i64, i64) {
    let r = sqlx::query("SELECT state, step_index, version FROM approvals WHERE id = $1").bind(approval).fetch_one(t.db.pool()).await.unwrap();
    (r.try_get("state").unwrap(), r.try_get("step_index").unwrap(), r.try_get("version").unwrap())
}

async fn doc_state(t: &TestDb, doc: i64) -> String {
    sqlx::query("SELECT state FROM approval_documents WHERE id = $1").bind(doc).fetch_one(t.db.pool()).await.unwrap().try_get("state").unwrap()
}

async fn count(t: &TestDb, sql: &'static str, id: i64) -> i64 {
    sqlx::query(sql).bind(id).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap()
}

on_both_engines!(any_one_and_all_must_sign_contracts, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let manager = actor(&t.db, "bj.manager").await;
    let finance = actor(&t.db, "finance").await;
    let finance2 = actor(&t.db, "finance2").await;
    let ceo = actor(&t.db, "ceo").await;

    // Above ¥100,000: manager → finance (any one of two) → executive and branch manager (both).
    let big = new_doc(t, &rep, DocType::Contract, "大合同", 300_000).await;
    let a = submit(&t.db, &rep, DOC, big).await.unwrap();
    assert_eq!(pending_logins(t, a).await, vec!["bj.manager"]);
    assert_eq!(doc_state(t, big).await, "pending");
    approve(&t.db, &manager, a, "可以").await.unwrap();
    assert_eq!(pending_logins(t, a).await, vec!["finance", "finance2"]);
    approve(&t.db, &finance2, a, "").await.unwrap();
    // Any-one: the other finance person's task is closed; their late click is told who decided.
    match approve(&t.db, &finance, a, "").await {
        Err(DomainError::AlreadyDecided { by, at }) => {
            assert_eq!(by, "郑凯");
            assert!(at > 0);
        }
        other => panic!("expected AlreadyDecided, got {other:?}"),
    }
    assert_eq!(pending_logins(t, a).await, vec!["bj.manager", "ceo"]);
    approve(&t.db, &ceo, a, "").await.unwrap();
    // All-must-sign: one signature is not enough.
    assert_eq!(state_of(t, a).await.0, "pending");
    assert_eq!(pending_logins(t, a).await, vec!["bj.manager"]);
    approve(&t.db, &manager, a, "").await.unwrap();
    assert_eq!(state_of(t, a).await.0, "approved");
    assert_eq!(doc_state(t, big).await, "approved");

    // Up to ¥100,000 the third step does not apply.
    let small = new_doc(t, &rep, DocType::Contract, "小合同", 100_000).await;
    let b = submit(&t.db, &rep, DOC, small).await.unwrap();
    approve(&t.db, &manager, b, "").await.unwrap();
    approve(&t.db, &finance, b, "").await.unwrap();
    assert_eq!(state_of(t, b).await.0, "approved");
    let view = engine::view(&t.db, &rep, b).await.unwrap();
    assert!(view.history.iter().any(|h| h.action == "skip" && h.step_index == 2), "{:?}", view.history);
    assert_eq!(view.flow_version, 1);

    // Each transition wrote audit entries and events.
    assert_eq!(count(t, "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'approval' AND entity_id = $1", a).await, 5, "submit and four approvals");
    assert_eq!(count(t, "SELECT COUNT(*) AS n FROM events WHERE kind = 'approval.finished' AND object = 'approval' AND record_id = $1", big).await, 1);
});

on_both_engines!(reject_return_withdraw_and_the_document_lock, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let manager = actor(&t.db, "bj.manager").await;
    let finance = actor(&t.db, "finance").await;

    let doc = new_doc(t, &rep, DocType::ExpenseRequest, "差旅费", 8_000).await;
    let a = submit(&t.db, &rep, DOC, doc).await.unwrap();
    // Locked while under approval.
    let edit = DocumentInput { title: "差旅费（改）".into(), amount_minor: Some(600_000), ..Default::default() };
    assert!(matches!(documents::update_draft(&t.db, &rep, doc, &edit).await, Err(DomainError::UnderApproval { approval_id }) if approval_id == a));
    assert!(matches!(submit(&t.db, &rep, DOC, doc).await, Err(DomainError::UnderApproval { .. })));
    // Return to an earlier step: the manager is asked again.
    approve(&t.db, &manager, a, "").await.unwrap();
    assert_eq!(pending_logins(t, a).await, vec!["finance", "finance2"]);
    assert!(matches!(return_to(&t.db, &finance, a, 1, "").await, Err(DomainError::Conflict(c)) if c == "no_earlier_step"));
    return_to(&t.db, &finance, a, 0, "请补充发票").await.unwrap();
    assert_eq!(pending_logins(t, a).await, vec!["bj.manager"]);
    assert_eq!(state_of(t, a).await.1, 0);
    // Reject needs a reason, then the document is a draft again with it.
    assert!(matches!(reject(&t.db, &manager, a, "  ").await, Err(DomainError::Invalid { field: "reason", .. })));
    reject(&t.db, &manager, a, "预算不足").await.unwrap();
    assert_eq!(state_of(t, a).await.0, "rejected");
    assert_eq!(doc_state(t, doc).await, "draft");
    assert_eq!(documents::get(&t.db, &rep, doc).await.unwrap().reject_reason.as_deref(), Some("预算不足"));
    documents::update_draft(&t.db, &rep, doc, &edit).await.unwrap();

    // Withdraw before the first decision; not after it; not by someone else.
    let b = submit(&t.db, &rep, DOC, doc).await.unwrap();
    let other = actor(&t.db, "bj.sales2").await;
    assert!(matches!(withdraw(&t.db, &other, b).await, Err(DomainError::NotFound)));
    withdraw(&t.db, &rep, b).await.unwrap();
    assert_eq!(state_of(t, b).await.0, "withdrawn");
    assert_eq!(doc_state(t, doc).await, "draft");
    assert!(pending_logins(t, b).await.is_empty());
    let c = submit(&t.db, &rep, DOC, doc).await.unwrap();
    approve(&t.db, &manager, c, "").await.unwrap();
    assert!(matches!(withdraw(&t.db, &rep, c).await, Err(DomainError::Conflict(code)) if code == "withdraw_after_decision"));
    assert_eq!(state_of(t, c).await.0, "pending");
});

on_both_engines!(delegate_only_to_someone_who_may_read, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let manager = actor(&t.db, "bj.manager").await;
    let ceo = actor(&t.db, "ceo").await;
    let doc = new_doc(t, &rep, DocType::ExpenseRequest, "培训费", 2_000).await;
    let a = submit(&t.db, &rep, DOC, doc).await.unwrap();
    // A Shanghai rep may not read a Beijing rep's request: refused, nothing changes.
    let before = state_of(t, a).await;
    let sh_rep = user_id(&t.db, "sh.sales1").await;
    match delegate(&t.db, &manager, a, sh_rep, "").await {
        Err(DomainError::CannotReadDocument { name }) => assert_eq!(name, "吴芳"),
        other => panic!("expected CannotReadDocument, got {other:?}"),
    }
    assert_eq!(state_of(t, a).await, before);
    assert_eq!(pending_logins(t, a).await, vec!["bj.manager"]);
    // The executive may read it: the task moves to them.
    delegate(&t.db, &manager, a, ceo.user_id, "请王总定").await.unwrap();
    assert_eq!(pending_logins(t, a).await, vec!["ceo"]);
    assert!(matches!(approve(&t.db, &manager, a, "").await, Err(DomainError::AlreadyDecided { .. })));
    approve(&t.db, &ceo, a, "").await.unwrap();
    assert_eq!(state_of(t, a).await.0, "approved");
    let view = engine::view(&t.db, &rep, a).await.unwrap();
    assert!(view.history.iter().any(|h| h.action == "delegate" && h.target.as_deref() == Some("王志远")));
});

on_both_engines!(transfer_between_branches_needs_both_managers_and_moves_the_customer, |t| {
    demo::seed(&t.db).await.unwrap();
    let admin = actor(&t.db, "admin").await;
    let mover = actor(&t.db, "bj.sales3").await;
    let bj = actor(&t.db, "bj.manager").await;
    let sh = actor(&t.db, "sh.manager").await;
    let receiver = user_id(&t.db, "sh.sales2").await;
    let customer = domain::testing::first_customer_of(&t.db, "bj.sales3").await;
    // Before: the Shanghai manager cannot see the Beijing customer.
    assert!(!policy::decide(&t.db, &sh, ObjectType::Customer, Action::Read, customer).await.unwrap().allowed);
    let input = DocumentInput { title: "转移".into(), customer_id: Some(customer), target_owner_id: Some(receiver), ..Default::default() };
    let doc = documents::create(&t.db, &mover, DocType::CustomerTransfer, &input).await.unwrap();
    let a = submit(&t.db, &mover, DOC, doc).await.unwrap();
    assert_eq!(pending_logins(t, a).await, vec!["bj.manager", "sh.manager"]);
    // While asked, the Shanghai manager reads the customer (approval reach, named by the
    // explainer) but may not change it; a direct transfer meanwhile is refused.
    let d = policy::decide(&t.db, &sh, ObjectType::Customer, Action::Read, customer).await.unwrap();
    assert!(d.allowed && d.reasons.contains(&Reason::Approval { approval_id: a, current: true }), "{d:?}");
    assert!(!policy::decide(&t.db, &sh, ObjectType::Customer, Action::Update, customer).await.unwrap().allowed);
    let explained = policy::explain(&t.db, &admin, sh.user_id, ObjectType::Customer, customer).await.unwrap();
    assert!(explained.iter().any(|(act, d)| *act == Action::Read && d.reasons.iter().any(|r| matches!(r, Reason::Approval { .. }))));
    domain::customers::record::get(&t.db, &sh, customer).await.unwrap();
    let moved = domain::sharing::transfer(&t.db, &bj, ObjectType::Customer, customer, bj.user_id, None).await;
    assert!(matches!(moved, Err(DomainError::UnderApproval { approval_id }) if approval_id == a), "{moved:?}");

    approve(&t.db, &sh, a, "欢迎").await.unwrap();
    let owner: i64 = sqlx::query("SELECT owner_id FROM customers WHERE id = $1").bind(customer).fetch_one(t.db.pool()).await.unwrap().try_get("owner_id").unwrap();
    assert_ne!(owner, receiver, "one of two signatures moves nothing");
    approve(&t.db, &bj, a, "").await.unwrap();
    let r = sqlx::query("SELECT c.owner_id, c.unit_id, u.primary_unit_id FROM customers c JOIN users u ON u.id = $2 WHERE c.id = $1")
        .bind(customer)
        .bind(receiver)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(r.try_get::<i64, _>("owner_id").unwrap(), receiver);
    assert_eq!(r.try_get::<i64, _>("unit_id").unwrap(), r.try_get::<i64, _>("primary_unit_id").unwrap());
    assert_eq!(doc_state(t, doc).await, "approved");
    // Afterwards the Shanghai manager keeps read access through their history only.
    let d = policy::decide(&t.db, &sh, ObjectType::Approval, Action::Read, doc).await.unwrap();
    assert!(d.allowed && d.reasons == vec![Reason::Approval { approval_id: a, current: false }], "{d:?}");
});

on_both_engines!(vacant_head_goes_to_the_fallback, |t| {
    demo::seed(&t.db).await.unwrap();
    sqlx::query("UPDATE org_units SET head_user_id = NULL WHERE name = '上海分公司'").execute(t.db.pool()).await.unwrap();
    let mover = actor(&t.db, "bj.sales3").await;
    let receiver = user_id(&t.db, "sh.sales2").await;
    let customer = domain::testing::first_customer_of(&t.db, "bj.sales3").await;
    let input = DocumentInput { title: "转移".into(), customer_id: Some(customer), target_owner_id: Some(receiver), ..Default::default() };
    let doc = documents::create(&t.db, &mover, DocType::CustomerTransfer, &input).await.unwrap();
    let a = submit(&t.db, &mover, DOC, doc).await.unwrap();
    // The vacant Shanghai head is replaced by the administrators, not dropped.
    assert_eq!(pending_logins(t, a).await, vec!["admin", "bj.manager"]);
    let via: String = sqlx::query("SELECT a.via FROM approval_tasks a JOIN users u ON u.id = a.approver_id WHERE a.approval_id = $1 AND u.login = 'admin'")
        .bind(a)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
        .try_get("via")
        .unwrap();
    assert_eq!(via, "fallback");
    // A disabled manager counts as nobody too.
    sqlx::query("UPDATE users SET active = 0 WHERE login = 'bj.manager'").execute(t.db.pool()).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let exp = new_doc(t, &rep, DocType::ExpenseRequest, "办公用品", 500).await;
    let b = submit(&t.db, &rep, DOC, exp).await.unwrap();
    assert_eq!(pending_logins(t, b).await, vec!["admin"]);
});

on_both_engines!(time_limit_reminds_then_escalates_to_the_manager, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    // The demo's own approvals would fall due too: only this test's counts here.
    sqlx::query("UPDATE approval_tasks SET due_at = NULL, escalate_at = NULL").execute(t.db.pool()).await.unwrap();
    let doc = new_doc(t, &rep, DocType::ExpenseRequest, "加急采购", 1_000).await;
    let start = now_ms();
    let a = submit(&t.db, &rep, DOC, doc).await.unwrap();
    // The clock is the job's argument: 47 h later nothing, 49 h later one reminder, once.
    assert_eq!(deadlines::run(&t.db, start + 47 * HOUR_MS).await.unwrap(), Default::default());
    let r = deadlines::run(&t.db, start + 49 * HOUR_MS).await.unwrap();
    assert_eq!((r.reminded.len(), r.escalated.len()), (1, 0));
    assert_eq!(deadlines::run(&t.db, start + 50 * HOUR_MS).await.unwrap(), Default::default());
    let manager = user_id(&t.db, "bj.manager").await;
    assert_eq!(count(t, "SELECT COUNT(*) AS n FROM events WHERE kind = 'approval.reminder' AND target_user_id = $1", manager).await, 1);
    // The reminder is a notification in the "approvals" group, titled with the document.
    let bell = domain::notifications::list(&t.db, &actor(&t.db, "bj.manager").await, None, 50).await.unwrap();
    assert!(bell.iter().any(|n| n.kind == "approval.reminder" && n.title == "加急采购"), "{bell:?}");
    // After twice the limit the approver's manager takes over.
    let r = deadlines::run(&t.db, start + 97 * HOUR_MS).await.unwrap();
    assert_eq!((r.reminded.len(), r.escalated.len()), (0, 1));
    assert_eq!(pending_logins(t, a).await, vec!["ceo"]);
    assert_eq!(deadlines::run(&t.db, start + 98 * HOUR_MS).await.unwrap(), Default::default());
    assert!(approve(&t.db, &actor(&t.db, "bj.manager").await, a, "").await.is_err());
    approve(&t.db, &actor(&t.db, "ceo").await, a, "").await.unwrap();
    assert_eq!(state_of(t, a).await.0, "approved");
});

on_both_engines!(a_non_approver_cannot_decide_see_or_delegate, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let finance = actor(&t.db, "finance").await;
    let doc = new_doc(t, &rep, DocType::ExpenseRequest, "市场活动", 9_000).await;
    let a = submit(&t.db, &rep, DOC, doc).await.unwrap();
    // Finance is asked only at the second step: until then they see nothing.
    assert!(matches!(documents::get(&t.db, &finance, doc).await, Err(DomainError::NotFound)));
    let outsider = actor(&t.db, "sh.sales1").await;
    let before = state_of(t, a).await;
    let tasks_before = count(t, "SELECT COUNT(*) AS n FROM approval_tasks WHERE approval_id = $1", a).await;
    let history_before = count(t, "SELECT COUNT(*) AS n FROM approval_history WHERE approval_id = $1", a).await;
    for who in [&outsider, &finance] {
        assert!(matches!(approve(&t.db, who, a, "").await, Err(DomainError::NotFound)));
        assert!(matches!(reject(&t.db, who, a, "no").await, Err(DomainError::NotFound)));
        assert!(matches!(return_to(&t.db, who, a, 0, "").await, Err(DomainError::NotFound)));
        assert!(matches!(delegate(&t.db, who, a, who.user_id, "").await, Err(DomainError::NotFound)));
        assert!(matches!(engine::view(&t.db, who, a).await, Err(DomainError::NotFound)));
        assert!(matches!(engine::comment(&t.db, who, a, "hi").await, Err(DomainError::NotFound)));
    }
    // The submitter sees it but may not decide it.
    assert!(matches!(approve(&t.db, &rep, a, "").await, Err(DomainError::Forbidden)));
    assert_eq!(state_of(t, a).await, before);
    assert_eq!(count(t, "SELECT COUNT(*) AS n FROM approval_tasks WHERE approval_id = $1", a).await, tasks_before);
    assert_eq!(count(t, "SELECT COUNT(*) AS n FROM approval_history WHERE approval_id = $1", a).await, history_before);
    // Once asked, finance reads the document (only while asked, read-only).
    approve(&t.db, &actor(&t.db, "bj.manager").await, a, "").await.unwrap();
    let seen = documents::get(&t.db, &finance, doc).await.unwrap();
    assert_eq!(seen.amount_minor, Some(900_000));
    assert!(!policy::decide(&t.db, &finance, DOC, Action::Update, doc).await.unwrap().allowed);
    engine::comment(&t.db, &finance, a, "收到").await.unwrap();

    // Live: the "waiting" event reaches finance (asked, though their role does not reach the
    // document) and the submitter; the outsider receives nothing.
    let snapshot = domain::policy::snapshot::Snapshot::load(&t.db).await.unwrap();
    let mut conn = t.db.pool().acquire().await.unwrap();
    let facts = domain::policy::snapshot::record_facts(&mut conn, DOC, doc).await.unwrap();
    let events = domain::events::since(&t.db, 0, 10_000).await.unwrap();
    let waiting = events.iter().rev().find(|e| e.kind == "approval.waiting" && e.target_user_id == Some(finance.user_id) && e.record_id == doc).unwrap();
    let told = |u: i64| domain::live::for_user(&snapshot, u, waiting, facts.as_ref(), false, "", now_ms()).is_some();
    assert!(told(finance.user_id));
    assert!(told(rep.user_id));
    assert!(!told(outsider.user_id));
});

on_both_engines!(twenty_concurrent_approvals_apply_once, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let doc = new_doc(t, &rep, DocType::ExpenseRequest, "并发测试", 20_000).await;
    let a = submit(&t.db, &rep, DOC, doc).await.unwrap();
    approve(&t.db, &actor(&t.db, "bj.manager").await, a, "").await.unwrap();
    let (_, step, version) = state_of(t, a).await;
    assert_eq!(step, 1);
    // Twenty decisions at once on the finance step, from both finance people (any-one).
    let people = [actor(&t.db, "finance").await, actor(&t.db, "finance2").await];
    let mut handles = Vec::new();
    for i in 0..20 {
        let db = t.db.clone();
        let who = people[i % 2].clone();
        handles.push(tokio::spawn(async move { approve(&db, &who, a, "").await }));
    }
    let mut ok = 0;
    let mut already = 0;
    for h in handles {
        match h.await.unwrap() {
            Ok(()) => ok += 1,
            Err(DomainError::AlreadyDecided { .. }) => already += 1,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    println!("{:?}: 20 concurrent approvals → {ok} applied, {already} told already decided", t.engine);
    assert_eq!((ok, already), (1, 19));
    let (state, _, after) = state_of(t, a).await;
    assert_eq!(state, "approved");
    assert_eq!(after, version + 1, "exactly one transition bumped the version");
    assert_eq!(count(t, "SELECT COUNT(*) AS n FROM approval_history WHERE approval_id = $1 AND action = 'approve' AND step_index = 1", a).await, 1);
    assert_eq!(count(t, "SELECT COUNT(*) AS n FROM events WHERE kind = 'approval.finished' AND object = 'approval' AND record_id = $1", doc).await, 1);
});

on_both_engines!(publishing_v2_keeps_running_approvals_on_v1, |t| {
    demo::seed(&t.db).await.unwrap();
    let admin = actor(&t.db, "admin").await;
    let rep = actor(&t.db, "bj.sales1").await;
    let running = new_doc(t, &rep, DocType::ExpenseRequest, "旧流程", 100).await;
    let a = submit(&t.db, &rep, DOC, running).await.unwrap();
    let mut def = flows::current(&mut *t.db.pool().acquire().await.unwrap(), DocType::ExpenseRequest).await.unwrap().unwrap().definition;
    // Version 2: the finance step for every amount.
    def.steps[1].default = def.steps[1].branches[0].clone();
    def.steps[1].default.conditions.clear();
    assert!(flows::save_draft(&t.db, &rep, DocType::ExpenseRequest, "v2", &def).await.is_err());
    // Rules naming what does not exist are refused.
    let mut broken = def.clone();
    broken.fallback = vec![domain::approvals::ApproverRule::RoleInOwnSubsidiary { role: "astronaut".into() }];
    assert!(matches!(flows::save_draft(&t.db, &admin, DocType::ExpenseRequest, "x", &broken).await, Err(DomainError::Invalid { field: "role", .. })));
    broken.fallback = vec![domain::approvals::ApproverRule::Users { user_ids: vec![] }];
    assert!(matches!(flows::save_draft(&t.db, &admin, DocType::ExpenseRequest, "x", &broken).await, Err(DomainError::Invalid { field: "user", .. })));
    let v2 = flows::save_draft(&t.db, &admin, DocType::ExpenseRequest, "费用审批 v2", &def).await.unwrap();
    let report = flows::publish(&t.db, &admin, v2).await.unwrap();
    assert_eq!(report.version, 2);
    let old: Vec<i64> = report.staying_on_old.iter().map(|r| r.approval_id).collect();
    assert!(old.contains(&a), "{report:?}");
    // The running one finishes on v1 (no finance step for ¥100); a new one runs on v2.
    approve(&t.db, &actor(&t.db, "bj.manager").await, a, "").await.unwrap();
    assert_eq!(state_of(t, a).await.0, "approved");
    let fresh = new_doc(t, &rep, DocType::ExpenseRequest, "新流程", 100).await;
    let b = submit(&t.db, &rep, DOC, fresh).await.unwrap();
    assert_eq!(engine::view(&t.db, &rep, b).await.unwrap().flow_version, 2);
    approve(&t.db, &actor(&t.db, "bj.manager").await, b, "").await.unwrap();
    assert_eq!(pending_logins(t, b).await, vec!["finance", "finance2"]);
    assert!(matches!(flows::publish(&t.db, &admin, v2).await, Err(DomainError::Conflict(_))));
});

on_both_engines!(inbox_folders_filters_and_pages, |t| {
    demo::seed(&t.db).await.unwrap();
    let manager = actor(&t.db, "bj.manager").await;
    let rep = actor(&t.db, "bj.sales1").await;
    // The demo leaves work waiting: two expense requests / quote / contract and a transfer.
    let n = inbox::waiting_count(&t.db, &manager).await.unwrap();
    assert!(n >= 4, "bj.manager waits on {n}");
    let mut q = InboxQuery::new(Folder::Waiting);
    q.limit = 1;
    let mut seen = Vec::new();
    loop {
        let (rows, next) = inbox::page(&t.db, &manager, &q).await.unwrap();
        seen.extend(rows.iter().map(|r| r.key));
        match next {
            Some(k) => q.before_key = Some(k),
            None => break,
        }
    }
    assert_eq!(seen.len() as i64, n);
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first, no repeats");
    let mut only = InboxQuery::new(Folder::Waiting);
    only.doc_type = Some(DocType::CustomerTransfer);
    let (rows, _) = inbox::page(&t.db, &manager, &only).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows.iter().all(|r| r.doc_type == DocType::CustomerTransfer));
    let mut future = InboxQuery::new(Folder::Waiting);
    future.from = Some(now_ms() + HOUR_MS);
    assert!(inbox::page(&t.db, &manager, &future).await.unwrap().0.is_empty());
    let (mine, _) = inbox::page(&t.db, &rep, &InboxQuery::new(Folder::Submitted)).await.unwrap();
    // The approvals demo's four, and the sales demo's contracts (their own table).
    assert_eq!(mine.iter().filter(|r| !r.title.starts_with("HT-")).count(), 4);
    let (decided, _) = inbox::page(&t.db, &manager, &InboxQuery::new(Folder::Decided)).await.unwrap();
    // The approvals demo's exhibition request, and the sales demo's contracts.
    assert_eq!(decided.iter().filter(|r| !r.title.starts_with("HT-")).count(), 1, "the demo's exhibition request");
    let finance = actor(&t.db, "finance").await;
    assert!(inbox::page(&t.db, &finance, &InboxQuery::new(Folder::Waiting)).await.unwrap().0.iter().any(|r| r.title == "展会展位费用"));
});
