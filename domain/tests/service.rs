//! Service tickets on both engines: the SLA due time from the per-priority policy, who may open a
//! ticket (service only, on a customer they read, with that customer's contract, for someone in
//! service), who is told of an assignment, who sees tickets (scopes by the assignee's unit),
//! resolving with a resolution, the customer 360's "complaints or open" view, and the SLA job that
//! flags a ticket once and tells the head of its unit or of the nearest unit above with one.

use std::collections::{BTreeMap, BTreeSet};

use domain::accounts::users::{insert_user_tx, Login, NewUser, Password};
use domain::clock::{now_ms, HOUR_MS};
use domain::on_both_engines;
use domain::policy::Actor;
use domain::service::tickets::{self, TicketQuery};
use domain::service::{NewTicket, TicketRow};
use domain::testing::{actor, first_customer_of, user_id, TestDb};
use domain::{demo, DomainError};
use sqlx::Row;

// ---------------------------------------------------------------------------------------------
// Raw reads
// ---------------------------------------------------------------------------------------------

async fn table_count(t: &TestDb, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap()
}

/// Row counts of the tables opening a ticket writes.
async fn write_counts(t: &TestDb) -> BTreeMap<&'static str, i64> {
    let mut out = BTreeMap::new();
    for table in ["tickets", "events", "notifications", "audit_log"] {
        out.insert(table, table_count(t, table).await);
    }
    out
}

/// A ticket as stored: status, resolution, sla_due_at, breached_at, resolved_at, owner, unit.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stored {
    status: String,
    resolution: String,
    due: i64,
    breached_at: Option<i64>,
    resolved_at: Option<i64>,
    owner: Option<i64>,
    unit: i64,
    contract: Option<i64>,
}

async fn stored(t: &TestDb, id: i64) -> Stored {
    let r = sqlx::query("SELECT status, resolution, sla_due_at, breached_at, resolved_at, owner_id, unit_id, contract_id FROM tickets WHERE id = $1")
        .bind(id)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    Stored {
        status: r.try_get("status").unwrap(),
        resolution: r.try_get("resolution").unwrap(),
        due: r.try_get("sla_due_at").unwrap(),
        breached_at: r.try_get("breached_at").unwrap(),
        resolved_at: r.try_get("resolved_at").unwrap(),
        owner: r.try_get("owner_id").unwrap(),
        unit: r.try_get("unit_id").unwrap(),
        contract: r.try_get("contract_id").unwrap(),
    }
}

async fn unit_id(t: &TestDb, name: &str) -> i64 {
    sqlx::query("SELECT id FROM org_units WHERE name = $1").bind(name).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

async fn logins_of(t: &TestDb, ids: &[i64]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for id in ids {
        let login: String = sqlx::query("SELECT login FROM users WHERE id = $1").bind(*id).fetch_one(t.db.pool()).await.unwrap().try_get("login").unwrap();
        out.insert(login);
    }
    out
}

/// The events of one kind on one ticket, oldest first: (id, target user).
async fn ticket_events(t: &TestDb, kind: &str, ticket: i64) -> Vec<(i64, Option<i64>)> {
    sqlx::query("SELECT id, target_user_id FROM events WHERE kind = $1 AND object = 'ticket' AND record_id = $2 ORDER BY id")
        .bind(kind)
        .bind(ticket)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.try_get("id").unwrap(), r.try_get("target_user_id").unwrap()))
        .collect()
}

/// Who was notified of the events of one kind on one ticket, by login, with how many rows each.
async fn told_of(t: &TestDb, kind: &str, ticket: i64) -> BTreeMap<String, i64> {
    let rows = sqlx::query(
        "SELECT u.login, COUNT(*) AS n FROM notifications n JOIN events e ON e.id = n.event_id JOIN users u ON u.id = n.user_id \
         WHERE e.kind = $1 AND e.object = 'ticket' AND e.record_id = $2 GROUP BY u.login",
    )
    .bind(kind)
    .bind(ticket)
    .fetch_all(t.db.pool())
    .await
    .unwrap();
    rows.iter().map(|r| (r.try_get("login").unwrap(), r.try_get("n").unwrap())).collect()
}

/// The ids of the tickets whose unit lies at or below `unit`, from the raw rows.
async fn tickets_under(t: &TestDb, unit: i64) -> BTreeSet<i64> {
    sqlx::query("SELECT t.id FROM tickets t JOIN org_unit_closure c ON c.descendant_id = t.unit_id WHERE c.ancestor_id = $1")
        .bind(unit)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("id").unwrap())
        .collect()
}

/// The n-th customer (by id) a user owns.
async fn customer_of(t: &TestDb, login: &str, nth: i64) -> i64 {
    sqlx::query("SELECT id FROM customers WHERE owner_id = $1 ORDER BY id LIMIT 1 OFFSET $2")
        .bind(user_id(&t.db, login).await)
        .bind(nth)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
        .try_get("id")
        .unwrap()
}

/// A signed contract of a rep: (id, customer).
async fn signed_contract_of(t: &TestDb, login: &str) -> (i64, i64) {
    let r = sqlx::query("SELECT id, customer_id FROM contracts WHERE state = 'signed' AND owner_id = $1 ORDER BY id LIMIT 1")
        .bind(user_id(&t.db, login).await)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    (r.try_get("id").unwrap(), r.try_get("customer_id").unwrap())
}

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

fn ticket(customer_id: i64, category: &str, priority: &str, title: &str) -> NewTicket {
    NewTicket {
        customer_id,
        category: category.into(),
        priority: priority.into(),
        title: title.into(),
        description: "客户来电，详见标题。".into(),
        ..Default::default()
    }
}

fn assigned_to(mut t: NewTicket, assignee: i64) -> NewTicket {
    t.assignee_id = Some(assignee);
    t
}

fn ids(rows: &[TicketRow]) -> BTreeSet<i64> {
    rows.iter().map(|r| r.id).collect()
}

fn everything() -> TicketQuery {
    TicketQuery { limit: 200, ..Default::default() }
}

/// A second Beijing service agent (in 北京客服部, serving the whole branch like bj.service).
async fn second_beijing_agent(t: &TestDb) -> Actor {
    let role = domain::roles::role_id_by_key(&t.db, "service").await.unwrap();
    let (svc, branch) = (unit_id(t, "北京客服部").await, unit_id(t, "北京分公司").await);
    let mut tx = t.db.begin_write().await.unwrap();
    let user = NewUser {
        login: Login::parse("bj.service2").unwrap(),
        email: None,
        display_name: "客服二号".into(),
        password: Password::parse("not-used-here").unwrap(),
        primary_unit_id: svc,
        manager_id: Some(user_id(&t.db, "bj.manager").await),
        role_ids: vec![role],
    };
    let id = insert_user_tx(&mut tx, &user, "$argon2id$unused", None).await.unwrap();
    sqlx::query("INSERT INTO user_units (user_id, unit_id) VALUES ($1, $2)").bind(id).bind(branch).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    actor(&t.db, "bj.service2").await
}

fn invalid<T: std::fmt::Debug>(r: Result<T, DomainError>) -> (&'static str, &'static str) {
    match r {
        Err(DomainError::Invalid { field, code }) => (field, code),
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. The SLA policy
// ---------------------------------------------------------------------------------------------

on_both_engines!(sla_due_time_follows_the_priority_policy, |t| {
    demo::seed(&t.db).await.unwrap();
    let agent = actor(&t.db, "bj.service").await;
    let customer = first_customer_of(&t.db, "bj.sales1").await;
    for (priority, hours) in [("urgent", 4), ("high", 8), ("normal", 24), ("low", 72)] {
        let before = now_ms();
        let id = tickets::create(&t.db, &agent, &ticket(customer, "fault", priority, &format!("SLA {priority}"))).await.unwrap();
        let after = now_ms();
        let due = stored(t, id).await.due;
        assert!(before + hours * HOUR_MS <= due && due <= after + hours * HOUR_MS, "{priority}: due {due}, opened between {before} and {after}");
        let row = tickets::get(&t.db, &agent, id).await.unwrap();
        assert_eq!((row.priority.as_str(), row.sla_due_at, row.status.as_str(), row.breached), (priority, due, "open", false));
        assert_eq!(row.owner_id, Some(agent.user_id), "the opener takes it by default");
        assert_eq!(row.unit_name, "北京客服部");
    }
    // The hours come from the policy table: a change applies to tickets opened afterwards.
    sqlx::query("UPDATE ticket_sla SET hours = 2 WHERE priority = 'urgent'").execute(t.db.pool()).await.unwrap();
    let before = now_ms();
    let id = tickets::create(&t.db, &agent, &ticket(customer, "fault", "urgent", "SLA 改为两小时")).await.unwrap();
    let due = stored(t, id).await.due;
    assert!(before + 2 * HOUR_MS <= due && due <= now_ms() + 2 * HOUR_MS, "due {due}");
    // An unknown priority or category is refused before anything is written.
    let counts = write_counts(t).await;
    assert_eq!(invalid(tickets::create(&t.db, &agent, &ticket(customer, "fault", "asap", "x")).await), ("priority", "unknown"));
    assert_eq!(invalid(tickets::create(&t.db, &agent, &ticket(customer, "praise", "low", "x")).await), ("category", "unknown"));
    assert_eq!(invalid(tickets::create(&t.db, &agent, &ticket(customer, "fault", "low", "   ")).await), ("ticket_title", "required"));
    assert_eq!(write_counts(t).await, counts);
});

// ---------------------------------------------------------------------------------------------
// 2. Who may open a ticket, on what, for whom
// ---------------------------------------------------------------------------------------------

on_both_engines!(only_service_opens_tickets_with_the_customers_contract_for_service_people, |t| {
    demo::seed(&t.db).await.unwrap();
    let agent = actor(&t.db, "bj.service").await;
    let rep = actor(&t.db, "bj.sales1").await;
    let customer = first_customer_of(&t.db, "bj.sales1").await;
    let counts = write_counts(t).await;

    // A sales rep has no ticket grant: refused although they own the customer; nothing written.
    let r = tickets::create(&t.db, &rep, &ticket(customer, "request", "normal", "销售代开")).await;
    assert!(matches!(r, Err(DomainError::Forbidden)), "{r:?}");
    assert!(matches!(tickets::list(&t.db, &rep, &everything()).await, Err(DomainError::Forbidden)));
    assert_eq!(write_counts(t).await, counts);

    // Another customer's contract is refused, as is one that does not exist.
    let (contract, contract_customer) = signed_contract_of(t, "bj.sales1").await;
    assert_ne!(contract_customer, customer);
    let with = |k: i64| NewTicket { contract_id: Some(k), ..ticket(customer, "complaint", "high", "合同不符") };
    assert_eq!(invalid(tickets::create(&t.db, &agent, &with(contract)).await), ("contract", "not_of_customer"));
    assert_eq!(invalid(tickets::create(&t.db, &agent, &with(9_999_999)).await), ("contract", "not_of_customer"));
    assert_eq!(write_counts(t).await, counts);
    // A contact of another customer is refused too.
    let now = now_ms();
    let contact = |of: i64, name: &'static str| {
        let q = sqlx::query("INSERT INTO contacts (customer_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id").bind(of).bind(name).bind(now);
        async move { q.fetch_one(t.db.pool()).await.unwrap().try_get::<i64, _>("id").unwrap() }
    };
    let (foreign_contact, own_contact) = (contact(contract_customer, "王经理").await, contact(customer, "李主任").await);
    let counts = write_counts(t).await;
    let r = tickets::create(&t.db, &agent, &NewTicket { contact_id: Some(foreign_contact), ..ticket(customer, "request", "normal", "联系人不符") }).await;
    assert_eq!(invalid(r), ("contact", "not_of_customer"));
    assert_eq!(write_counts(t).await, counts);
    tickets::create(&t.db, &agent, &NewTicket { contact_id: Some(own_contact), ..ticket(customer, "request", "normal", "联系人相符") }).await.unwrap();
    // The customer's own contract is fine.
    let ok = tickets::create(&t.db, &agent, &NewTicket { contract_id: Some(contract), ..ticket(contract_customer, "complaint", "high", "合同相符") }).await.unwrap();
    assert_eq!(stored(t, ok).await.contract, Some(contract));
    assert_eq!(tickets::get(&t.db, &agent, ok).await.unwrap().contract_id, Some(contract));

    // The assignee must hold the service role (or be an administrator) and be active.
    let counts = write_counts(t).await;
    for login in ["bj.sales2", "bj.manager", "finance"] {
        let r = tickets::create(&t.db, &agent, &assigned_to(ticket(customer, "request", "normal", "指派给非客服"), user_id(&t.db, login).await)).await;
        assert_eq!(invalid(r), ("assignee", "not_service"), "{login}");
    }
    assert_eq!(invalid(tickets::create(&t.db, &agent, &assigned_to(ticket(customer, "request", "normal", "无此人"), 9_999_999)).await), ("assignee", "not_service"));
    let second = second_beijing_agent(t).await;
    sqlx::query("UPDATE users SET active = 0 WHERE id = $1").bind(second.user_id).execute(t.db.pool()).await.unwrap();
    assert_eq!(
        invalid(tickets::create(&t.db, &agent, &assigned_to(ticket(customer, "request", "normal", "已停用"), second.user_id)).await),
        ("assignee", "not_service")
    );
    assert_eq!(write_counts(t).await, counts);
    // A branch manager may open tickets (their role grants it) but is no service person: they must
    // give it to one.
    let manager = actor(&t.db, "bj.manager").await;
    assert_eq!(invalid(tickets::create(&t.db, &manager, &ticket(customer, "request", "normal", "经理自己接")).await), ("assignee", "not_service"));
    // Handing a ticket outside one's assign reach is refused (Beijing service cannot hand it to
    // the administration, nor to Shanghai service, who may not even read the customer)...
    let admin_id = user_id(&t.db, "admin").await;
    assert_eq!(invalid(tickets::create(&t.db, &agent, &assigned_to(ticket(customer, "request", "normal", "交给管理员"), admin_id)).await), ("assignee", "out_of_scope"));
    let sh_service = user_id(&t.db, "sh.service").await;
    assert_eq!(invalid(tickets::create(&t.db, &agent, &assigned_to(ticket(customer, "request", "normal", "交给上海"), sh_service)).await), ("assignee", "out_of_scope"));
    // ...while an administrator may hand one to themselves.
    let admin = actor(&t.db, "admin").await;
    let for_admin = tickets::create(&t.db, &admin, &ticket(customer, "request", "normal", "管理员自己接")).await.unwrap();
    assert_eq!(stored(t, for_admin).await.owner, Some(admin_id), "an administrator may take tickets");

    // Shanghai service cannot read Beijing customers, so cannot open tickets on them.
    let counts = write_counts(t).await;
    let r = tickets::create(&t.db, &actor(&t.db, "sh.service").await, &ticket(customer, "request", "normal", "跨分公司")).await;
    assert!(matches!(r, Err(DomainError::NotFound)), "{r:?}");
    assert_eq!(write_counts(t).await, counts);
});

// ---------------------------------------------------------------------------------------------
// 3. Assignment notices
// ---------------------------------------------------------------------------------------------

on_both_engines!(assignee_is_told_when_someone_else_opens_the_ticket, |t| {
    demo::seed(&t.db).await.unwrap();
    let agent = actor(&t.db, "bj.service").await;
    let second = second_beijing_agent(t).await;
    let customer = first_customer_of(&t.db, "bj.sales1").await;

    // Opened for a colleague: one assignment event addressed to them, and only they are told.
    let id = tickets::create(&t.db, &agent, &assigned_to(ticket(customer, "fault", "high", "打印机报错"), second.user_id)).await.unwrap();
    let s = stored(t, id).await;
    assert_eq!((s.owner, s.unit), (Some(second.user_id), unit_id(t, "北京客服部").await));
    assert_eq!(ticket_events(t, "ticket.assigned", id).await.iter().map(|e| e.1).collect::<Vec<_>>(), vec![Some(second.user_id)]);
    assert_eq!(told_of(t, "ticket.assigned", id).await, BTreeMap::from([("bj.service2".to_string(), 1)]));
    // The colleague sees it (they own it), and so does the opener (same unit).
    assert!(ids(&tickets::list(&t.db, &second, &everything()).await.unwrap()).contains(&id));
    assert!(tickets::get(&t.db, &agent, id).await.is_ok());

    // Opened for oneself: the event is written, nobody is told.
    let own = tickets::create(&t.db, &agent, &ticket(customer, "fault", "high", "自己处理")).await.unwrap();
    assert_eq!(ticket_events(t, "ticket.assigned", own).await.len(), 1);
    assert!(told_of(t, "ticket.assigned", own).await.is_empty());

    // The branch manager opens one for bj.service: bj.service is told, the manager is not.
    let manager = actor(&t.db, "bj.manager").await;
    let by_manager = tickets::create(&t.db, &manager, &assigned_to(ticket(customer, "complaint", "urgent", "经理转交投诉"), agent.user_id)).await.unwrap();
    assert_eq!(told_of(t, "ticket.assigned", by_manager).await, BTreeMap::from([("bj.service".to_string(), 1)]));
    let notified = domain::events::notified(&t.db, ticket_events(t, "ticket.assigned", by_manager).await[0].0).await.unwrap();
    assert_eq!(logins_of(t, &notified).await, BTreeSet::from(["bj.service".to_string()]));
});

// ---------------------------------------------------------------------------------------------
// 4. Who sees tickets
// ---------------------------------------------------------------------------------------------

on_both_engines!(tickets_are_seen_within_the_assignees_units, |t| {
    demo::seed(&t.db).await.unwrap();
    let bj = actor(&t.db, "bj.service").await;
    let sh = actor(&t.db, "sh.service").await;
    let bj_manager = actor(&t.db, "bj.manager").await;
    let sh_manager = actor(&t.db, "sh.manager").await;
    let beijing = tickets::create(&t.db, &bj, &ticket(first_customer_of(&t.db, "bj.sales1").await, "fault", "normal", "北京故障")).await.unwrap();
    let shanghai = tickets::create(&t.db, &sh, &ticket(first_customer_of(&t.db, "sh.sales1").await, "fault", "normal", "上海故障")).await.unwrap();

    // Shanghai service: not the Beijing ticket, by id or in the list.
    assert!(matches!(tickets::get(&t.db, &sh, beijing).await, Err(DomainError::NotFound)));
    let sh_sees = ids(&tickets::list(&t.db, &sh, &everything()).await.unwrap());
    assert!(sh_sees.contains(&shanghai) && !sh_sees.contains(&beijing), "{sh_sees:?}");
    // Nor may they work on it.
    assert!(matches!(tickets::set_status(&t.db, &sh, beijing, "resolved", "不是我的").await, Err(DomainError::NotFound)));
    assert_eq!(stored(t, beijing).await.status, "open");

    // The Beijing branch manager reads tickets of the branch and below, Beijing service too.
    let got = tickets::get(&t.db, &bj_manager, beijing).await.unwrap();
    assert_eq!((got.title.as_str(), got.customer_id), ("北京故障", first_customer_of(&t.db, "bj.sales1").await));
    assert!(matches!(tickets::get(&t.db, &bj_manager, shanghai).await, Err(DomainError::NotFound)));
    let (bj_unit, sh_unit) = (unit_id(t, "北京分公司").await, unit_id(t, "上海分公司").await);
    for (who, unit) in [(&bj_manager, bj_unit), (&bj, bj_unit), (&sh_manager, sh_unit), (&sh, sh_unit)] {
        let seen = ids(&tickets::list(&t.db, who, &everything()).await.unwrap());
        assert_eq!(seen, tickets_under(t, unit).await, "user {}", who.user_id);
    }
    assert!(ids(&tickets::list(&t.db, &bj_manager, &everything()).await.unwrap()).contains(&beijing));
    // The executive reads all of them; a rep none.
    let all: BTreeSet<i64> = sqlx::query("SELECT id FROM tickets").fetch_all(t.db.pool()).await.unwrap().iter().map(|r| r.try_get("id").unwrap()).collect();
    assert_eq!(ids(&tickets::list(&t.db, &actor(&t.db, "ceo").await, &everything()).await.unwrap()), all);
    let rep = actor(&t.db, "bj.sales1").await;
    assert!(matches!(tickets::get(&t.db, &rep, beijing).await, Err(DomainError::NotFound)));

    // Newest first, and paging with before_id yields what one page does.
    let whole: Vec<i64> = tickets::list(&t.db, &bj_manager, &everything()).await.unwrap().iter().map(|r| r.id).collect();
    assert!(whole.windows(2).all(|w| w[0] > w[1]), "{whole:?}");
    let mut paged = Vec::new();
    let mut before_id = None;
    loop {
        let page = tickets::list(&t.db, &bj_manager, &TicketQuery { before_id, limit: 2, ..Default::default() }).await.unwrap();
        let Some(last) = page.last() else { break };
        assert!(page.len() <= 2);
        before_id = Some(last.id);
        paged.extend(page.iter().map(|r| r.id));
    }
    assert_eq!(paged, whole);
    // A customer filter together with the scope and paging.
    let c = first_customer_of(&t.db, "bj.sales1").await;
    let of_customer = tickets::list(&t.db, &bj_manager, &TicketQuery { customer_id: Some(c), before_id: Some(beijing + 1), limit: 50, ..Default::default() }).await.unwrap();
    assert_eq!(of_customer.iter().map(|r| r.id).collect::<Vec<_>>(), vec![beijing]);
});

// ---------------------------------------------------------------------------------------------
// 5. Resolving
// ---------------------------------------------------------------------------------------------

on_both_engines!(resolving_needs_a_resolution_and_leaves_the_open_list, |t| {
    demo::seed(&t.db).await.unwrap();
    let agent = actor(&t.db, "bj.service").await;
    let id = tickets::create(&t.db, &agent, &ticket(first_customer_of(&t.db, "bj.sales1").await, "fault", "high", "无法导出报表")).await.unwrap();
    let open_ids = || async { ids(&tickets::list(&t.db, &agent, &TicketQuery { open_only: true, limit: 200, ..Default::default() }).await.unwrap()) };
    assert!(open_ids().await.contains(&id));

    // Without a resolution: refused, nothing changes.
    let before = stored(t, id).await;
    let counts = write_counts(t).await;
    for empty in ["", "   "] {
        assert_eq!(invalid(tickets::set_status(&t.db, &agent, id, "resolved", empty).await), ("resolution", "required"));
    }
    assert_eq!(invalid(tickets::set_status(&t.db, &agent, id, "done", "好了").await), ("status", "unknown"));
    assert_eq!(stored(t, id).await, before);
    assert_eq!(write_counts(t).await, counts);

    // In progress: still open.
    tickets::set_status(&t.db, &agent, id, "in_progress", "").await.unwrap();
    assert_eq!(stored(t, id).await.status, "in_progress");
    assert!(open_ids().await.contains(&id));

    // With a resolution: resolved, kept, and out of the open list (still in the full one).
    let at = now_ms();
    tickets::set_status(&t.db, &agent, id, "resolved", "  已修复导出权限  ").await.unwrap();
    let s = stored(t, id).await;
    assert_eq!((s.status.as_str(), s.resolution.as_str()), ("resolved", "已修复导出权限"));
    assert!(s.resolved_at.is_some_and(|r| r >= at), "{s:?}");
    assert!(!open_ids().await.contains(&id));
    assert!(ids(&tickets::list(&t.db, &agent, &everything()).await.unwrap()).contains(&id));
    let row = tickets::get(&t.db, &agent, id).await.unwrap();
    assert_eq!((row.status.as_str(), row.resolution.as_deref()), ("resolved", Some("已修复导出权限")));
    // The open list equals the raw open tickets the agent may see.
    let raw_open: BTreeSet<i64> = sqlx::query("SELECT id FROM tickets WHERE status IN ('open', 'in_progress')")
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("id").unwrap())
        .collect();
    let visible = tickets_under(t, unit_id(t, "北京分公司").await).await;
    assert_eq!(open_ids().await, raw_open.intersection(&visible).copied().collect());

    // Reopened: open again, no longer resolved.
    tickets::set_status(&t.db, &agent, id, "open", "").await.unwrap();
    let s = stored(t, id).await;
    assert_eq!((s.status.as_str(), s.resolved_at), ("open", None));
    assert!(open_ids().await.contains(&id));
});

// ---------------------------------------------------------------------------------------------
// 6. The customer 360 view: complaints, and whatever is open
// ---------------------------------------------------------------------------------------------

on_both_engines!(complaints_or_open_of_a_customer, |t| {
    demo::seed(&t.db).await.unwrap();
    let agent = actor(&t.db, "bj.service").await;
    let customer = first_customer_of(&t.db, "bj.sales1").await;
    let other = customer_of(t, "bj.sales1", 1).await;
    let agent_ref = &agent;
    let make = |category: &'static str, title: &'static str| {
        let new = ticket(customer, category, "normal", title);
        async move { tickets::create(&t.db, agent_ref, &new).await }
    };
    let complaint_resolved = make("complaint", "投诉已解决").await.unwrap();
    let complaint_open = make("complaint", "投诉未解决").await.unwrap();
    let request_open = make("request", "请求未处理").await.unwrap();
    let fault_working = make("fault", "故障处理中").await.unwrap();
    let fault_resolved = make("fault", "故障已解决").await.unwrap();
    let request_closed = make("request", "请求已关闭").await.unwrap();
    tickets::set_status(&t.db, &agent, complaint_resolved, "resolved", "已致歉并补偿").await.unwrap();
    tickets::set_status(&t.db, &agent, fault_working, "in_progress", "").await.unwrap();
    tickets::set_status(&t.db, &agent, fault_resolved, "resolved", "重启服务").await.unwrap();
    tickets::set_status(&t.db, &agent, request_closed, "resolved", "已办理").await.unwrap();
    tickets::set_status(&t.db, &agent, request_closed, "closed", "").await.unwrap();
    // Another customer's open complaint stays out.
    let elsewhere = tickets::create(&t.db, &agent, &ticket(other, "complaint", "normal", "别的客户的投诉")).await.unwrap();

    let q = TicketQuery { customer_id: Some(customer), complaints_or_open: true, limit: 200, ..Default::default() };
    let got: Vec<i64> = tickets::list(&t.db, &agent, &q).await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(got, vec![fault_working, request_open, complaint_open, complaint_resolved], "newest first");
    assert!(!got.contains(&elsewhere) && !got.contains(&fault_resolved) && !got.contains(&request_closed));
    // The branch manager's view of the customer is the same.
    assert_eq!(tickets::list(&t.db, &actor(&t.db, "bj.manager").await, &q).await.unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), got);
    // All of the customer's tickets, and only the open ones.
    let all = tickets::list(&t.db, &agent, &TicketQuery { customer_id: Some(customer), limit: 200, ..Default::default() }).await.unwrap();
    assert_eq!(ids(&all), BTreeSet::from([complaint_resolved, complaint_open, request_open, fault_working, fault_resolved, request_closed]));
    let open = tickets::list(&t.db, &agent, &TicketQuery { customer_id: Some(customer), open_only: true, limit: 200, ..Default::default() }).await.unwrap();
    assert_eq!(ids(&open), BTreeSet::from([complaint_open, request_open, fault_working]));
    // Shanghai service sees none of it.
    assert!(tickets::list(&t.db, &actor(&t.db, "sh.service").await, &q).await.unwrap().is_empty());
});

// ---------------------------------------------------------------------------------------------
// 7. The SLA job
// ---------------------------------------------------------------------------------------------

on_both_engines!(sla_breaches_are_flagged_once_and_told_to_the_head_above, |t| {
    demo::seed(&t.db).await.unwrap();
    // The seeding ran the job on its own past-due ticket: nothing of the demo is left to flag.
    assert!(tickets::flag_sla_breaches(&t.db, now_ms()).await.unwrap().is_empty());

    let agent = actor(&t.db, "bj.service").await;
    let customer = first_customer_of(&t.db, "bj.sales1").await;
    let late = tickets::create(&t.db, &agent, &ticket(customer, "fault", "urgent", "超时未处理")).await.unwrap();
    let late_working = tickets::create(&t.db, &agent, &ticket(customer, "fault", "high", "处理中也超时")).await.unwrap();
    let late_resolved = tickets::create(&t.db, &agent, &ticket(customer, "fault", "urgent", "超时但已解决")).await.unwrap();
    let in_time = tickets::create(&t.db, &agent, &ticket(customer, "fault", "low", "未到期")).await.unwrap();
    let sh = actor(&t.db, "sh.service").await;
    let sh_late = tickets::create(&t.db, &sh, &ticket(first_customer_of(&t.db, "sh.sales1").await, "fault", "urgent", "上海超时")).await.unwrap();
    tickets::set_status(&t.db, &agent, late_working, "in_progress", "").await.unwrap();
    tickets::set_status(&t.db, &agent, late_resolved, "resolved", "已解决").await.unwrap();
    for id in [late, late_working, late_resolved, sh_late] {
        sqlx::query("UPDATE tickets SET sla_due_at = $2 WHERE id = $1").bind(id).bind(now_ms() - HOUR_MS).execute(t.db.pool()).await.unwrap();
    }
    // Before the job, the rows already read as breached (open and past due), not the resolved one.
    let row = |id: i64| async move { tickets::get(&t.db, &actor(&t.db, "bj.manager").await, id).await.unwrap() };
    assert!(row(late).await.breached && !row(late_resolved).await.breached && !row(in_time).await.breached);

    let now = now_ms();
    let mut expected = vec![late, late_working, sh_late];
    expected.sort();
    assert_eq!(tickets::flag_sla_breaches(&t.db, now).await.unwrap(), expected);
    assert_eq!(stored(t, late).await.breached_at, Some(now));
    assert_eq!(stored(t, late_resolved).await.breached_at, None);
    assert_eq!(stored(t, in_time).await.breached_at, None);
    // Once only.
    assert!(tickets::flag_sla_breaches(&t.db, now_ms()).await.unwrap().is_empty());
    assert_eq!(stored(t, late).await.breached_at, Some(now), "a second run keeps the first flag time");
    for id in [late, late_working, sh_late] {
        assert_eq!(ticket_events(t, "ticket.sla_breached", id).await.len(), 1, "ticket {id}");
    }
    assert!(ticket_events(t, "ticket.sla_breached", late_resolved).await.is_empty());
    assert!(ticket_events(t, "ticket.sla_breached", in_time).await.is_empty());

    // 北京客服部 has no head: the head of 北京分公司 above it (bj.manager) is told, exactly once,
    // and the assignee too. Shanghai goes to sh.manager.
    let bj_manager = user_id(&t.db, "bj.manager").await;
    assert_eq!(ticket_events(t, "ticket.sla_breached", late).await[0].1, Some(bj_manager));
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM notifications n JOIN events e ON e.id = n.event_id WHERE n.user_id = $1 AND e.kind = 'ticket.sla_breached' AND e.record_id = $2")
        .bind(bj_manager)
        .bind(late)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(told_of(t, "ticket.sla_breached", late).await, BTreeMap::from([("bj.manager".to_string(), 1), ("bj.service".to_string(), 1)]));
    assert_eq!(told_of(t, "ticket.sla_breached", sh_late).await, BTreeMap::from([("sh.manager".to_string(), 1), ("sh.service".to_string(), 1)]));
    // The flag stays after the ticket is resolved; a resolved ticket is never flagged later.
    tickets::set_status(&t.db, &agent, late, "resolved", "补救完成").await.unwrap();
    assert!(row(late).await.breached, "a breach once flagged stays visible");
    assert!(tickets::flag_sla_breaches(&t.db, now_ms() + 1000 * HOUR_MS).await.unwrap().iter().all(|id| ![late, late_resolved].contains(id)));
    assert_eq!(stored(t, late_resolved).await.breached_at, None);
});

