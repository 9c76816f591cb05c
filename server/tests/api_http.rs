//! The REST API over real HTTP on both engines with the demo group: a personal access token acts
//! as its user (lists in keyset pages, get, create, update), a revoked or expired token is
//! refused on its very next call, calls beyond a token's rate limit are refused with Retry-After
//! while other tokens go on, every token call is in the audit log, bad bodies are refused with
//! a reason and write nothing, and the OpenAPI document describes what the API answers.

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;

use app::server::AppState;
use domain::accounts::SessionConfig;
use domain::integration::tokens;
use domain::on_both_engines;
use domain::testing::{actor, TestDb};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sqlx::Row;

async fn serve_limited(t: &TestDb, limits: server::api::Limits) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(t.db.clone(), SessionConfig::default(), false);
    let router = server::routes::build_router_with(state, server::leptos_options("target/site", addr), false, limits);
    let handle = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
    });
    (format!("http://{addr}"), handle)
}

async fn send(c: &Client, method: reqwest::Method, url: String, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value, reqwest::header::HeaderMap) {
    let mut req = c.request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)), headers)
}

async fn count(t: &TestDb, sql: &'static str, arg: i64) -> i64 {
    sqlx::query(sql).bind(arg).fetch_one(t.db.pool()).await.unwrap().try_get::<i64, _>(0).unwrap()
}

on_both_engines!(tokens_act_as_their_user, |t| {
    domain::demo::seed(&t.db).await.unwrap();
    let (base, _h) = serve_limited(t, server::api::Limits { burst: 1000.0, per_second: 1000.0 }).await;
    let c = Client::new();
    let api = |p: &str| format!("{base}/api/v1/{p}");
    let rep = actor(&t.db, "bj.sales1").await;
    let made = tokens::create(&t.db, &rep, "导入脚本", 30).await.unwrap();
    let secret = made.secret.clone();
    assert!(secret.starts_with(tokens::SECRET_PREFIX) && made.token.prefix.len() < secret.len() / 2);
    // Only the hash is stored.
    let stored: String = sqlx::query("SELECT token_hash FROM api_tokens WHERE id = $1").bind(made.token.id).fetch_one(t.db.pool()).await.unwrap().try_get(0).unwrap();
    assert!(!stored.contains(&secret[tokens::SECRET_PREFIX.len()..]));

    // No token, a made-up one, a session cookie: refused.
    for token in [None, Some("crm_pat_0000"), Some("not-even-the-shape")] {
        let (status, body, headers) = send(&c, reqwest::Method::GET, api("customers"), token, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(headers.get("www-authenticate").unwrap(), "Bearer");
    }
    let cookie = common::cookie(t, "bj.sales1").await;
    let res = c.get(api("customers")).header("cookie", cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "a session cookie is no API credential");

    // The list pages through exactly what the rep may read (their own customers), no repeats.
    let mut seen = BTreeSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0i64;
    loop {
        pages += 1;
        let q = match &cursor {
            Some(c) => format!("customers?limit=2&cursor={c}"),
            None => "customers?limit=2".into(),
        };
        let (status, page, _) = send(&c, reqwest::Method::GET, api(&q), Some(&secret), None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for item in page["items"].as_array().unwrap() {
            assert!(seen.insert(item["id"].as_i64().unwrap()), "a customer on two pages");
        }
        match page["next"].as_str() {
            Some(n) => cursor = Some(n.to_string()),
            None => break,
        }
    }
    let readable: BTreeSet<i64> = domain::customers::ids_where(&t.db, &rep, domain::roles::Action::Read).await.unwrap().into_iter().collect();
    let waiting: BTreeSet<i64> = sqlx::query("SELECT id FROM customers WHERE owner_id IS NULL AND pool_id IS NOT NULL")
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<i64, _>(0).unwrap())
        .collect();
    assert_eq!(seen, readable.difference(&waiting).copied().collect::<BTreeSet<_>>());
    assert!(!seen.is_empty());

    // Another branch's customer is not found; the rep's own is.
    let other: i64 = sqlx::query("SELECT c.id FROM customers c JOIN users u ON u.id = c.owner_id WHERE u.login = 'sh.sales1' LIMIT 1")
        .fetch_one(t.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    let (status, _, _) = send(&c, reqwest::Method::GET, api(&format!("customers/{other}")), Some(&secret), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mine = *seen.iter().next().unwrap();
    let (status, one, _) = send(&c, reqwest::Method::GET, api(&format!("customers/{mine}")), Some(&secret), None).await;
    assert_eq!((status, one["id"].as_i64()), (StatusCode::OK, Some(mine)));

    // Create and update through the API, as the rep.
    let (status, created, _) = send(&c, reqwest::Method::POST, api("customers"), Some(&secret), Some(json!({
        "name": "接口新建客户有限公司", "kind": "company", "industry": "制造", "province": "北京", "city": "北京",
        "phone": "010-88886666", "level": "B", "source": "api", "to_pool": false
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let new_id = created["id"].as_i64().unwrap();
    assert_eq!(created["owner_id"].as_i64(), Some(rep.user_id));
    let (status, changed, _) = send(&c, reqwest::Method::PATCH, api(&format!("customers/{new_id}")), Some(&secret), Some(json!({ "city": "北京市" }))).await;
    assert_eq!((status, changed["city"].as_str()), (StatusCode::OK, Some("北京市")), "{changed}");
    let (status, contact, _) = send(&c, reqwest::Method::POST, api("contacts"), Some(&secret), Some(json!({ "customer_id": new_id, "name": "周明", "email": "zhou@example.com" }))).await;
    assert_eq!(status, StatusCode::CREATED, "{contact}");
    let (status, contact, _) =
        send(&c, reqwest::Method::PATCH, api(&format!("contacts/{}", contact["id"])), Some(&secret), Some(json!({ "title": "采购经理" }))).await;
    assert_eq!((status, contact["title"].as_str(), contact["name"].as_str()), (StatusCode::OK, Some("采购经理"), Some("周明")));

    // Bad bodies: refused with the reason, nothing written.
    let before = count(t, "SELECT COUNT(*) FROM customers WHERE id > $1", 0).await;
    let (status, body, _) = send(&c, reqwest::Method::POST, api("customers"), Some(&secret), Some(json!({ "name": 5 }))).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("malformed_body")), "{body}");
    let res = c.post(api("customers")).bearer_auth(&secret).header("content-type", "application/json").body("{not json").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body, _) = send(&c, reqwest::Method::PATCH, api(&format!("customers/{new_id}")), Some(&secret), Some(json!({ "status": "gone" }))).await;
    assert_eq!((status, body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")), "{body}");
    let (status, body, _) = send(&c, reqwest::Method::GET, api("spaceships"), Some(&secret), None).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("unknown_object")));
    assert_eq!(count(t, "SELECT COUNT(*) FROM customers WHERE id > $1", 0).await, before);

    // A receipt through the API: finance records it once for one idempotency key.
    let finance = actor(&t.db, "finance").await;
    let fin = tokens::create(&t.db, &finance, "银行对账", 0).await.unwrap().secret;
    let (status, page, _) = send(&c, reqwest::Method::GET, api("receivables?limit=200"), Some(&fin), None).await;
    assert_eq!(status, StatusCode::OK);
    let open = page["items"].as_array().unwrap().iter().find(|r| r["outstanding_minor"].as_i64().unwrap_or(0) > 100).expect("an open receivable").clone();
    let rid = open["id"].as_i64().unwrap();
    let receipt = json!({ "amount_minor": 100, "received_at": domain::clock::now_ms(), "method": "bank_transfer", "reference": "API-1", "idempotency_key": "api-test-1" });
    let (s1, first, _) = send(&c, reqwest::Method::POST, api(&format!("receivables/{rid}/receipts")), Some(&fin), Some(receipt.clone())).await;
    let (s2, second, _) = send(&c, reqwest::Method::POST, api(&format!("receivables/{rid}/receipts")), Some(&fin), Some(receipt)).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED), "{first} {second}");
    assert_eq!((first["id"].clone(), second["duplicate"].as_bool()), (second["id"].clone(), Some(true)));
    let (_, after, _) = send(&c, reqwest::Method::GET, api(&format!("receivables/{rid}")), Some(&fin), None).await;
    assert_eq!(after["received_minor"].as_i64(), Some(open["received_minor"].as_i64().unwrap() + 100));
    // The rep may not record receipts.
    let (status, _, _) = send(&c, reqwest::Method::POST, api(&format!("receivables/{rid}/receipts")), Some(&secret), Some(json!({
        "amount_minor": 1, "received_at": domain::clock::now_ms(), "method": "bank_transfer", "idempotency_key": "api-test-2" }))).await;
    assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status}");

    // Every call with a live token is in the audit log, with its path and outcome.
    let audited = count(t, "SELECT COUNT(*) FROM audit_log WHERE entity = 'api_call' AND entity_id = $1", made.token.id).await;
    // The pages, two gets, four writes, four refused bodies, one refused receipt.
    assert_eq!(audited, pages + 2 + 4 + 4 + 1);
    let last: String = sqlx::query("SELECT after_json FROM audit_log WHERE entity = 'api_call' AND entity_id = $1 ORDER BY id DESC LIMIT 1")
        .bind(made.token.id)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert!(last.contains(&format!("/api/v1/receivables/{rid}/receipts")), "{last}");

    // Revoked: refused at once. Expired: refused at once. Someone else cannot revoke it.
    let boss = actor(&t.db, "bj.manager").await;
    assert!(matches!(tokens::revoke(&t.db, &boss, made.token.id).await, Err(domain::DomainError::NotFound)));
    tokens::revoke(&t.db, &rep, made.token.id).await.unwrap();
    let (status, _, _) = send(&c, reqwest::Method::GET, api("customers"), Some(&secret), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = send(&c, reqwest::Method::GET, api("customers"), Some(&fin), None).await;
    assert_eq!(status, StatusCode::OK);
    sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE user_id = $2").bind(domain::clock::now_ms() - 1).bind(finance.user_id).execute(t.db.pool()).await.unwrap();
    let (status, _, _) = send(&c, reqwest::Method::GET, api("customers"), Some(&fin), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let listed = tokens::list(&t.db, &rep).await.unwrap();
    assert!(listed[0].revoked_at.is_some() && listed[0].last_used_at.is_some());

    // The OpenAPI document needs no token and names every object.
    let (status, doc, _) = send(&c, reqwest::Method::GET, api("openapi.json"), None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/api/v1/tickets/{id}"]["patch"].is_object());
    assert!(doc["components"]["schemas"]["LeadView"].is_object());
});

on_both_engines!(each_token_has_its_own_rate_limit, |t| {
    domain::demo::seed(&t.db).await.unwrap();
    let (base, _h) = serve_limited(t, server::api::Limits { burst: 3.0, per_second: 0.01 }).await;
    let c = Client::new();
    let rep = actor(&t.db, "bj.sales1").await;
    let a = tokens::create(&t.db, &rep, "甲", 7).await.unwrap().secret;
    let b = tokens::create(&t.db, &rep, "乙", 7).await.unwrap().secret;
    for _ in 0..3 {
        let (status, _, _) = send(&c, reqwest::Method::GET, format!("{base}/api/v1/leads"), Some(&a), None).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, body, headers) = send(&c, reqwest::Method::GET, format!("{base}/api/v1/leads"), Some(&a), None).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")));
    assert!(headers.get("retry-after").unwrap().to_str().unwrap().parse::<u64>().unwrap() >= 1);
    let (status, _, _) = send(&c, reqwest::Method::GET, format!("{base}/api/v1/leads"), Some(&b), None).await;
    assert_eq!(status, StatusCode::OK, "another token is not held back");
});
