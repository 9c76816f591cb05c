//! Quotes on both engines: a discount within the threshold approves the quote at once, one above
//! it runs the quote approval flow; the threshold is the administrators' to set; a quote carries
//! only products of the writer's lines; an approved quote becomes one contract, at the quoted
//! prices even after the catalogue changed, once even when asked twice at the same time.

use domain::approvals::engine::approve;
use domain::clock::{now_ms, DAY_MS};
use domain::on_both_engines;
use domain::sales::quotes;
use domain::sales::{InstalmentInput, LineInput, QuoteInput};
use domain::testing::{actor, first_customer_of, TestDb};
use domain::{demo, DomainError};
use sqlx::Row;

async fn product(t: &TestDb, code: &str) -> (i64, i64) {
    let r = sqlx::query("SELECT id, unit_price_minor FROM products WHERE code = $1").bind(code).fetch_one(t.db.pool()).await.unwrap();
    (r.try_get("id").unwrap(), r.try_get("unit_price_minor").unwrap())
}

fn quote(customer: i64, lines: &[(i64, i64, i64)]) -> QuoteInput {
    QuoteInput {
        customer_id: customer,
        title: "测试报价".into(),
        note: String::new(),
        valid_until: None,
        lines: lines.iter().map(|(p, q, d)| LineInput { product_id: *p, quantity: *q, discount_bp: *d }).collect(),
    }
}

async fn state(t: &TestDb, id: i64) -> String {
    sqlx::query("SELECT state FROM quotes WHERE id = $1").bind(id).fetch_one(t.db.pool()).await.unwrap().try_get("state").unwrap()
}

async fn count(t: &TestDb, table: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM {table}"))).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap()
}

on_both_engines!(the_discount_threshold_decides_whether_a_quote_needs_approval, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let customer = first_customer_of(&t.db, "bj.sales1").await;
    let (crm, _) = product(t, "SW-CRM").await;
    // 10 % (the default threshold) is within it: approved at once, no approval.
    let within = quotes::create(&t.db, &rep, &quote(customer, &[(crm, 1, 1_000)])).await.unwrap();
    assert_eq!(quotes::submit(&t.db, &rep, within).await.unwrap(), None);
    assert_eq!(state(t, within).await, "approved");
    // 18 % needs the manager and (above 15 %) finance.
    let above = quotes::create(&t.db, &rep, &quote(customer, &[(crm, 1, 1_800)])).await.unwrap();
    let approval = quotes::submit(&t.db, &rep, above).await.unwrap().expect("runs the quote flow");
    assert_eq!(state(t, above).await, "pending");
    assert!(matches!(quotes::submit(&t.db, &rep, above).await, Err(DomainError::UnderApproval { .. } | DomainError::Conflict(_))));
    approve(&t.db, &actor(&t.db, "bj.manager").await, approval, "").await.unwrap();
    assert_eq!(state(t, above).await, "pending", "finance decides discounts above 15 %");
    approve(&t.db, &actor(&t.db, "finance").await, approval, "").await.unwrap();
    assert_eq!(state(t, above).await, "approved");
    // Raising the threshold to 20 %: an 18 % quote is approved at once. Only administrators set it.
    assert!(matches!(quotes::set_threshold(&t.db, &rep, 2_000).await, Err(DomainError::Forbidden)));
    assert!(matches!(quotes::set_threshold(&t.db, &actor(&t.db, "admin").await, 10_001).await, Err(DomainError::Invalid { .. })));
    quotes::set_threshold(&t.db, &actor(&t.db, "admin").await, 2_000).await.unwrap();
    let now_within = quotes::create(&t.db, &rep, &quote(customer, &[(crm, 1, 1_800)])).await.unwrap();
    assert_eq!(quotes::submit(&t.db, &rep, now_within).await.unwrap(), None);
    assert_eq!(quotes::get(&t.db, &rep, now_within).await.unwrap().threshold_bp, 2_000);
});

on_both_engines!(quotes_carry_only_products_of_the_writers_lines, |t| {
    demo::seed(&t.db).await.unwrap();
    let sh = actor(&t.db, "sh.sales1").await;
    let customer = first_customer_of(&t.db, "sh.sales1").await;
    let (gateway, _) = product(t, "HW-GW").await;
    let (crm, _) = product(t, "SW-CRM").await;
    let before = (count(t, "quotes").await, count(t, "quote_lines").await);
    let r = quotes::create(&t.db, &sh, &quote(customer, &[(crm, 1, 0), (gateway, 1, 0)])).await;
    assert!(matches!(r, Err(DomainError::Invalid { field: "product", code: "not_sellable" })), "{r:?}");
    assert_eq!((count(t, "quotes").await, count(t, "quote_lines").await), before, "nothing written");
    // Service may not read the quote's amounts... and a rep of another branch not the quote at all.
    let mine = quotes::create(&t.db, &sh, &quote(customer, &[(crm, 2, 0)])).await.unwrap();
    assert!(matches!(quotes::get(&t.db, &actor(&t.db, "bj.sales1").await, mine).await, Err(DomainError::NotFound)));
    assert!(quotes::list(&t.db, &actor(&t.db, "bj.sales1").await, None, 200).await.unwrap().iter().all(|q| q.id != mine));
    assert!(quotes::list(&t.db, &actor(&t.db, "sh.manager").await, None, 200).await.unwrap().iter().any(|q| q.id == mine));
});

on_both_engines!(an_approved_quote_becomes_one_contract_at_the_quoted_prices, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let customer = first_customer_of(&t.db, "bj.sales1").await;
    let (crm, price) = product(t, "SW-CRM").await;
    let id = quotes::create(&t.db, &rep, &quote(customer, &[(crm, 2, 500)])).await.unwrap();
    let plan = |amount: i64| vec![InstalmentInput { due_at: now_ms() + 30 * DAY_MS, amount_minor: amount }];
    // Not approved yet.
    assert!(matches!(quotes::to_contract(&t.db, &rep, id, &plan(1)).await, Err(DomainError::Conflict(c)) if c == "quote_not_approved"));
    quotes::submit(&t.db, &rep, id).await.unwrap();
    let quoted = quotes::get(&t.db, &rep, id).await.unwrap().quote.amount_minor.unwrap();
    assert_eq!(quoted, (2 * price * 9_500 + 5_000) / 10_000);
    // The catalogue price rises; the contract keeps the quoted price.
    sqlx::query("UPDATE products SET unit_price_minor = unit_price_minor * 2 WHERE id = $1").bind(crm).execute(t.db.pool()).await.unwrap();
    // Twice at the same time: one contract.
    let full = plan(quoted);
    let (a, b) = tokio::join!(quotes::to_contract(&t.db, &rep, id, &full), quotes::to_contract(&t.db, &rep, id, &full));
    let made: Vec<i64> = [a, b].into_iter().filter_map(|r| r.ok()).collect();
    assert_eq!(made.len(), 1, "one contract per quote");
    let contract = domain::sales::contracts::get(&t.db, &rep, made[0]).await.unwrap();
    assert_eq!(contract.contract.amount_minor, Some(quoted));
    assert_eq!(contract.lines[0].unit_price_minor, Some(price));
    assert_eq!(quotes::get(&t.db, &rep, id).await.unwrap().quote.contract_id, Some(made[0]));
    assert!(matches!(quotes::to_contract(&t.db, &rep, id, &plan(quoted)).await, Err(DomainError::Conflict(c)) if c == "quote_already_contracted"));
    let contracts_of_quote: i64 = sqlx::query("SELECT COUNT(*) AS n FROM contracts WHERE title = '测试报价'").fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(contracts_of_quote, 1);
});
