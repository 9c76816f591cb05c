//! Sales to cash on both engines: products seen and sold only within their product lines, the
//! chain from a contract through its approval and signing to receivables, receipts and their
//! reversal (idempotency keys, over-payments, who is told), field rights on amounts (pages and
//! live events), money totals against a plain reference built from raw rows, one receipt among
//! 20 concurrent submissions with one key, and the overdue job.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use domain::approvals::engine::{approve, submit};
use domain::clock::{now_ms, DAY_MS, HOUR_MS};
use domain::events;
use domain::live;
use domain::objects::ObjectType;
use domain::on_both_engines;
use domain::policy::snapshot::{record_facts, Snapshot};
use domain::policy::Actor;
use domain::sales::contracts::{self, line_amount, ContractQuery};
use domain::sales::receivables::{self, ReceivableQuery};
use domain::sales::{products, ContractInput, InstalmentInput, LineInput, MoneyTotals, ReceiptInput, RecordedReceipt};
use domain::testing::{actor, first_customer_of, user_id, TestDb};
use domain::{demo, DomainError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;

// ---------------------------------------------------------------------------------------------
// Raw reads (what the tests check against, independent of the module's own queries)
// ---------------------------------------------------------------------------------------------

/// One number from a query with integer binds; the column must be called `n`.
async fn number(t: &TestDb, sql: &'static str, binds: &[i64]) -> i64 {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap()
}

async fn table_count(t: &TestDb, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap()
}

/// Row counts of the tables a write of the sales module touches.
async fn write_counts(t: &TestDb) -> BTreeMap<&'static str, i64> {
    let mut out = BTreeMap::new();
    for table in ["contracts", "contract_lines", "contract_instalments", "receivables", "receipts", "events", "notifications", "audit_log", "tasks"] {
        out.insert(table, table_count(t, table).await);
    }
    out
}

async fn product_id(t: &TestDb, code: &str) -> i64 {
    sqlx::query("SELECT id FROM products WHERE code = $1").bind(code).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

/// Every product by code: (id, unit price).
async fn catalogue(t: &TestDb) -> HashMap<String, (i64, i64)> {
    sqlx::query("SELECT id, code, unit_price_minor FROM products")
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.try_get("code").unwrap(), (r.try_get("id").unwrap(), r.try_get("unit_price_minor").unwrap())))
        .collect()
}

async fn unit_id(t: &TestDb, name: &str) -> i64 {
    sqlx::query("SELECT id FROM org_units WHERE name = $1").bind(name).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

async fn contract_state(t: &TestDb, id: i64) -> String {
    sqlx::query("SELECT state FROM contracts WHERE id = $1").bind(id).fetch_one(t.db.pool()).await.unwrap().try_get("state").unwrap()
}

/// What a draft looks like in the tables: title, amount, product line and its lines.
async fn draft_snapshot(t: &TestDb, id: i64) -> (String, i64, Option<String>, Vec<(i64, i64, i64, i64)>) {
    let k = sqlx::query("SELECT title, amount_minor, product_line FROM contracts WHERE id = $1").bind(id).fetch_one(t.db.pool()).await.unwrap();
    let lines = sqlx::query("SELECT product_id, quantity, discount_bp, amount_minor FROM contract_lines WHERE contract_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.try_get("product_id").unwrap(), r.try_get("quantity").unwrap(), r.try_get("discount_bp").unwrap(), r.try_get("amount_minor").unwrap()))
        .collect();
    (k.try_get("title").unwrap(), k.try_get("amount_minor").unwrap(), k.try_get("product_line").unwrap(), lines)
}

/// A receivable as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Recv {
    id: i64,
    contract_id: i64,
    seq: i64,
    due_at: i64,
    amount: i64,
    received: i64,
    owner: Option<i64>,
    unit: i64,
    flagged: bool,
}

async fn receivables_where(t: &TestDb, contract: Option<i64>) -> Vec<Recv> {
    let sql = "SELECT id, contract_id, seq, due_at, amount_minor, received_minor, owner_id, unit_id, overdue_flagged_at FROM receivables \
               WHERE ($1 = 0 OR contract_id = $1) ORDER BY contract_id, seq";
    sqlx::query(sql)
        .bind(contract.unwrap_or(0))
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| Recv {
            id: r.try_get("id").unwrap(),
            contract_id: r.try_get("contract_id").unwrap(),
            seq: r.try_get("seq").unwrap(),
            due_at: r.try_get("due_at").unwrap(),
            amount: r.try_get("amount_minor").unwrap(),
            received: r.try_get("received_minor").unwrap(),
            owner: r.try_get("owner_id").unwrap(),
            unit: r.try_get("unit_id").unwrap(),
            flagged: r.try_get::<Option<i64>, _>("overdue_flagged_at").unwrap().is_some(),
        })
        .collect()
}

async fn receivables_of(t: &TestDb, contract: i64) -> Vec<Recv> {
    receivables_where(t, Some(contract)).await
}

async fn receivable(t: &TestDb, id: i64) -> Recv {
    receivables_where(t, None).await.into_iter().find(|r| r.id == id).expect("the receivable exists")
}

/// The money of the receipts not reversed, per receivable, summed here from the raw rows.
async fn live_receipts_by_receivable(t: &TestDb) -> HashMap<i64, i64> {
    let mut out = HashMap::new();
    for r in sqlx::query("SELECT receivable_id, amount_minor FROM receipts WHERE reversed_at IS NULL").fetch_all(t.db.pool()).await.unwrap() {
        *out.entry(r.try_get::<i64, _>("receivable_id").unwrap()).or_insert(0) += r.try_get::<i64, _>("amount_minor").unwrap();
    }
    out
}

async fn logins_of(t: &TestDb, ids: &[i64]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for id in ids {
        let login: String = sqlx::query("SELECT login FROM users WHERE id = $1").bind(*id).fetch_one(t.db.pool()).await.unwrap().try_get("login").unwrap();
        out.insert(login);
    }
    out
}

/// Who got a notification for an event after `after` (any kind), by login.
async fn notified_after(t: &TestDb, after: i64) -> BTreeSet<String> {
    let ids: Vec<i64> = sqlx::query("SELECT DISTINCT user_id FROM notifications WHERE event_id > $1")
        .bind(after)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("user_id").unwrap())
        .collect();
    logins_of(t, &ids).await
}

/// The ids of the events of one kind on one contract.
async fn events_of(t: &TestDb, kind: &str, contract: i64) -> Vec<i64> {
    sqlx::query("SELECT id FROM events WHERE kind = $1 AND object = 'contract' AND record_id = $2 ORDER BY id")
        .bind(kind)
        .bind(contract)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("id").unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

fn line(product_id: i64, quantity: i64, discount_bp: i64) -> LineInput {
    LineInput { product_id, quantity, discount_bp }
}

fn contract_input(customer_id: i64, title: &str, lines: Vec<LineInput>, plan: &[(i64, i64)]) -> ContractInput {
    ContractInput {
        customer_id,
        title: title.into(),
        currency: "CNY".into(),
        terms: "验收后付款".into(),
        lines,
        instalments: plan.iter().map(|(due_at, amount_minor)| InstalmentInput { due_at: *due_at, amount_minor: *amount_minor }).collect(),
    }
}

/// The amount of some lines, computed here from the raw prices.
fn amount_of(cat: &HashMap<String, (i64, i64)>, lines: &[LineInput]) -> i64 {
    let price = |id: i64| cat.values().find(|(p, _)| *p == id).expect("a known product").1;
    lines.iter().map(|l| line_amount(l.quantity, price(l.product_id), l.discount_bp).unwrap()).sum()
}

/// Even instalments on these due dates, the remainder on the last.
fn even_plan(amount: i64, dues: &[i64]) -> Vec<(i64, i64)> {
    let n = dues.len() as i64;
    dues.iter().enumerate().map(|(i, d)| (*d, if i as i64 == n - 1 { amount - amount / n * (n - 1) } else { amount / n })).collect()
}

/// A receipt of `amount` on a receivable, received an hour ago.
fn receipt(receivable_id: i64, amount_minor: i64, key: &str) -> ReceiptInput {
    ReceiptInput {
        receivable_id,
        amount_minor,
        received_at: now_ms() - HOUR_MS,
        method: "bank_transfer".into(),
        reference: format!("REF-{key}"),
        idempotency_key: key.into(),
    }
}

/// Decides an approval to its end: each round the first person asked (by login) approves.
async fn approve_to_the_end(t: &TestDb, approval: i64) {
    for _ in 0..10 {
        let state: String = sqlx::query("SELECT state FROM approvals WHERE id = $1").bind(approval).fetch_one(t.db.pool()).await.unwrap().try_get("state").unwrap();
        if state != "pending" {
            assert_eq!(state, "approved");
            return;
        }
        let first: String = sqlx::query(
            "SELECT u.login FROM approval_tasks a JOIN users u ON u.id = a.approver_id WHERE a.approval_id = $1 AND a.state = 'pending' ORDER BY u.login LIMIT 1",
        )
        .bind(approval)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
        .try_get("login")
        .unwrap();
        approve(&t.db, &actor(&t.db, &first).await, approval, "同意").await.unwrap();
    }
    panic!("approval {approval} did not finish");
}

/// A contract written, approved and signed by `rep`; returns its id.
async fn signed_contract(t: &TestDb, rep: &Actor, input: &ContractInput) -> i64 {
    let id = contracts::create(&t.db, rep, input).await.unwrap();
    let a = submit(&t.db, rep, ObjectType::Contract, id).await.unwrap();
    approve_to_the_end(t, a).await;
    assert_eq!(contract_state(t, id).await, "approved");
    contracts::sign(&t.db, rep, id).await.unwrap();
    assert_eq!(contract_state(t, id).await, "signed");
    id
}

/// A signed Beijing contract of bj.sales1 for SW-CRM ×1 and SW-IMPL ×5 at 10 % off (¥61,500),
/// paid in two instalments; returns its id and amount.
async fn beijing_contract(t: &TestDb, dues: &[i64]) -> (i64, i64) {
    let rep = actor(&t.db, "bj.sales1").await;
    let cat = catalogue(t).await;
    let lines = vec![line(cat["SW-CRM"].0, 1, 0), line(cat["SW-IMPL"].0, 5, 1000)];
    let amount = amount_of(&cat, &lines);
    let input = contract_input(first_customer_of(&t.db, "bj.sales1").await, "测试合同", lines, &even_plan(amount, dues));
    (signed_contract(t, &rep, &input).await, amount)
}

fn is_not_sellable<T: std::fmt::Debug>(r: &Result<T, DomainError>) -> bool {
    matches!(r, Err(DomainError::Invalid { field: "product", code: "not_sellable" }))
}

fn conflict_code<T: std::fmt::Debug>(r: Result<T, DomainError>) -> String {
    match r {
        Err(DomainError::Conflict(code)) => code,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Product lines
// ---------------------------------------------------------------------------------------------

on_both_engines!(products_are_seen_and_sold_only_within_their_lines, |t| {
    demo::seed(&t.db).await.unwrap();
    let sh = actor(&t.db, "sh.sales1").await;
    let bj = actor(&t.db, "bj.sales1").await;

    // Shanghai sells software only; Beijing sells software and hardware. Reps never see costs,
    // the branch manager (no such field right) does.
    let sh_list = products::list_sellable(&t.db, &sh).await.unwrap();
    let codes = |rows: &[domain::sales::ProductRow]| rows.iter().map(|p| p.code.clone()).collect::<BTreeSet<_>>();
    assert_eq!(codes(&sh_list), BTreeSet::from(["SW-CRM".to_string(), "SW-IMPL".to_string()]));
    assert!(sh_list.iter().all(|p| p.line_name != "智能硬件"));
    let bj_list = products::list_sellable(&t.db, &bj).await.unwrap();
    assert_eq!(codes(&bj_list), ["HW-GW", "HW-SENSOR", "SW-CRM", "SW-IMPL"].into_iter().map(String::from).collect());
    assert_eq!(bj_list.iter().filter(|p| p.line_name == "智能硬件").count(), 2);
    assert!(sh_list.iter().chain(&bj_list).all(|p| p.cost_minor.is_none()), "sales reps may not read costs");
    let manager_list = products::list_sellable(&t.db, &actor(&t.db, "bj.manager").await).await.unwrap();
    assert_eq!(manager_list.iter().find(|p| p.code == "HW-GW").unwrap().cost_minor, Some(410_000));

    // A forged hardware product on a Shanghai contract: refused, nothing written, whether it is
    // alone or next to a product Shanghai may sell.
    let customer = first_customer_of(&t.db, "sh.sales1").await;
    let (gateway, software) = (product_id(t, "HW-GW").await, product_id(t, "SW-CRM").await);
    let before = write_counts(t).await;
    for lines in [vec![line(gateway, 1, 0)], vec![line(software, 1, 0), line(gateway, 2, 0)], vec![line(999_999, 1, 0)]] {
        let amount = if lines.len() == 2 { 4_800_000 + 1_360_000 } else { 680_000 };
        let input = contract_input(customer, "越权产品", lines.clone(), &[(now_ms() + 30 * DAY_MS, amount)]);
        let r = contracts::create(&t.db, &sh, &input).await;
        assert!(is_not_sellable(&r), "{lines:?}: {r:?}");
    }
    assert_eq!(write_counts(t).await, before, "a refused contract writes nothing");

    // The same for a rewrite of Shanghai's own draft: the draft stays as it was.
    let draft = contracts::create(&t.db, &sh, &contract_input(customer, "上海草稿", vec![line(software, 1, 0)], &[(now_ms() + DAY_MS, 4_800_000)])).await.unwrap();
    let as_written = draft_snapshot(t, draft).await;
    assert_eq!(as_written, ("上海草稿".to_string(), 4_800_000, Some("软件与云服务".to_string()), vec![(software, 1, 0, 4_800_000)]));
    let before = write_counts(t).await;
    let sensors = product_id(t, "HW-SENSOR").await;
    for (lines, amount) in [(vec![line(gateway, 1, 0)], 680_000), (vec![line(software, 1, 0), line(sensors, 1, 0)], 4_920_000), (vec![line(-5, 1, 0)], 100)] {
        let input = contract_input(customer, "改写后的标题", lines, &[(now_ms() + DAY_MS, amount)]);
        let r = contracts::update_draft(&t.db, &sh, draft, &input).await;
        assert!(is_not_sellable(&r), "{r:?}");
    }
    assert_eq!(draft_snapshot(t, draft).await, as_written);
    assert_eq!(write_counts(t).await, before);
    // A plan that does not add up is refused too.
    let r = contracts::update_draft(&t.db, &sh, draft, &contract_input(customer, "改", vec![line(software, 2, 0)], &[(now_ms() + DAY_MS, 4_800_000)])).await;
    assert!(matches!(r, Err(DomainError::Invalid { field: "instalments", code: "sum_mismatch" })), "{r:?}");
    assert_eq!(draft_snapshot(t, draft).await, as_written);

    // What Beijing may sell it puts on a contract; the line of the largest part is recorded.
    let input = contract_input(first_customer_of(&t.db, "bj.sales1").await, "网关", vec![line(gateway, 3, 500), line(software, 1, 0)], &[(now_ms() + DAY_MS, 1_938_000 + 4_800_000)]);
    let id = contracts::create(&t.db, &bj, &input).await.unwrap();
    let (_, amount, product_line, lines) = draft_snapshot(t, id).await;
    assert_eq!(amount, line_amount(3, 680_000, 500).unwrap() + 4_800_000);
    assert_eq!(product_line.as_deref(), Some("软件与云服务"));
    assert_eq!(lines.len(), 2);
    // A valid rewrite of the Shanghai draft goes through (the refusals above were not about it).
    contracts::update_draft(&t.db, &sh, draft, &contract_input(customer, "改写后的标题", vec![line(software, 2, 0)], &[(now_ms() + DAY_MS, 9_600_000)])).await.unwrap();
    assert_eq!(draft_snapshot(t, draft).await.1, 9_600_000);
});

/// The price `login` sells SW-CRM at.
async fn crm_price_for(t: &TestDb, login: &str) -> i64 {
    let crm = product_id(t, "SW-CRM").await;
    products::list_sellable(&t.db, &actor(&t.db, login).await).await.unwrap().into_iter().find(|p| p.id == crm).unwrap().unit_price_minor
}

on_both_engines!(a_subsidiarys_price_list_applies_at_and_below_it, |t| {
    demo::seed(&t.db).await.unwrap();
    let crm = product_id(t, "SW-CRM").await;
    let admin = actor(&t.db, "admin").await;
    // Shanghai sells the CRM subscription from its own price list, 5 % under the list price.
    assert_eq!(crm_price_for(t, "sh.sales1").await, 4_800_000);
    products::set_unit_price(&t.db, &admin, crm, unit_id(t, "上海分公司").await, Some(4_560_000)).await.unwrap();
    assert_eq!(crm_price_for(t, "sh.sales1").await, 4_560_000, "Shanghai's price list");
    assert_eq!(crm_price_for(t, "bj.sales1").await, 4_800_000, "Beijing sells at the list price");
    // A Shanghai contract is priced from it.
    let sh = actor(&t.db, "sh.sales1").await;
    let input = contract_input(first_customer_of(&t.db, "sh.sales1").await, "价目表合同", vec![line(crm, 2, 0)], &[(now_ms() + DAY_MS, 9_120_000)]);
    let id = contracts::create(&t.db, &sh, &input).await.unwrap();
    assert_eq!(number(t, "SELECT unit_price_minor AS n FROM contract_lines WHERE contract_id = $1", &[id]).await, 4_560_000);
    // A team's own price beats its branch's; only administrators set prices.
    let team = unit_id(t, "上海销售一组").await;
    assert!(matches!(products::set_unit_price(&t.db, &sh, crm, team, Some(1)).await, Err(DomainError::Forbidden)));
    products::set_unit_price(&t.db, &admin, crm, team, Some(4_400_000)).await.unwrap();
    assert_eq!(crm_price_for(t, "sh.sales1").await, 4_400_000);
    // The price-list screen shows each unit its own price and the one its people sell at.
    let team_list = products::price_list(&t.db, &admin, team).await.unwrap();
    let row = team_list.iter().find(|r| r.product_id == crm).expect("the CRM subscription is listed");
    assert_eq!((row.list_price_minor, row.own_price_minor, row.effective_minor), (4_800_000, Some(4_400_000), 4_400_000));
    let other_team = products::price_list(&t.db, &admin, unit_id(t, "上海销售二组").await).await.unwrap();
    let row = other_team.iter().find(|r| r.product_id == crm).unwrap();
    assert_eq!((row.own_price_minor, row.effective_minor), (None, 4_560_000), "inherits Shanghai's price");
    let beijing = products::price_list(&t.db, &admin, unit_id(t, "北京分公司").await).await.unwrap();
    assert_eq!(beijing.iter().find(|r| r.product_id == crm).map(|r| r.effective_minor), Some(4_800_000));
    assert_eq!(beijing.len(), team_list.len(), "every active product, whichever line");
    assert!(matches!(products::price_list(&t.db, &sh, team).await, Err(DomainError::Forbidden)));
    assert!(matches!(products::price_list(&t.db, &admin, 999_999).await, Err(DomainError::NotFound)));
    assert_eq!(crm_price_for(t, "sh.sales3").await, 4_560_000, "another Shanghai team keeps the branch's price");
    products::set_unit_price(&t.db, &admin, crm, team, None).await.unwrap();
    assert_eq!(crm_price_for(t, "sh.sales1").await, 4_560_000);
    let r = products::set_unit_price(&t.db, &admin, crm, team, Some(-1)).await;
    assert!(matches!(r, Err(DomainError::Invalid { field: "price", .. })), "{r:?}");
});

// ---------------------------------------------------------------------------------------------
// 2. The whole chain
// ---------------------------------------------------------------------------------------------

on_both_engines!(contract_to_cash_chain, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let manager = actor(&t.db, "bj.manager").await;
    let finance = actor(&t.db, "finance").await;
    let cat = catalogue(t).await;
    let customer = first_customer_of(&t.db, "bj.sales1").await;
    let lines = vec![line(cat["SW-CRM"].0, 1, 0), line(cat["SW-IMPL"].0, 5, 1000)];
    let amount = amount_of(&cat, &lines);
    assert_eq!(amount, 4_800_000 + 1_350_000);
    let (due1, due2) = (now_ms() + 30 * DAY_MS, now_ms() + 90 * DAY_MS);

    // The plan must add up to the amount.
    let wrong = contract_input(customer, "CRM 订阅与实施", lines.clone(), &[(due1, 2_000_000), (due2, 4_000_000)]);
    assert!(matches!(contracts::create(&t.db, &rep, &wrong).await, Err(DomainError::Invalid { field: "instalments", code: "sum_mismatch" })));

    // Listed in reverse order of due dates: the plan is kept by due date.
    let input = contract_input(customer, "CRM 订阅与实施", lines, &[(due2, 4_150_000), (due1, 2_000_000)]);
    let id = contracts::create(&t.db, &rep, &input).await.unwrap();
    assert_eq!(contract_state(t, id).await, "draft");
    let a = submit(&t.db, &rep, ObjectType::Contract, id).await.unwrap();
    assert_eq!(contract_state(t, id).await, "pending");
    assert_eq!(conflict_code(contracts::sign(&t.db, &rep, id).await), "contract_not_approved");
    approve(&t.db, &manager, a, "同意").await.unwrap();
    assert_eq!(contract_state(t, id).await, "pending");
    approve(&t.db, &finance, a, "同意").await.unwrap();
    assert_eq!(contract_state(t, id).await, "approved", "¥61,500 needs no third step");
    assert!(receivables_of(t, id).await.is_empty(), "no receivables before signing");
    // What was approved is not rewritten.
    let as_approved = draft_snapshot(t, id).await;
    let rewrite = contract_input(customer, "改过的合同", vec![line(cat["SW-IMPL"].0, 1, 0)], &[(due1, 300_000)]);
    assert_eq!(conflict_code(contracts::update_draft(&t.db, &rep, id, &rewrite).await), "document_not_draft");
    assert_eq!(draft_snapshot(t, id).await, as_approved);

    // Signing: receivables of the plan, a task for finance and for Beijing service, and notices.
    let before_sign = events::last_id(&t.db).await.unwrap();
    contracts::sign(&t.db, &rep, id).await.unwrap();
    assert_eq!(contract_state(t, id).await, "signed");
    let recv = receivables_of(t, id).await;
    assert_eq!(recv.iter().map(|r| (r.seq, r.due_at, r.amount, r.received)).collect::<Vec<_>>(), vec![(1, due1, 2_000_000, 0), (2, due2, 4_150_000, 0)]);
    assert!(recv.iter().all(|r| r.owner == Some(rep.user_id) && r.unit == rep.units[0]));
    let task_owners: Vec<i64> = sqlx::query("SELECT owner_id FROM tasks WHERE linked_object = 'contract' AND linked_record_id = $1 ORDER BY owner_id")
        .bind(id)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("owner_id").unwrap())
        .collect();
    assert_eq!(task_owners.len(), 2, "one task for finance, one for service");
    assert_eq!(logins_of(t, &task_owners).await, BTreeSet::from(["finance".to_string(), "bj.service".to_string()]));
    let told = notified_after(t, before_sign).await;
    for who in ["finance", "finance2", "bj.service"] {
        assert!(told.contains(who), "{who} is told of the signing: {told:?}");
    }
    assert!(!told.contains("bj.sales1"), "the signer is not told of their own signing");
    assert!(!told.contains("sh.service"), "Shanghai service has nothing to deliver");
    // Signing again signs once.
    let counts = write_counts(t).await;
    assert_eq!(conflict_code(contracts::sign(&t.db, &rep, id).await), "contract_already_signed");
    assert_eq!(write_counts(t).await, counts);

    // Receipts are checked before anything is written.
    let r1 = recv[0].id;
    let counts = write_counts(t).await;
    let bad = [
        (ReceiptInput { amount_minor: 0, ..receipt(r1, 1, "chain-bad-0001") }, "amount", "out_of_range"),
        (ReceiptInput { method: "wechat".into(), ..receipt(r1, 1, "chain-bad-0002") }, "method", "unknown"),
        (receipt(r1, 1, "short"), "idempotency_key", "format"),
        (ReceiptInput { reference: "long-key".into(), ..receipt(r1, 1, &"k".repeat(101)) }, "idempotency_key", "format"),
        (ReceiptInput { received_at: now_ms() + 3 * DAY_MS, ..receipt(r1, 1, "chain-bad-0003") }, "received_at", "in_future"),
    ];
    for (input, field, code) in bad {
        match receivables::record_receipt(&t.db, &finance, &input).await {
            Err(DomainError::Invalid { field: f, code: c }) => assert_eq!((f, c), (field, code)),
            other => panic!("{input:?}: expected invalid {field}, got {other:?}"),
        }
    }
    assert_eq!(write_counts(t).await, counts);

    // A receipt, then the same submission again: one receipt, money counted once, one event.
    let first = receipt(r1, 500_000, "chain-receipt-0001");
    let got = receivables::record_receipt(&t.db, &finance, &first).await.unwrap();
    assert!(!got.duplicate);
    let again = receivables::record_receipt(&t.db, &finance, &first).await.unwrap();
    assert_eq!(again, RecordedReceipt { id: got.id, duplicate: true });
    assert_eq!(number(t, "SELECT COUNT(*) AS n FROM receipts WHERE receivable_id = $1", &[r1]).await, 1);
    assert_eq!(receivable(t, r1).await.received, 500_000);
    let recorded = events_of(t, "receipt.recorded", id).await;
    assert_eq!(recorded.len(), 1, "the duplicate wrote no event");
    // The contract's owner and their manager are told; finance (who recorded it) is not.
    let told = logins_of(t, &events::notified(&t.db, recorded[0]).await.unwrap()).await;
    assert_eq!(told, BTreeSet::from(["bj.sales1".to_string(), "bj.manager".to_string()]));

    // The same key with other content is refused.
    let counts = write_counts(t).await;
    let reused = ReceiptInput { amount_minor: 600_000, ..first.clone() };
    assert_eq!(conflict_code(receivables::record_receipt(&t.db, &finance, &reused).await), "idempotency_key_reused");
    assert_eq!(write_counts(t).await, counts);

    // More than is outstanding: refused with what is outstanding, nothing written.
    match receivables::record_receipt(&t.db, &finance, &receipt(r1, 1_500_001, "chain-receipt-0002")).await {
        Err(DomainError::Overpayment { outstanding_minor, currency }) => {
            assert_eq!(outstanding_minor, 1_500_000);
            assert_eq!(currency, "CNY");
        }
        other => panic!("expected an over-payment, got {other:?}"),
    }
    assert_eq!(write_counts(t).await, counts);
    assert_eq!(receivable(t, r1).await.received, 500_000);
    assert_eq!(number(t, "SELECT COUNT(*) AS n FROM receipts WHERE idempotency_key = 'chain-receipt-0002'", &[]).await, 0);
    // Exactly what is outstanding fits.
    let rest = receivables::record_receipt(&t.db, &finance, &receipt(r1, 1_500_000, "chain-receipt-0003")).await.unwrap();
    assert_eq!(receivable(t, r1).await.received, 2_000_000);

    // Sales reps only read receivables: the owner is forbidden, another rep finds nothing.
    let counts = write_counts(t).await;
    for (login, forbidden) in [("bj.sales1", true), ("bj.sales2", false)] {
        let who = actor(&t.db, login).await;
        let r = receivables::record_receipt(&t.db, &who, &receipt(recv[1].id, 100_000, &format!("rep-try-{login}"))).await;
        assert!(if forbidden { matches!(r, Err(DomainError::Forbidden)) } else { matches!(r, Err(DomainError::NotFound)) }, "{login}: {r:?}");
        let r = receivables::reverse_receipt(&t.db, &who, got.id, "不对").await;
        assert!(matches!(r, Err(DomainError::Forbidden | DomainError::NotFound)), "{login}: {r:?}");
    }
    assert_eq!(write_counts(t).await, counts);

    // Reversal: a reason is required; it works once and the money no longer counts.
    let r = receivables::reverse_receipt(&t.db, &finance, got.id, "   ").await;
    assert!(matches!(r, Err(DomainError::Invalid { field: "reason", .. })), "{r:?}");
    assert_eq!(number(t, "SELECT COUNT(*) AS n FROM receipts WHERE id = $1 AND reversed_at IS NULL", &[got.id]).await, 1);
    receivables::reverse_receipt(&t.db, &finance, got.id, "重复录入").await.unwrap();
    assert_eq!(receivable(t, r1).await.received, 1_500_000);
    let row = sqlx::query("SELECT reversed_at, reversed_by, reverse_reason FROM receipts WHERE id = $1").bind(got.id).fetch_one(t.db.pool()).await.unwrap();
    assert!(row.try_get::<Option<i64>, _>("reversed_at").unwrap().is_some());
    assert_eq!(row.try_get::<Option<i64>, _>("reversed_by").unwrap(), Some(finance.user_id));
    assert_eq!(row.try_get::<Option<String>, _>("reverse_reason").unwrap().as_deref(), Some("重复录入"));
    assert_eq!(conflict_code(receivables::reverse_receipt(&t.db, &finance, got.id, "再次冲销").await), "receipt_already_reversed");
    assert_eq!(receivable(t, r1).await.received, 1_500_000, "a second reversal takes nothing off");
    assert_eq!(events_of(t, "receipt.reversed", id).await.len(), 1);
    // The money reversed may be received again.
    receivables::record_receipt(&t.db, &finance, &receipt(r1, 500_000, "chain-receipt-0004")).await.unwrap();
    assert_eq!(receivable(t, r1).await.received, 2_000_000);
    assert_eq!(live_receipts_by_receivable(t).await[&r1], 2_000_000);
    assert_ne!(rest.id, got.id);
});

// ---------------------------------------------------------------------------------------------
// 3. Field rights on amounts
// ---------------------------------------------------------------------------------------------

on_both_engines!(service_never_receives_amounts, |t| {
    demo::seed(&t.db).await.unwrap();
    let (id, amount) = beijing_contract(t, &[now_ms() + 10 * DAY_MS, now_ms() + 40 * DAY_MS]).await;
    let finance = actor(&t.db, "finance").await;
    let service = actor(&t.db, "bj.service").await;
    let first = receivables_of(t, id).await[0].id;
    let before = events::last_id(&t.db).await.unwrap();
    receivables::record_receipt(&t.db, &finance, &receipt(first, 123_456, "field-rights-0001")).await.unwrap();

    // Beijing service reads the contract, but no amount on it.
    let view = contracts::get(&t.db, &service, id).await.unwrap();
    assert_eq!(view.contract.state, "signed");
    assert_eq!(view.contract.amount_minor, None);
    assert_eq!(view.contract.received_minor, None);
    assert_eq!(view.lines.len(), 2);
    assert!(view.lines.iter().all(|l| l.amount_minor.is_none() && l.unit_price_minor.is_none()), "{:?}", view.lines);
    assert!(view.instalments.iter().all(|i| i.amount_minor.is_none()));
    assert!(view.receivables.iter().all(|r| r.amount_minor.is_none() && r.received_minor.is_none() && r.outstanding_minor.is_none()));
    assert!(view.receipts.iter().all(|r| r.amount_minor.is_none()));
    let text = serde_json::to_string(&view).unwrap();
    for secret in [amount, 123_456, 4_800_000, 300_000] {
        assert!(!text.contains(&format!(":{secret},")) && !text.contains(&format!(":{secret}}}")), "{secret} leaks in {text}");
    }
    let rows = contracts::list(&t.db, &service, &ContractQuery { limit: 200, ..Default::default() }).await.unwrap();
    assert!(rows.iter().any(|r| r.id == id));
    assert!(rows.iter().all(|r| r.amount_minor.is_none() && r.received_minor.is_none()));
    assert!(matches!(receivables::totals(&t.db, &service, Some(id), None).await, Err(DomainError::Forbidden)));
    // Shanghai service does not see a Beijing contract at all.
    let sh_service = actor(&t.db, "sh.service").await;
    assert!(matches!(contracts::get(&t.db, &sh_service, id).await, Err(DomainError::NotFound)));
    assert!(contracts::list(&t.db, &sh_service, &ContractQuery { limit: 200, ..Default::default() }).await.unwrap().iter().all(|r| r.id != id));

    // Finance sees them.
    let view = contracts::get(&t.db, &finance, id).await.unwrap();
    assert_eq!(view.contract.amount_minor, Some(amount));
    assert_eq!(view.contract.received_minor, Some(123_456));
    assert_eq!(view.lines.iter().map(|l| l.amount_minor.unwrap()).sum::<i64>(), amount);
    assert_eq!(view.receipts.iter().map(|r| r.amount_minor).collect::<Vec<_>>(), vec![Some(123_456)]);
    assert!(view.actions.record_receipt);
    let rows = contracts::list(&t.db, &finance, &ContractQuery { state: Some("signed".into()), limit: 200, ..Default::default() }).await.unwrap();
    assert_eq!(rows.iter().find(|r| r.id == id).unwrap().amount_minor, Some(amount));
    assert!(rows.iter().all(|r| r.amount_minor.is_some() && r.state == "signed"));

    // Live: the receipt event reaches Beijing service without the amount, finance with it, and
    // Shanghai service not at all.
    let snapshot = Snapshot::load(&t.db).await.unwrap();
    let mut conn = t.db.pool().acquire().await.unwrap();
    let e = events::since(&t.db, before, 100).await.unwrap().into_iter().find(|e| e.kind == "receipt.recorded").expect("a receipt event");
    assert_eq!(e.payload["amount_minor"], serde_json::json!(123_456));
    let facts = record_facts(&mut conn, ObjectType::Contract, e.record_id).await.unwrap();
    let told = events::notified(&t.db, e.id).await.unwrap();
    let deliver = |who: &Actor| live::for_user(&snapshot, who.user_id, &e, facts.as_ref(), told.contains(&who.user_id), "", now_ms());
    let to_service = deliver(&service).expect("Beijing service may read the contract, so it sees the event");
    assert!(to_service.data.get("amount_minor").is_none(), "{:?}", to_service.data);
    assert_eq!(to_service.data["receivable_id"], serde_json::json!(first));
    let to_finance = deliver(&finance).expect("finance reads every contract");
    assert_eq!(to_finance.data["amount_minor"], serde_json::json!(123_456));
    assert!(deliver(&sh_service).is_none());
});

// ---------------------------------------------------------------------------------------------
// 4. Totals against a plain reference
// ---------------------------------------------------------------------------------------------

/// Whether `unit` lies at or below `ancestor`, walking the parents read from org_units.
fn under(parents: &HashMap<i64, Option<i64>>, mut unit: i64, ancestor: i64) -> bool {
    for _ in 0..64 {
        if unit == ancestor {
            return true;
        }
        match parents.get(&unit).copied().flatten() {
            Some(p) => unit = p,
            None => return false,
        }
    }
    false
}

/// What a viewer's read scope on receivables lets them see, in the reference's terms.
#[derive(Debug, Clone, Copy)]
enum Sees {
    All,
    Under(i64),
    Owner(i64),
}

fn reference_totals<'a>(rows: impl Iterator<Item = &'a Recv>, received: &HashMap<i64, i64>) -> MoneyTotals {
    let mut t = MoneyTotals::default();
    for r in rows {
        t.receivable_minor += r.amount;
        t.received_minor += received.get(&r.id).copied().unwrap_or(0);
    }
    t.outstanding_minor = t.receivable_minor - t.received_minor;
    t
}

/// Random cut points: `parts` positive amounts adding up to `amount`.
fn random_split(rng: &mut StdRng, amount: i64, parts: usize) -> Vec<i64> {
    let mut cuts = BTreeSet::new();
    while cuts.len() < parts - 1 {
        cuts.insert(rng.gen_range(1..amount));
    }
    let mut out = Vec::new();
    let mut last = 0;
    for c in cuts.into_iter().chain([amount]) {
        out.push(c - last);
        last = c;
    }
    out
}

on_both_engines!(totals_match_a_plain_reference, |t| {
    demo::seed(&t.db).await.unwrap();
    let mut rng = StdRng::seed_from_u64(0x5a1e5);
    let reps = ["bj.sales1", "bj.sales2", "bj.sales3", "sh.sales1", "sh.sales2", "sh.sales3"];
    let payers = [actor(&t.db, "finance").await, actor(&t.db, "finance2").await];
    let now = now_ms();
    let contracts_n = rng.gen_range(8..=15);
    let mut ours = Vec::new();
    let (mut recorded, mut reversed) = (0, 0);
    for i in 0..contracts_n {
        let login = reps[rng.gen_range(0..reps.len())];
        let rep = actor(&t.db, login).await;
        let sellable = products::list_sellable(&t.db, &rep).await.unwrap();
        let lines: Vec<LineInput> = (0..rng.gen_range(1..=3))
            .map(|_| line(sellable[rng.gen_range(0..sellable.len())].id, rng.gen_range(1..=4), [0, 500, 1000, 1500][rng.gen_range(0..4)]))
            .collect();
        let amount: i64 = lines.iter().map(|l| line_amount(l.quantity, sellable.iter().find(|p| p.id == l.product_id).unwrap().unit_price_minor, l.discount_bp).unwrap()).sum();
        let parts = rng.gen_range(1..=4);
        let plan: Vec<(i64, i64)> = random_split(&mut rng, amount, parts).into_iter().map(|a| (now + rng.gen_range(-60..90) * DAY_MS, a)).collect();
        let input = contract_input(first_customer_of(&t.db, login).await, &format!("随机合同 {i}"), lines, &plan);
        let id = signed_contract(t, &rep, &input).await;
        ours.push(id);

        // Receipts within what is outstanding; some of them reversed.
        for r in receivables_of(t, id).await {
            for k in 0..rng.gen_range(0..=3) {
                let outstanding = receivable(t, r.id).await;
                let left = outstanding.amount - outstanding.received;
                if left == 0 {
                    break;
                }
                let pay = if rng.gen_bool(0.2) { left } else { rng.gen_range(1..=left) };
                let payer = &payers[rng.gen_range(0..2)];
                let done = receivables::record_receipt(&t.db, payer, &receipt(r.id, pay, &format!("random-{i}-{}-{k}", r.seq))).await.unwrap();
                assert!(!done.duplicate);
                recorded += 1;
                if rng.gen_bool(0.3) {
                    receivables::reverse_receipt(&t.db, payer, done.id, "金额有误").await.unwrap();
                    reversed += 1;
                }
            }
        }
    }
    assert!(recorded > 5 && reversed > 0, "the data exercises receipts ({recorded}) and reversals ({reversed})");

    // The reference, from raw rows: receivable amounts, and receipts not reversed.
    let rows = receivables_where(t, None).await;
    let received = live_receipts_by_receivable(t).await;
    // The running total each receivable keeps agrees with its receipts.
    for r in &rows {
        assert_eq!(r.received, received.get(&r.id).copied().unwrap_or(0), "receivable {} keeps a wrong running total", r.id);
    }
    let parents: HashMap<i64, Option<i64>> = sqlx::query("SELECT id, parent_id FROM org_units")
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.try_get("id").unwrap(), r.try_get("parent_id").unwrap()))
        .collect();
    let (hq, bj, sh) = (unit_id(t, "集团总部").await, unit_id(t, "北京分公司").await, unit_id(t, "上海分公司").await);
    let units = [None, Some(hq), Some(bj), Some(sh), Some(unit_id(t, "北京销售一组").await), Some(unit_id(t, "上海销售二组").await)];
    let all_contracts: BTreeSet<i64> = rows.iter().map(|r| r.contract_id).collect();
    assert!(ours.iter().all(|c| all_contracts.contains(c)));

    let viewers = [
        ("finance", Sees::All),
        ("ceo", Sees::All),
        ("bj.manager", Sees::Under(bj)),
        ("sh.manager", Sees::Under(sh)),
        ("bj.sales1", Sees::Owner(user_id(&t.db, "bj.sales1").await)),
        ("sh.sales2", Sees::Owner(user_id(&t.db, "sh.sales2").await)),
    ];
    let mut checked_nonzero = 0;
    for (login, scope) in viewers {
        let sees = |r: &Recv| match scope {
            Sees::All => true,
            Sees::Under(u) => under(&parents, r.unit, u),
            Sees::Owner(o) => r.owner == Some(o),
        };
        let who = actor(&t.db, login).await;
        for unit in units {
            let expected = reference_totals(rows.iter().filter(|r| sees(r) && unit.is_none_or(|u| under(&parents, r.unit, u))), &received);
            let got = receivables::totals(&t.db, &who, None, unit).await.unwrap();
            assert_eq!(got, expected, "{login}, unit {unit:?}");
            checked_nonzero += (expected.received_minor > 0) as i32;
        }
        for c in &all_contracts {
            let expected = reference_totals(rows.iter().filter(|r| sees(r) && r.contract_id == *c), &received);
            assert_eq!(receivables::totals(&t.db, &who, Some(*c), None).await.unwrap(), expected, "{login}, contract {c}");
            // A contract and a unit together.
            let expected = reference_totals(rows.iter().filter(|r| sees(r) && r.contract_id == *c && under(&parents, r.unit, bj)), &received);
            assert_eq!(receivables::totals(&t.db, &who, Some(*c), Some(bj)).await.unwrap(), expected, "{login}, contract {c} in Beijing");
        }
    }
    assert!(checked_nonzero > 5, "the comparison is not between zeros");

    // Paging through receivables (by due date, then id) and contracts (newest first) in small
    // pages yields exactly what one large page does.
    let finance = &payers[0];
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = receivables::list(&t.db, finance, &ReceivableQuery { after, limit: 3, ..Default::default() }).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some((last.due_at, last.id));
        paged.extend(page.iter().map(|r| r.id));
    }
    let mut by_due = rows.clone();
    by_due.sort_by_key(|r| (r.due_at, r.id));
    assert_eq!(paged, by_due.iter().map(|r| r.id).collect::<Vec<_>>());
    let open = receivables::list(&t.db, finance, &ReceivableQuery { open_only: true, limit: 200, ..Default::default() }).await.unwrap();
    assert_eq!(open.iter().map(|r| r.id).collect::<BTreeSet<_>>(), rows.iter().filter(|r| r.received < r.amount).map(|r| r.id).collect());
    assert!(open.iter().all(|r| r.outstanding_minor == Some(r.amount_minor.unwrap() - received.get(&r.id).copied().unwrap_or(0))));
    let mut paged = Vec::new();
    let mut before_id = None;
    loop {
        let page = contracts::list(&t.db, finance, &ContractQuery { before_id, limit: 2, ..Default::default() }).await.unwrap();
        let Some(last) = page.last() else { break };
        before_id = Some(last.id);
        paged.extend(page.iter().map(|k| k.id));
    }
    let mut every_contract: Vec<i64> = sqlx::query("SELECT id FROM contracts").fetch_all(t.db.pool()).await.unwrap().iter().map(|r| r.try_get("id").unwrap()).collect();
    every_contract.sort_by(|a, b| b.cmp(a));
    assert_eq!(paged, every_contract);
    // The partial views are really partial.
    let finance_all = receivables::totals(&t.db, &payers[0], None, None).await.unwrap();
    let manager_all = receivables::totals(&t.db, &actor(&t.db, "bj.manager").await, None, None).await.unwrap();
    assert!(manager_all.receivable_minor < finance_all.receivable_minor);
});

// ---------------------------------------------------------------------------------------------
// 5. One key, twenty submissions
// ---------------------------------------------------------------------------------------------

on_both_engines!(concurrent_submissions_with_one_key_record_once, |t| {
    demo::seed(&t.db).await.unwrap();
    let (id, _) = beijing_contract(t, &[now_ms() + 10 * DAY_MS, now_ms() + 40 * DAY_MS]).await;
    let r = receivables_of(t, id).await[1].clone();
    let finance = actor(&t.db, "finance").await;
    let input = receipt(r.id, 777_700, "double-click-key-0001");
    let before_events = events_of(t, "receipt.recorded", id).await.len();
    let mut handles = Vec::new();
    for _ in 0..20 {
        let (db, finance, input) = (t.db.clone(), finance.clone(), input.clone());
        handles.push(tokio::spawn(async move { receivables::record_receipt(&db, &finance, &input).await }));
    }
    let mut results = Vec::new();
    for h in handles {
        results.push(h.await.unwrap().expect("every submission is answered with the receipt"));
    }
    let ids: BTreeSet<i64> = results.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), 1, "{results:?}");
    assert_eq!(results.iter().filter(|r| !r.duplicate).count(), 1, "exactly one submission recorded it: {results:?}");
    assert_eq!(number(t, "SELECT COUNT(*) AS n FROM receipts WHERE receivable_id = $1", &[r.id]).await, 1);
    assert_eq!(receivable(t, r.id).await.received, 777_700);
    assert_eq!(events_of(t, "receipt.recorded", id).await.len(), before_events + 1);

    // Twelve concurrent receipts with different keys on what is left of the other receivable:
    // as many fit as the outstanding amount allows, the others are refused as over-payments.
    let r = receivables_of(t, id).await[0].clone();
    let share = r.amount / 5 + 1;
    let mut handles = Vec::new();
    for i in 0..12 {
        let (db, finance, input) = (t.db.clone(), finance.clone(), receipt(r.id, share, &format!("racing-receipt-{i:02}")));
        handles.push(tokio::spawn(async move { receivables::record_receipt(&db, &finance, &input).await }));
    }
    let (mut accepted, mut refused) = (0, 0);
    for h in handles {
        match h.await.unwrap() {
            Ok(done) => {
                assert!(!done.duplicate);
                accepted += 1;
            }
            Err(DomainError::Overpayment { outstanding_minor, .. }) => {
                assert!(outstanding_minor < share, "refused although {outstanding_minor} was outstanding");
                refused += 1;
            }
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!((accepted, refused), (4, 8), "{} fits four times into {}", share, r.amount);
    assert_eq!(number(t, "SELECT COUNT(*) AS n FROM receipts WHERE receivable_id = $1", &[r.id]).await, 4);
    assert_eq!(receivable(t, r.id).await.received, 4 * share);
});

// ---------------------------------------------------------------------------------------------
// 6. The overdue job
// ---------------------------------------------------------------------------------------------

on_both_engines!(overdue_receivables_are_flagged_once, |t| {
    demo::seed(&t.db).await.unwrap();
    let now = now_ms();
    // Three instalments: ten days late and unpaid, five days late and paid in full, due later.
    let (id, _) = beijing_contract(t, &[now - 10 * DAY_MS, now - 5 * DAY_MS, now + 30 * DAY_MS]).await;
    let recv = receivables_of(t, id).await;
    let (late, paid, later) = (recv[0].clone(), recv[1].clone(), recv[2].clone());
    let finance = actor(&t.db, "finance").await;
    let payment = receivables::record_receipt(&t.db, &finance, &receipt(paid.id, paid.amount, "overdue-paid-0001")).await.unwrap();
    // Part of the late one is paid: still late.
    receivables::record_receipt(&t.db, &finance, &receipt(late.id, 1_000, "overdue-part-0001")).await.unwrap();

    let before = events::last_id(&t.db).await.unwrap();
    assert_eq!(receivables::flag_overdue(&t.db, now_ms()).await.unwrap(), vec![late.id], "the seeded ones were flagged by the seeding");
    assert!(receivable(t, late.id).await.flagged);
    assert!(!receivable(t, paid.id).await.flagged && !receivable(t, later.id).await.flagged);
    assert_eq!(events_of(t, "receivable.overdue", id).await.len(), 1);
    assert_eq!(notified_after(t, before).await, BTreeSet::from(["bj.sales1".to_string()]), "the owner is told");
    // Once only.
    assert!(receivables::flag_overdue(&t.db, now_ms()).await.unwrap().is_empty());
    assert_eq!(events_of(t, "receivable.overdue", id).await.len(), 1);
    // The lists agree.
    let overdue = receivables::list(&t.db, &finance, &ReceivableQuery { overdue_only: true, limit: 200, ..Default::default() }).await.unwrap();
    let overdue_ids: BTreeSet<i64> = overdue.iter().map(|r| r.id).collect();
    assert!(overdue_ids.contains(&late.id) && !overdue_ids.contains(&paid.id) && !overdue_ids.contains(&later.id));
    assert!(overdue.iter().all(|r| r.overdue));

    // A reversal makes the paid one unpaid again: flagged on the next run, once.
    receivables::reverse_receipt(&t.db, &finance, payment.id, "退票").await.unwrap();
    assert_eq!(receivables::flag_overdue(&t.db, now_ms()).await.unwrap(), vec![paid.id]);
    assert!(receivables::flag_overdue(&t.db, now_ms()).await.unwrap().is_empty());
    // On a later clock the one due later is flagged too (with whatever else has fallen due).
    let later_clock = now + 60 * DAY_MS;
    let mut expected: Vec<i64> = receivables_where(t, None).await.into_iter().filter(|r| !r.flagged && r.due_at < later_clock && r.received < r.amount).map(|r| r.id).collect();
    expected.sort();
    assert!(expected.contains(&later.id));
    assert_eq!(receivables::flag_overdue(&t.db, later_clock).await.unwrap(), expected);
});

// ---------------------------------------------------------------------------------------------
// 7. Receipt amounts follow the receivable's field rights everywhere
// ---------------------------------------------------------------------------------------------

on_both_engines!(hidden_receivable_amounts_stay_hidden_live, |t| {
    demo::seed(&t.db).await.unwrap();
    // Branch managers may read contract amounts but, here, not what was received on them.
    let role = domain::roles::role_id_by_key(&t.db, "branch_manager").await.unwrap();
    for field in ["amount_minor", "received_minor"] {
        sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, 'receivable', $2, 'hidden')")
            .bind(role)
            .bind(field)
            .execute(t.db.pool())
            .await
            .unwrap();
    }
    let (id, _) = beijing_contract(t, &[now_ms() + 10 * DAY_MS]).await;
    let r = receivables_of(t, id).await[0].id;
    let manager = actor(&t.db, "bj.manager").await;
    let before = events::last_id(&t.db).await.unwrap();
    receivables::record_receipt(&t.db, &actor(&t.db, "finance").await, &receipt(r, 654_321, "hidden-rights-0001")).await.unwrap();

    // The pages show the manager the receivable without its money.
    let rows = receivables::list(&t.db, &manager, &ReceivableQuery { limit: 200, ..Default::default() }).await.unwrap();
    let row = rows.iter().find(|x| x.id == r).expect("the manager reads Beijing receivables");
    assert_eq!((row.amount_minor, row.received_minor, row.outstanding_minor), (None, None, None));
    assert!(matches!(receivables::totals(&t.db, &manager, None, None).await, Err(DomainError::Forbidden)));

    // Live, the receipt event must not tell them the amount either.
    let snapshot = Snapshot::load(&t.db).await.unwrap();
    let mut conn = t.db.pool().acquire().await.unwrap();
    let e = events::since(&t.db, before, 100).await.unwrap().into_iter().find(|e| e.kind == "receipt.recorded").expect("a receipt event");
    let facts = record_facts(&mut conn, ObjectType::Contract, e.record_id).await.unwrap();
    let told = events::notified(&t.db, e.id).await.unwrap();
    assert!(told.contains(&manager.user_id), "the owner's manager is told of the receipt");
    let mut leaks = Vec::new();
    let got = live::for_user(&snapshot, manager.user_id, &e, facts.as_ref(), true, "", now_ms()).expect("the manager reads the contract");
    if got.data.get("amount_minor").is_some() {
        leaks.push(format!("live receipt.recorded carries the amount: {}", got.data));
    }
    // Nor does the contract page add up for them what the receivable rows hide.
    match contracts::get(&t.db, &manager, id).await {
        Ok(view) => {
            assert!(view.receipts.iter().all(|p| p.amount_minor.is_none()), "receipt rows hide their amounts");
            if view.contract.received_minor.is_some() {
                leaks.push(format!("contracts::get shows received_minor {:?}", view.contract.received_minor));
            }
        }
        Err(e) => leaks.push(format!("contracts::get failed: {e:?}")),
    }
    match contracts::list(&t.db, &manager, &ContractQuery { limit: 200, ..Default::default() }).await {
        Ok(rows) => {
            if let Some(k) = rows.iter().find(|k| k.id == id && k.received_minor.is_some()) {
                leaks.push(format!("contracts::list shows received_minor {:?}", k.received_minor));
            }
        }
        Err(e) => leaks.push(format!("contracts::list failed: {e:?}")),
    }
    assert!(leaks.is_empty(), "{leaks:#?}");
});
