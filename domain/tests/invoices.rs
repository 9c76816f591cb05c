//! Invoices on both engines: requested only on signed contracts by who may update them, decided
//! once by finance (issued with a number, or rejected with a reason), requests and issues
//! together never above the contract amount (a rejection frees its amount), who is told, amounts
//! hidden from service on the contract page and live, and ten concurrent requests of 40 % each of
//! which exactly two fit.

use std::collections::{BTreeMap, BTreeSet};

use domain::clock::{now_ms, DAY_MS};
use domain::events;
use domain::live;
use domain::objects::ObjectType;
use domain::on_both_engines;
use domain::policy::snapshot::{record_facts, Snapshot};
use domain::sales::contracts;
use domain::sales::invoices::{self, InvoiceDecision};
use domain::testing::{actor, user_id, TestDb};
use domain::{demo, DomainError};
use sqlx::Row;

// ---------------------------------------------------------------------------------------------
// Raw reads
// ---------------------------------------------------------------------------------------------

async fn table_count(t: &TestDb, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap()
}

/// Row counts of the tables an invoice request or decision touches.
async fn write_counts(t: &TestDb) -> BTreeMap<&'static str, i64> {
    let mut out = BTreeMap::new();
    for table in ["invoices", "events", "notifications", "audit_log"] {
        out.insert(table, table_count(t, table).await);
    }
    out
}

/// An invoice as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stored {
    contract: i64,
    amount: i64,
    currency: String,
    state: String,
    note: String,
    number: Option<String>,
    issued_on: Option<i64>,
    reason: Option<String>,
    requested_by: i64,
    decided_by: Option<i64>,
}

async fn stored(t: &TestDb, id: i64) -> Stored {
    let r = sqlx::query(
        "SELECT contract_id, amount_minor, currency, state, note, number, issued_on, reject_reason, requested_by, decided_by FROM invoices WHERE id = $1",
    )
    .bind(id)
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    Stored {
        contract: r.try_get("contract_id").unwrap(),
        amount: r.try_get("amount_minor").unwrap(),
        currency: r.try_get("currency").unwrap(),
        state: r.try_get("state").unwrap(),
        note: r.try_get("note").unwrap(),
        number: r.try_get("number").unwrap(),
        issued_on: r.try_get("issued_on").unwrap(),
        reason: r.try_get("reject_reason").unwrap(),
        requested_by: r.try_get("requested_by").unwrap(),
        decided_by: r.try_get("decided_by").unwrap(),
    }
}

/// A contract of a user in a state: (id, amount), the first by id.
async fn contract_in_state(t: &TestDb, login: &str, state: &str) -> (i64, i64) {
    let r = sqlx::query("SELECT id, amount_minor FROM contracts WHERE state = $1 AND owner_id = $2 ORDER BY id LIMIT 1")
        .bind(state)
        .bind(user_id(&t.db, login).await)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    (r.try_get("id").unwrap(), r.try_get("amount_minor").unwrap())
}

async fn signed_contract(t: &TestDb) -> (i64, i64) {
    contract_in_state(t, "bj.sales1", "signed").await
}

/// The invoice events of one kind on a contract, oldest first: (id, target, payload invoice id).
async fn invoice_events(t: &TestDb, kind: &str, contract: i64) -> Vec<(i64, Option<i64>, i64)> {
    sqlx::query("SELECT id, target_user_id, payload FROM events WHERE kind = $1 AND object = 'contract' AND record_id = $2 ORDER BY id")
        .bind(kind)
        .bind(contract)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let payload: serde_json::Value = serde_json::from_str(&r.try_get::<String, _>("payload").unwrap()).unwrap();
            (r.try_get("id").unwrap(), r.try_get("target_user_id").unwrap(), payload["invoice_id"].as_i64().unwrap())
        })
        .collect()
}

/// Who was notified of the events of one kind about one invoice, by login, with how many rows.
async fn told_of(t: &TestDb, kind: &str, contract: i64, invoice: i64) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for (event, _, inv) in invoice_events(t, kind, contract).await {
        if inv != invoice {
            continue;
        }
        for user in events::notified(&t.db, event).await.unwrap() {
            let login: String = sqlx::query("SELECT login FROM users WHERE id = $1").bind(user).fetch_one(t.db.pool()).await.unwrap().try_get("login").unwrap();
            *out.entry(login).or_insert(0) += 1;
        }
    }
    out
}

/// The active holders of the finance role, by login (who is told of requests).
async fn finance_people(t: &TestDb) -> BTreeSet<String> {
    sqlx::query("SELECT u.login FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id WHERE r.key = 'finance' AND u.active = 1")
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("login").unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

fn issue(number: &str) -> InvoiceDecision {
    InvoiceDecision::Issue { number: number.into(), issued_on: now_ms() - DAY_MS }
}

fn reject(reason: &str) -> InvoiceDecision {
    InvoiceDecision::Reject { reason: reason.into() }
}

fn conflict_code<T: std::fmt::Debug>(r: Result<T, DomainError>) -> String {
    match r {
        Err(DomainError::Conflict(code)) => code,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn invalid<T: std::fmt::Debug>(r: Result<T, DomainError>) -> (&'static str, &'static str) {
    match r {
        Err(DomainError::Invalid { field, code }) => (field, code),
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

/// The outstanding amount an over-payment refusal names (the currency must be the contract's).
fn refused_with<T: std::fmt::Debug>(r: Result<T, DomainError>) -> i64 {
    match r {
        Err(DomainError::Overpayment { outstanding_minor, currency }) => {
            assert_eq!(currency, "CNY");
            outstanding_minor
        }
        other => panic!("expected an over-invoicing refusal, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Only signed contracts, only who may update them
// ---------------------------------------------------------------------------------------------

on_both_engines!(invoices_are_requested_only_on_signed_contracts_by_who_may_update_them, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let (draft, draft_amount) = contract_in_state(t, "bj.sales1", "draft").await;
    let (approved, _) = contract_in_state(t, "bj.sales1", "approved").await;
    let (signed, amount) = signed_contract(t).await;
    let counts = write_counts(t).await;

    // A draft and an approved but unsigned contract: refused, nothing written.
    assert_eq!(conflict_code(invoices::request(&t.db, &rep, draft, draft_amount / 2, "预开票").await), "contract_not_signed");
    assert_eq!(conflict_code(invoices::request(&t.db, &rep, approved, 1_000, "预开票").await), "contract_not_signed");
    // Amounts must be positive; notes are bounded.
    assert_eq!(invalid(invoices::request(&t.db, &rep, signed, 0, "").await), ("amount", "out_of_range"));
    assert_eq!(invalid(invoices::request(&t.db, &rep, signed, -5, "").await), ("amount", "out_of_range"));
    assert_eq!(invalid(invoices::request(&t.db, &rep, signed, 1_000, &"长".repeat(501)).await), ("note", "too_long"));
    // Who may not update the contract: finance and service read it (forbidden), another rep and
    // Shanghai do not even see it.
    for (login, expect_not_found) in [("finance", false), ("bj.service", false), ("bj.sales2", true), ("sh.sales1", true), ("sh.manager", true)] {
        let r = invoices::request(&t.db, &actor(&t.db, login).await, signed, 1_000, "").await;
        match r {
            Err(DomainError::NotFound) if expect_not_found => {}
            Err(DomainError::Forbidden) if !expect_not_found => {}
            other => panic!("{login}: {other:?}"),
        }
    }
    assert_eq!(write_counts(t).await, counts);
    assert!(contracts::get(&t.db, &rep, draft).await.unwrap().invoices.is_empty());

    // The rep's manager may update it, and so request one.
    let by_manager = invoices::request(&t.db, &actor(&t.db, "bj.manager").await, signed, 1_000, "经理申请").await.unwrap();
    let s = stored(t, by_manager).await;
    assert_eq!((s.contract, s.amount, s.state.as_str(), s.requested_by), (signed, 1_000, "requested", user_id(&t.db, "bj.manager").await));
    assert!(amount > 1_000);
});

// ---------------------------------------------------------------------------------------------
// 2. Request, issue, and who is told
// ---------------------------------------------------------------------------------------------

on_both_engines!(finance_issues_a_requested_invoice_once_and_the_requester_is_told, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let finance = actor(&t.db, "finance").await;
    let (contract, amount) = signed_contract(t).await;
    let part = amount / 4;

    let id = invoices::request(&t.db, &rep, contract, part, "  首期发票  ").await.unwrap();
    let s = stored(t, id).await;
    assert_eq!(
        s,
        Stored { contract, amount: part, currency: "CNY".into(), state: "requested".into(), note: "首期发票".into(), number: None, issued_on: None, reason: None, requested_by: rep.user_id, decided_by: None }
    );
    // Each finance person is told, once each; the requester (also the owner) is not.
    let finance_logins = finance_people(t).await;
    assert_eq!(finance_logins, BTreeSet::from(["finance".to_string(), "finance2".to_string()]));
    assert_eq!(invoice_events(t, "invoice.requested", contract).await.len(), finance_logins.len());
    assert_eq!(told_of(t, "invoice.requested", contract, id).await, finance_logins.iter().map(|l| (l.clone(), 1)).collect::<BTreeMap<_, _>>());
    // The contract page shows it to the rep, and offers finance the decision.
    let view = contracts::get(&t.db, &rep, contract).await.unwrap();
    let row = view.invoices.iter().find(|i| i.id == id).expect("the invoice is on the contract page");
    assert_eq!((row.amount_minor, row.state.as_str(), row.number.as_deref()), (Some(part), "requested", None));
    assert!(view.actions.request_invoice && !view.actions.decide_invoice);
    assert!(contracts::get(&t.db, &finance, contract).await.unwrap().actions.decide_invoice);

    // Issued with a number and a date.
    let issued_on = now_ms() - DAY_MS;
    invoices::decide(&t.db, &finance, id, InvoiceDecision::Issue { number: " FP-2024-0001 ".into(), issued_on }).await.unwrap();
    let s = stored(t, id).await;
    assert_eq!((s.state.as_str(), s.number.as_deref(), s.issued_on, s.reason.as_deref(), s.decided_by), ("issued", Some("FP-2024-0001"), Some(issued_on), None, Some(finance.user_id)));
    let issued = invoice_events(t, "invoice.issued", contract).await;
    assert_eq!(issued.iter().map(|e| (e.1, e.2)).collect::<Vec<_>>(), vec![(Some(rep.user_id), id)], "addressed to the requester");
    assert_eq!(told_of(t, "invoice.issued", contract, id).await, BTreeMap::from([("bj.sales1".to_string(), 1)]));
    let row = contracts::get(&t.db, &rep, contract).await.unwrap().invoices.into_iter().find(|i| i.id == id).unwrap();
    assert_eq!((row.state.as_str(), row.number.as_deref(), row.issued_on), ("issued", Some("FP-2024-0001"), Some(issued_on)));

    // A second decision, either way and by either finance person, is refused; nothing changes.
    let counts = write_counts(t).await;
    let finance2 = actor(&t.db, "finance2").await;
    assert_eq!(conflict_code(invoices::decide(&t.db, &finance, id, issue("FP-2024-0002")).await), "invoice_already_decided");
    assert_eq!(conflict_code(invoices::decide(&t.db, &finance2, id, reject("重复")).await), "invoice_already_decided");
    assert_eq!(stored(t, id).await, s);
    assert_eq!(write_counts(t).await, counts);
    // An invoice that does not exist.
    assert!(matches!(invoices::decide(&t.db, &finance, 9_999_999, issue("FP-X")).await, Err(DomainError::NotFound)));

    // A request by the manager is answered to the manager, and the owner hears of it too.
    let manager = actor(&t.db, "bj.manager").await;
    let by_manager = invoices::request(&t.db, &manager, contract, 1_000, "经理申请").await.unwrap();
    invoices::decide(&t.db, &finance2, by_manager, issue("FP-2024-0003")).await.unwrap();
    let e = invoice_events(t, "invoice.issued", contract).await;
    assert_eq!((e.last().unwrap().1, e.last().unwrap().2), (Some(manager.user_id), by_manager));
    assert_eq!(told_of(t, "invoice.issued", contract, by_manager).await, BTreeMap::from([("bj.manager".to_string(), 1), ("bj.sales1".to_string(), 1)]));

    // An issued number is not issued twice; a decision without a date is refused.
    let third = invoices::request(&t.db, &rep, contract, 1_000, "").await.unwrap();
    assert_eq!(conflict_code(invoices::decide(&t.db, &finance, third, issue("FP-2024-0003")).await), "invoice_number_taken");
    assert_eq!(invalid(invoices::decide(&t.db, &finance, third, InvoiceDecision::Issue { number: "FP-2024-0004".into(), issued_on: 0 }).await), ("issued_on", "required"));
    assert_eq!(stored(t, third).await.state, "requested");
    // Four eyes: finance asking for an invoice (with a rep's update right, here an administrator
    // holds both) does not issue their own request.
    let admin = actor(&t.db, "admin").await;
    let own = invoices::request(&t.db, &admin, contract, 1_000, "").await.unwrap();
    assert!(matches!(invoices::decide(&t.db, &admin, own, issue("FP-2024-0005")).await, Err(DomainError::Forbidden)));
    invoices::decide(&t.db, &finance, own, issue("FP-2024-0005")).await.unwrap();
});

// ---------------------------------------------------------------------------------------------
// 3. Rejecting
// ---------------------------------------------------------------------------------------------

on_both_engines!(a_rejection_needs_a_reason_and_an_issue_a_number, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let finance = actor(&t.db, "finance").await;
    let (contract, _) = signed_contract(t).await;
    let id = invoices::request(&t.db, &rep, contract, 50_000, "").await.unwrap();

    let before = stored(t, id).await;
    let counts = write_counts(t).await;
    for empty in ["", "   "] {
        assert_eq!(invalid(invoices::decide(&t.db, &finance, id, reject(empty)).await), ("reason", "required"));
        assert_eq!(invalid(invoices::decide(&t.db, &finance, id, issue(empty)).await), ("invoice_number", "required"));
    }
    assert_eq!(invalid(invoices::decide(&t.db, &finance, id, issue(&"9".repeat(51))).await), ("invoice_number", "too_long"));
    assert_eq!(stored(t, id).await, before);
    assert_eq!(write_counts(t).await, counts);

    invoices::decide(&t.db, &finance, id, reject("  抬头有误，请更正后重新申请  ")).await.unwrap();
    let s = stored(t, id).await;
    assert_eq!((s.state.as_str(), s.reason.as_deref(), s.number.as_deref(), s.issued_on), ("rejected", Some("抬头有误，请更正后重新申请"), None, None));
    assert_eq!(told_of(t, "invoice.rejected", contract, id).await, BTreeMap::from([("bj.sales1".to_string(), 1)]));
    assert_eq!(invoice_events(t, "invoice.rejected", contract).await[0].1, Some(rep.user_id));
    let row = contracts::get(&t.db, &rep, contract).await.unwrap().invoices.into_iter().find(|i| i.id == id).unwrap();
    assert_eq!((row.state.as_str(), row.reject_reason.as_deref()), ("rejected", Some("抬头有误，请更正后重新申请")));
    // Rejected is decided too.
    assert_eq!(conflict_code(invoices::decide(&t.db, &finance, id, issue("FP-2024-0009")).await), "invoice_already_decided");
    assert_eq!(stored(t, id).await, s);
});

// ---------------------------------------------------------------------------------------------
// 4. Never above the contract amount
// ---------------------------------------------------------------------------------------------

on_both_engines!(invoices_never_exceed_the_contract_amount, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let finance = actor(&t.db, "finance").await;
    let (contract, amount) = signed_contract(t).await;
    let sixty = amount * 6 / 10;

    let first = invoices::request(&t.db, &rep, contract, sixty, "六成").await.unwrap();
    // Half again is too much: refused with exactly what remains, nothing written.
    let counts = write_counts(t).await;
    assert_eq!(refused_with(invoices::request(&t.db, &rep, contract, amount / 2, "五成").await), amount - sixty);
    assert_eq!(refused_with(invoices::request(&t.db, &rep, contract, amount - sixty + 1, "多一分").await), amount - sixty);
    assert_eq!(write_counts(t).await, counts);
    // Exactly what remains fits; then nothing does.
    let rest = invoices::request(&t.db, &rep, contract, amount - sixty, "余款").await.unwrap();
    assert_eq!(refused_with(invoices::request(&t.db, &rep, contract, 1, "一分").await), 0);
    // Issued invoices still count.
    invoices::decide(&t.db, &finance, rest, issue("FP-REST-01")).await.unwrap();
    assert_eq!(refused_with(invoices::request(&t.db, &rep, contract, 1, "一分").await), 0);

    // A rejection frees its amount again.
    invoices::decide(&t.db, &finance, first, reject("金额需拆分")).await.unwrap();
    assert_eq!(refused_with(invoices::request(&t.db, &rep, contract, sixty + 1, "多一分").await), sixty);
    let again = invoices::request(&t.db, &rep, contract, sixty, "重新申请").await.unwrap();
    assert_eq!(refused_with(invoices::request(&t.db, &rep, contract, 1, "一分").await), 0);

    // What the rows say: the non-rejected ones add up to the contract amount.
    let sum: i64 = sqlx::query("SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS n FROM invoices WHERE contract_id = $1 AND state <> 'rejected'")
        .bind(contract)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(sum, amount);
    let page = contracts::get(&t.db, &rep, contract).await.unwrap().invoices;
    assert_eq!(page.iter().map(|i| (i.id, i.state.as_str())).collect::<Vec<_>>(), vec![(first, "rejected"), (rest, "issued"), (again, "requested")]);

    // The cap is per contract: the other signed contract is untouched.
    let other: (i64, i64) = {
        let r = sqlx::query("SELECT id, amount_minor FROM contracts WHERE state = 'signed' AND owner_id = $1 AND id <> $2 ORDER BY id LIMIT 1")
            .bind(rep.user_id)
            .bind(contract)
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        (r.try_get("id").unwrap(), r.try_get("amount_minor").unwrap())
    };
    invoices::request(&t.db, &rep, other.0, other.1, "全额").await.unwrap();
});

// ---------------------------------------------------------------------------------------------
// 5. Only finance decides
// ---------------------------------------------------------------------------------------------

on_both_engines!(only_who_may_update_receivables_decides, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let (contract, _) = signed_contract(t).await;
    let id = invoices::request(&t.db, &rep, contract, 10_000, "").await.unwrap();
    let before = stored(t, id).await;
    let counts = write_counts(t).await;

    // The requesting rep (who owns the contract and reads its receivables) may not decide.
    for decision in [issue("FP-REP-0001"), reject("自己驳回")] {
        let r = invoices::decide(&t.db, &rep, id, decision).await;
        assert!(matches!(r, Err(DomainError::Forbidden)), "{r:?}");
    }
    // Nor Beijing service (reads the contract), nor Shanghai (does not even see it).
    assert!(matches!(invoices::decide(&t.db, &actor(&t.db, "bj.service").await, id, issue("FP-SVC-0001")).await, Err(DomainError::Forbidden)));
    let r = invoices::decide(&t.db, &actor(&t.db, "sh.sales1").await, id, issue("FP-SH-0001")).await;
    assert!(matches!(r, Err(DomainError::NotFound)), "{r:?}");
    assert_eq!(stored(t, id).await, before);
    assert_eq!(write_counts(t).await, counts);
    assert!(!contracts::get(&t.db, &rep, contract).await.unwrap().actions.decide_invoice);

    // Finance may.
    invoices::decide(&t.db, &actor(&t.db, "finance2").await, id, issue("FP-FIN-0001")).await.unwrap();
    assert_eq!(stored(t, id).await.state, "issued");
});

// ---------------------------------------------------------------------------------------------
// 6. Service sees invoices, not their amounts
// ---------------------------------------------------------------------------------------------

on_both_engines!(service_sees_invoices_without_amounts, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let finance = actor(&t.db, "finance").await;
    let service = actor(&t.db, "bj.service").await;
    let (contract, _) = signed_contract(t).await;
    let before = events::last_id(&t.db).await.unwrap();
    let a = invoices::request(&t.db, &rep, contract, 120_000, "首期").await.unwrap();
    let b = invoices::request(&t.db, &rep, contract, 80_000, "二期").await.unwrap();
    invoices::decide(&t.db, &finance, a, issue("FP-SVC-0001")).await.unwrap();
    invoices::decide(&t.db, &finance, b, reject("暂缓")).await.unwrap();

    let view = contracts::get(&t.db, &service, contract).await.unwrap();
    assert_eq!(view.contract.amount_minor, None, "service does not read contract amounts");
    let rows: Vec<_> = view.invoices.iter().map(|i| (i.id, i.amount_minor, i.state.as_str(), i.number.as_deref())).collect();
    assert_eq!(rows, vec![(a, None, "issued", Some("FP-SVC-0001")), (b, None, "rejected", None)]);
    assert!(!view.actions.request_invoice && !view.actions.decide_invoice);
    // The rep and the branch manager see the amounts.
    for login in ["bj.sales1", "bj.manager"] {
        let view = contracts::get(&t.db, &actor(&t.db, login).await, contract).await.unwrap();
        assert_eq!(view.invoices.iter().map(|i| i.amount_minor).collect::<Vec<_>>(), vec![Some(120_000), Some(80_000)], "{login}");
    }

    // Live: the request event reaches Beijing service (they read the contract) without the amount.
    let snapshot = Snapshot::load(&t.db).await.unwrap();
    let mut conn = t.db.pool().acquire().await.unwrap();
    let facts = record_facts(&mut conn, ObjectType::Contract, contract).await.unwrap();
    let requested: Vec<_> = events::since(&t.db, before, 100).await.unwrap().into_iter().filter(|e| e.kind == "invoice.requested").collect();
    assert!(!requested.is_empty());
    for e in &requested {
        let got = live::for_user(&snapshot, service.user_id, e, facts.as_ref(), false, "", now_ms()).expect("service reads the contract");
        assert!(got.data.get("amount_minor").is_none(), "live {} carries the amount: {}", e.kind, got.data);
        let seen = live::for_user(&snapshot, finance.user_id, e, facts.as_ref(), true, "", now_ms()).expect("finance reads the contract");
        assert!(seen.data.get("amount_minor").is_some());
    }
});

// ---------------------------------------------------------------------------------------------
// 7. Concurrent requests
// ---------------------------------------------------------------------------------------------

on_both_engines!(concurrent_requests_never_exceed_the_amount, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let (contract, amount) = signed_contract(t).await;
    let share = amount * 4 / 10;
    assert!(2 * share <= amount && 3 * share > amount);
    let mut handles = Vec::new();
    for i in 0..10 {
        let (db, rep) = (t.db.clone(), rep.clone());
        handles.push(tokio::spawn(async move { invoices::request(&db, &rep, contract, share, &format!("并发 {i}")).await }));
    }
    let (mut accepted, mut refused) = (Vec::new(), 0);
    for h in handles {
        match h.await.unwrap() {
            Ok(id) => accepted.push(id),
            Err(DomainError::Overpayment { outstanding_minor, currency }) => {
                // Whoever is refused came after both that fit.
                assert_eq!((outstanding_minor, currency.as_str()), (amount - 2 * share, "CNY"));
                refused += 1;
            }
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!((accepted.len(), refused), (2, 8));
    let rows: Vec<(i64, i64)> = sqlx::query("SELECT id, amount_minor FROM invoices WHERE contract_id = $1 ORDER BY id")
        .bind(contract)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.try_get("id").unwrap(), r.try_get("amount_minor").unwrap()))
        .collect();
    accepted.sort();
    assert_eq!(rows, accepted.iter().map(|id| (*id, share)).collect::<Vec<_>>());
    assert_eq!(invoice_events(t, "invoice.requested", contract).await.len(), 2 * finance_people(t).await.len());

    // Both finance people deciding the first at once, five times each: one decision stands.
    let finance = [actor(&t.db, "finance").await, actor(&t.db, "finance2").await];
    let mut handles = Vec::new();
    for i in 0..10 {
        let (db, who) = (t.db.clone(), finance[i % 2].clone());
        let decision = if i % 3 == 0 { reject(&format!("驳回 {i}")) } else { issue(&format!("FP-RACE-{i:02}")) };
        let invoice = accepted[0];
        handles.push(tokio::spawn(async move { invoices::decide(&db, &who, invoice, decision).await }));
    }
    let mut won = 0;
    for h in handles {
        match h.await.unwrap() {
            Ok(()) => won += 1,
            Err(DomainError::Conflict(code)) => assert_eq!(code, "invoice_already_decided"),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(won, 1);
    let decided = invoice_events(t, "invoice.issued", contract).await.len() + invoice_events(t, "invoice.rejected", contract).await.len();
    assert_eq!(decided, 1, "one decision, one event");
    assert_ne!(stored(t, accepted[0]).await.state, "requested");
});

