//! Sales to cash over real HTTP, on both engines: the server functions the contract and
//! receivable pages call, with a browser's same-origin headers and real session cookies. A
//! product of a line the caller does not sell is refused however it is posted; a contract goes
//! round (create, submit, approve twice, sign) and finance records receipts against it, once per
//! idempotency key and never more than is outstanding; and field rights hide the amounts from
//! service while finance reads them.

mod common;

use common::{cookie, start, TestServer};
use domain::clock::{format_date, now_ms, DAY_MS};
use domain::on_both_engines;
use domain::testing::TestDb;
use reqwest::header::COOKIE;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::Row;

/// A server function called as our own pages call it (form-encoded arguments).
async fn form(s: &TestServer, cookie: &str, path: &str, args: &[(&str, String)]) -> (StatusCode, Value) {
    let res = s
        .client
        .post(format!("{}/api/{path}", s.base))
        .header(COOKIE, cookie)
        .header("sec-fetch-site", "same-origin")
        .header("origin", &s.base)
        .form(args)
        .send()
        .await
        .unwrap();
    answer(res).await
}

/// A server function with JSON-encoded arguments.
async fn json_call(s: &TestServer, cookie: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let res = s
        .client
        .post(format!("{}/api/{path}", s.base))
        .header(COOKIE, cookie)
        .header("sec-fetch-site", "same-origin")
        .header("origin", &s.base)
        .json(&body)
        .send()
        .await
        .unwrap();
    answer(res).await
}

async fn answer(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn count(t: &TestDb, sql: &'static str) -> i64 {
    sqlx::query(sql).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap()
}

async fn count_of(t: &TestDb, sql: &'static str, id: i64) -> i64 {
    sqlx::query(sql).bind(id).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap()
}

/// A demo product's id by its code.
async fn product(t: &TestDb, code: &str) -> i64 {
    sqlx::query("SELECT id FROM products WHERE code = $1").bind(code).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

/// A demo contract's id by its title.
async fn contract_titled(t: &TestDb, title: &str) -> i64 {
    sqlx::query("SELECT id FROM contracts WHERE title = $1").bind(title).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

/// What `contracts/choices` offers the holder of `cookie`.
async fn choices(s: &TestServer, cookie: &str) -> Value {
    let (status, body) = form(s, cookie, "contracts/choices", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn codes(choices: &Value) -> Vec<String> {
    choices["products"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap().to_string()).collect()
}

async fn page(s: &TestServer, cookie: &str, id: i64) -> Value {
    let (status, body) = form(s, cookie, "contracts/page", &[("id", id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn contract_form(customer: i64, title: &str, lines: Value, instalments: Value) -> Value {
    json!({"form": {"customer_id": customer, "title": title, "terms": "验收后付款", "lines": lines, "instalments": instalments}})
}

fn day(offset_days: i64) -> String {
    format_date(now_ms() + offset_days * DAY_MS)
}

on_both_engines!(a_product_of_a_line_not_sold_is_refused_over_http, |t| {
    let s = start(t).await;
    let sh_rep = cookie(t, "sh.sales1").await;
    let bj_rep = cookie(t, "bj.sales1").await;

    // The offers: Shanghai sells software only, Beijing hardware too; no rep sees a cost price.
    let sh = choices(&s, &sh_rep).await;
    let sh_codes = codes(&sh);
    assert!(sh_codes.contains(&"SW-CRM".to_string()) && sh_codes.contains(&"SW-IMPL".to_string()), "{sh_codes:?}");
    assert!(!sh_codes.iter().any(|c| c.starts_with("HW-")), "Shanghai is offered no hardware: {sh_codes:?}");
    let bj = choices(&s, &bj_rep).await;
    let bj_codes = codes(&bj);
    for code in ["SW-CRM", "SW-IMPL", "HW-GW", "HW-SENSOR"] {
        assert!(bj_codes.contains(&code.to_string()), "Beijing sells {code}: {bj_codes:?}");
    }
    for offer in [&sh, &bj] {
        for p in offer["products"].as_array().unwrap() {
            assert!(p.get("cost_minor").is_some(), "the field is there: {p}");
            assert_eq!(p["cost_minor"], Value::Null, "a rep never receives the cost: {p}");
            assert!(p["unit_price_minor"].as_i64().unwrap() > 0, "{p}");
        }
    }
    let gateway = bj["products"].as_array().unwrap().iter().find(|p| p["code"] == "HW-GW").unwrap()["id"].as_i64().unwrap();
    assert_eq!(gateway, product(t, "HW-GW").await);
    let software = product(t, "SW-CRM").await;

    // One of the Shanghai rep's own customers.
    let customers = sh["customers"].as_array().unwrap();
    assert!(!customers.is_empty(), "{sh}");
    let customer = customers[0][0].as_i64().unwrap();

    let contracts_before = count(t, "SELECT COUNT(*) AS n FROM contracts").await;
    let lines_before = count(t, "SELECT COUNT(*) AS n FROM contract_lines").await;
    let (status, listed_before) = json_call(&s, &sh_rep, "contracts/list", json!({"filter": {}})).await;
    assert_eq!(status, StatusCode::OK, "{listed_before}");

    // The forged gateway alone, and hidden behind a line the rep does sell.
    let due = day(30);
    let forged = [
        contract_form(customer, "伪造网关合同", json!([{"product_id": gateway, "quantity": 1, "discount_bp": 0}]), json!([[due, 680_000]])),
        contract_form(
            customer,
            "伪造混合合同",
            json!([{"product_id": software, "quantity": 1, "discount_bp": 0}, {"product_id": gateway, "quantity": 1, "discount_bp": 0}]),
            json!([[due, 5_480_000]]),
        ),
    ];
    for body in forged {
        let (status, answer) = json_call(&s, &sh_rep, "contracts/create", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer, json!({"Invalid": {"field": "product", "code": "not_sellable"}}));
    }
    // A product that does not exist is answered the same way: the refusal tells nothing.
    let (status, answer) =
        json_call(&s, &sh_rep, "contracts/create", contract_form(customer, "不存在的产品", json!([{"product_id": 987_654, "quantity": 1, "discount_bp": 0}]), json!([[due, 1]]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["Invalid"]["code"], "not_sellable");

    assert_eq!(count(t, "SELECT COUNT(*) AS n FROM contracts").await, contracts_before, "no contract was written");
    assert_eq!(count(t, "SELECT COUNT(*) AS n FROM contract_lines").await, lines_before, "no line was written");
    let (status, listed_after) = json_call(&s, &sh_rep, "contracts/list", json!({"filter": {}})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed_after, listed_before);

    // The same contract with a line they sell goes through (the refusal was the line's).
    let (status, id) =
        json_call(&s, &sh_rep, "contracts/create", contract_form(customer, "上海正常合同", json!([{"product_id": software, "quantity": 1, "discount_bp": 0}]), json!([[due, 4_800_000]]))).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    assert!(id.as_i64().unwrap() > 0);
    assert_eq!(count(t, "SELECT COUNT(*) AS n FROM contracts").await, contracts_before + 1);
    // And Beijing may put the gateway on a contract of its own customer.
    let bj_customer = bj["customers"][0][0].as_i64().unwrap();
    let (status, id) =
        json_call(&s, &bj_rep, "contracts/create", contract_form(bj_customer, "北京网关合同", json!([{"product_id": gateway, "quantity": 1, "discount_bp": 0}]), json!([[due, 680_000]]))).await;
    assert_eq!(status, StatusCode::OK, "{id}");
});

on_both_engines!(a_contract_goes_round_and_finance_records_receipts_once, |t| {
    let s = start(t).await;
    let rep = cookie(t, "bj.sales1").await;
    let manager = cookie(t, "bj.manager").await;
    let finance = cookie(t, "finance").await;

    let offer = choices(&s, &rep).await;
    let software = offer["products"].as_array().unwrap().iter().find(|p| p["code"] == "SW-CRM").unwrap().clone();
    assert_eq!(software["unit_price_minor"], 4_800_000);
    let customer = offer["customers"][0][0].as_i64().unwrap();

    // Create: SW-CRM × 1, paid in one instalment in 30 days.
    let body = contract_form(customer, "HTTP 全流程合同", json!([{"product_id": software["id"], "quantity": 1, "discount_bp": 0}]), json!([[day(30), 4_800_000]]));
    let (status, id) = json_call(&s, &rep, "contracts/create", body).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let id = id.as_i64().unwrap();
    let draft = page(&s, &rep, id).await;
    assert_eq!(draft["contract"]["state"], "draft");
    assert_eq!(draft["contract"]["amount_minor"], 4_800_000);
    assert_eq!(draft["actions"]["submit"], true);
    assert_eq!(draft["actions"]["sign"], false);
    assert_eq!(draft["lines"].as_array().unwrap().len(), 1);
    assert_eq!(draft["lines"][0]["amount_minor"], 4_800_000);
    assert_eq!(draft["instalments"].as_array().unwrap().len(), 1);
    assert!(draft["receivables"].as_array().unwrap().is_empty());

    // Signing before approval is refused.
    let (status, body) = form(&s, &rep, "contracts/sign", &[("id", id.to_string())]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body, json!({"Conflict": "contract_not_approved"}));

    // Submit: the approval's id comes back, and the contract waits.
    let (status, approval) = form(&s, &rep, "contracts/submit", &[("id", id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{approval}");
    let approval = approval.as_i64().unwrap();
    let pending = page(&s, &rep, id).await;
    assert_eq!(pending["contract"]["state"], "pending");
    assert_eq!(pending["approval_id"], approval);

    // Finance is not asked yet; the manager is.
    let (status, body) = form(&s, &finance, "approvals/approve", &[("id", approval.to_string()), ("comment", String::new())]).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, json!("NotFound")), "finance is asked at the second step only");
    assert_eq!(page(&s, &rep, id).await["contract"]["state"], "pending");
    let (status, body) = form(&s, &manager, "approvals/approve", &[("id", approval.to_string()), ("comment", "同意".into())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(page(&s, &rep, id).await["contract"]["state"], "pending", "finance has yet to approve");
    let (status, body) = form(&s, &finance, "approvals/approve", &[("id", approval.to_string()), ("comment", "同意".into())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let approved = page(&s, &rep, id).await;
    assert_eq!(approved["contract"]["state"], "approved");
    assert_eq!(approved["actions"]["sign"], true);

    // Sign: one receivable of the whole amount; signing again is told it is signed.
    let (status, body) = form(&s, &rep, "contracts/sign", &[("id", id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = form(&s, &rep, "contracts/sign", &[("id", id.to_string())]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body, json!({"Conflict": "contract_already_signed"}));
    let signed = page(&s, &rep, id).await;
    assert_eq!(signed["contract"]["state"], "signed");
    assert!(signed["contract"]["signed_at"].as_i64().unwrap() > 0);
    let receivables = signed["receivables"].as_array().unwrap();
    assert_eq!(receivables.len(), 1, "{signed}");
    assert_eq!(receivables[0]["amount_minor"], 4_800_000);
    assert_eq!(receivables[0]["received_minor"], 0);
    assert_eq!(receivables[0]["outstanding_minor"], 4_800_000);
    assert_eq!(receivables[0]["overdue"], false);
    assert_eq!(signed["actions"]["record_receipt"], false, "a rep only reads receivables");
    let receivable = receivables[0]["id"].as_i64().unwrap();
    assert_eq!(count_of(t, "SELECT COUNT(*) AS n FROM receivables WHERE contract_id = $1", id).await, 1);
    assert_eq!(page(&s, &finance, id).await["actions"]["record_receipt"], true);

    let receipt = |amount: i64, key: &str| {
        json!({"form": {"receivable_id": receivable, "amount_minor": amount, "received_on": day(0), "method": "bank_transfer", "reference": "BANK-0001", "idempotency_key": key}})
    };
    let receipts_of = "SELECT COUNT(*) AS n FROM receipts WHERE receivable_id = $1";
    let received_of = "SELECT received_minor AS n FROM receivables WHERE id = $1";
    let all_receipts = "SELECT COUNT(*) AS n FROM receipts";
    let receipts_before = count(t, all_receipts).await;

    // The rep (read-only on receivables) may not record one: refused, nothing written.
    let (status, body) = json_call(&s, &rep, "receipts/record", receipt(1_000_000, "rep-key-0001")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body, json!("Forbidden"));
    assert_eq!(count_of(t, receipts_of, receivable).await, 0);
    assert_eq!(count_of(t, received_of, receivable).await, 0);
    assert_eq!(count(t, all_receipts).await, receipts_before);

    // Finance records it; a resubmission with the same key answers with the same receipt.
    let (status, first) = json_call(&s, &finance, "receipts/record", receipt(1_000_000, "http-receipt-0001")).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["duplicate"], false);
    let receipt_id = first["id"].as_i64().unwrap();
    let (status, second) = json_call(&s, &finance, "receipts/record", receipt(1_000_000, "http-receipt-0001")).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["id"], receipt_id);
    assert_eq!(second["duplicate"], true);
    assert_eq!(count_of(t, receipts_of, receivable).await, 1);
    assert_eq!(count_of(t, received_of, receivable).await, 1_000_000);

    // The same key with other content is refused.
    let (status, body) = json_call(&s, &finance, "receipts/record", receipt(2_000_000, "http-receipt-0001")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body, json!({"Conflict": "idempotency_key_reused"}));
    // More than is outstanding is refused with what is outstanding.
    let (status, body) = json_call(&s, &finance, "receipts/record", receipt(3_800_001, "http-receipt-0002")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body, json!({"Overpayment": {"outstanding_minor": 3_800_000, "currency": "CNY"}}));
    assert_eq!(count_of(t, receipts_of, receivable).await, 1, "neither refusal wrote a receipt");
    assert_eq!(count_of(t, received_of, receivable).await, 1_000_000);
    assert_eq!(count(t, all_receipts).await, receipts_before + 1);

    // The rep's page: exactly one receipt, and the amount received.
    let paid = page(&s, &rep, id).await;
    let receipts = paid["receipts"].as_array().unwrap();
    assert_eq!(receipts.len(), 1, "{paid}");
    assert_eq!(receipts[0]["id"], receipt_id);
    assert_eq!(receipts[0]["amount_minor"], 1_000_000);
    assert_eq!(receipts[0]["method"], "bank_transfer");
    assert_eq!(receipts[0]["reversed_at"], Value::Null);
    assert_eq!(paid["contract"]["received_minor"], 1_000_000);
    assert_eq!(paid["receivables"][0]["received_minor"], 1_000_000);
    assert_eq!(paid["receivables"][0]["outstanding_minor"], 3_800_000);

    // A mistaken receipt is reversed by finance with a reason (not by the rep, not without a
    // reason, not twice); it stays on record and no longer counts.
    let (status, body) = form(&s, &rep, "receipts/reverse", &[("id", receipt_id.to_string()), ("reason", "录错了".into())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = form(&s, &finance, "receipts/reverse", &[("id", receipt_id.to_string()), ("reason", "  ".into())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(count_of(t, received_of, receivable).await, 1_000_000);
    let (status, body) = form(&s, &finance, "receipts/reverse", &[("id", receipt_id.to_string()), ("reason", "录错了".into())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = form(&s, &finance, "receipts/reverse", &[("id", receipt_id.to_string()), ("reason", "录错了".into())]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body, json!({"Conflict": "receipt_already_reversed"}));
    assert_eq!(count_of(t, received_of, receivable).await, 0);
    let reversed = page(&s, &rep, id).await;
    assert_eq!(reversed["receipts"].as_array().unwrap().len(), 1);
    assert!(reversed["receipts"][0]["reversed_at"].as_i64().is_some(), "{reversed}");
    assert_eq!(reversed["receipts"][0]["reverse_reason"], "录错了");
    assert_eq!(reversed["contract"]["received_minor"], 0);
});

on_both_engines!(service_reads_contracts_without_amounts_and_finance_with_them, |t| {
    let s = start(t).await;
    let service = cookie(t, "bj.service").await;
    let finance = cookie(t, "finance").await;
    let signed = contract_titled(t, "年度 CRM 订阅").await;

    // Service lists the branch's contracts, every amount hidden.
    let (status, rows) = json_call(&s, &service, "contracts/list", json!({"filter": {}})).await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    let rows = rows.as_array().unwrap();
    assert!(rows.iter().any(|r| r["id"] == signed), "the Beijing desk reads Beijing's contracts: {rows:?}");
    for r in rows {
        assert_eq!(r["amount_minor"], Value::Null, "{r}");
        assert_eq!(r["received_minor"], Value::Null, "{r}");
    }
    let (status, signed_rows) = json_call(&s, &service, "contracts/list", json!({"filter": {"state": "signed"}})).await;
    assert_eq!(status, StatusCode::OK, "{signed_rows}");
    let signed_rows = signed_rows.as_array().unwrap();
    assert!(!signed_rows.is_empty());
    assert!(signed_rows.iter().all(|r| r["state"] == "signed" && r["amount_minor"].is_null()), "{signed_rows:?}");

    // The signed contract's page: no amount anywhere, no receivables or receipts.
    let seen = page(&s, &service, signed).await;
    assert_eq!(seen["contract"]["state"], "signed");
    assert_eq!(seen["contract"]["amount_minor"], Value::Null);
    assert_eq!(seen["contract"]["received_minor"], Value::Null);
    let lines = seen["lines"].as_array().unwrap();
    assert!(!lines.is_empty());
    for l in lines {
        assert_eq!(l["amount_minor"], Value::Null, "{l}");
        assert_eq!(l["unit_price_minor"], Value::Null, "{l}");
        assert!(l["quantity"].as_i64().unwrap() > 0);
    }
    for i in seen["instalments"].as_array().unwrap() {
        assert_eq!(i["amount_minor"], Value::Null, "{i}");
    }
    assert!(seen["receivables"].as_array().unwrap().is_empty(), "{seen}");
    assert!(seen["receipts"].as_array().unwrap().is_empty(), "{seen}");
    let actions = seen["actions"].as_object().unwrap();
    for name in ["submit", "sign", "record_receipt"] {
        assert_eq!(actions[name], false, "{name}: {actions:?}");
    }
    assert!(actions.values().all(|v| v == false), "service may do nothing with it: {actions:?}");
    // Nor does the word "amount" leak a number somewhere else in the answer.
    assert!(!seen.to_string().contains("9600000"), "{seen}");

    // Receivables are not service's at all.
    let (status, body) = json_call(&s, &service, "receivables/list", json!({"filter": {"open_only": true}})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body, json!("Forbidden"));

    // Finance reads the same contract with its amounts.
    let (status, rows) = json_call(&s, &finance, "contracts/list", json!({"filter": {}})).await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    let rows = rows.as_array().unwrap();
    let row = rows.iter().find(|r| r["id"] == signed).unwrap_or_else(|| panic!("finance lists it: {rows:?}"));
    assert_eq!(row["amount_minor"], 9_600_000);
    assert_eq!(row["received_minor"], 4_200_000);
    assert!(rows.iter().all(|r| r["amount_minor"].is_i64()), "{rows:?}");
    let seen = page(&s, &finance, signed).await;
    assert_eq!(seen["contract"]["amount_minor"], 9_600_000);
    assert_eq!(seen["lines"][0]["amount_minor"], 9_600_000);
    assert_eq!(seen["lines"][0]["unit_price_minor"], 4_800_000);
    let receivables = seen["receivables"].as_array().unwrap();
    assert_eq!(receivables.len(), 3, "{seen}");
    assert_eq!(receivables.iter().map(|r| r["amount_minor"].as_i64().unwrap()).sum::<i64>(), 9_600_000);
    assert_eq!(seen["receipts"].as_array().unwrap().len(), 2);
    let (status, body) = json_call(&s, &finance, "receivables/list", json!({"filter": {"open_only": true}})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["totals"]["receivable_minor"].as_i64().unwrap() > 0, "{body}");
    assert!(body["rows"].as_array().unwrap().iter().all(|r| r["amount_minor"].is_i64()), "{body}");
    let (status, overdue) = json_call(&s, &finance, "receivables/list", json!({"filter": {"open_only": true, "overdue_only": true}})).await;
    assert_eq!(status, StatusCode::OK, "{overdue}");
    let overdue = overdue["rows"].as_array().unwrap();
    assert!(!overdue.is_empty() && overdue.iter().all(|r| r["overdue"] == true), "{overdue:?}");

    // Without a session nothing is listed.
    let res = s
        .client
        .post(format!("{}/api/contracts/list", s.base))
        .header("sec-fetch-site", "same-origin")
        .header("origin", &s.base)
        .form(&[] as &[(&str, String)])
        .send()
        .await
        .unwrap();
    let (status, body) = answer(res).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body, json!("Unauthenticated"));
});
