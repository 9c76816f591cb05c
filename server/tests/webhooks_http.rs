//! Webhooks on both engines with the demo group and a real HTTP receiver on a free port: the
//! signature verifies with an independent HMAC over "timestamp.body"; a receiver that fails
//! twice and then succeeds gets the event three times with one delivery id and the delivery ends
//! delivered once, with backoff between the tries; a "restart" (a new database pool and a new
//! client between tries) loses nothing; a subscriber only receives records they may read; private
//! addresses are refused unless allowed; paused subscriptions queue nothing.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use domain::clock::{now_ms, HOUR_MS};
use domain::integration::webhooks::{self, backoff_ms, WebhookInput};
use domain::on_both_engines;
use domain::roles::{insert_role_tx, Action, ObjectType, Scope};
use domain::testing::{actor, first_customer_of, user_id};
use domain::Db;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::Row;

#[derive(Clone, Debug)]
struct Received {
    headers: HeaderMap,
    body: String,
    answered: u16,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    /// How many requests to fail before answering 200.
    fail_first: usize,
}

async fn hook(State(r): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    let mut got = r.got.lock().unwrap();
    let status = if got.len() < r.fail_first { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK };
    got.push(Received { headers, body, answered: status.as_u16() });
    status
}

async fn receiver(fail_first: usize) -> (String, Receiver) {
    let r = Receiver { got: Arc::default(), fail_first };
    let app = axum::Router::new().route("/hook", post(hook)).with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), r)
}

/// The signature as a receiver checks it, computed here without the server's code.
fn expected_signature(secret: &str, headers: &HeaderMap, body: &str) -> String {
    let ts = headers["x-crm-timestamp"].to_str().unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(ts.as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1={}", mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect::<String>())
}

async fn change_city(db: &Db, login: &str, customer: i64, city: &str) {
    let a = actor(db, login).await;
    let changes = [("city".to_string(), city.to_string())].into_iter().collect();
    domain::customers::update(db, &a, customer, &changes).await.unwrap();
}

on_both_engines!(deliveries_are_signed_retried_and_survive_a_restart, |t| {
    domain::demo::seed(&t.db).await.unwrap();
    let admin = actor(&t.db, "admin").await;
    let (url, rx) = receiver(2).await;

    // A loopback receiver is refused unless allowed explicitly; unknown kinds and non-admins too.
    let input = WebhookInput { url: url.clone(), kinds: vec!["customer.update".into()], allow_private: false };
    assert!(matches!(webhooks::subscribe(&t.db, &admin, &input).await, Err(domain::DomainError::Invalid { code: "private_address", .. })));
    let bad_kind = WebhookInput { kinds: vec!["task.due".into()], allow_private: true, ..input.clone() };
    assert!(matches!(webhooks::subscribe(&t.db, &admin, &bad_kind).await, Err(domain::DomainError::Invalid { field: "kinds", .. })));
    let rep = actor(&t.db, "bj.sales1").await;
    assert!(matches!(webhooks::subscribe(&t.db, &rep, &WebhookInput { allow_private: true, ..input.clone() }).await, Err(domain::DomainError::Forbidden)));
    let count = |sql: &'static str| async move { sqlx::query(sql).fetch_one(t.db.pool()).await.unwrap().try_get::<i64, _>(0).unwrap() };
    assert_eq!(count("SELECT COUNT(*) FROM webhooks").await, 0, "refusals write nothing");

    let made = webhooks::subscribe(&t.db, &admin, &WebhookInput { allow_private: true, ..input.clone() }).await.unwrap();
    let customer = first_customer_of(&t.db, "bj.sales1").await;
    change_city(&t.db, "bj.sales1", customer, "通州").await;

    let t0 = now_ms();
    let client = server::webhooks::client();
    let r1 = server::webhooks::run_round(&t.db, &client, t0).await.unwrap();
    assert_eq!((r1.queued, r1.attempted, r1.delivered), (1, 1, 0));
    // Before the backoff has passed nothing is tried again.
    let early = server::webhooks::run_round(&t.db, &client, t0 + backoff_ms(1) / 2).await.unwrap();
    assert_eq!(early.attempted, 0);

    // "Restart": a new pool on the same database and a new client; the queue is still there.
    let db2 = Db::connect(&t.url).await.unwrap();
    let client2 = server::webhooks::client();
    let r2 = server::webhooks::run_round(&db2, &client2, t0 + backoff_ms(1) + 1).await.unwrap();
    assert_eq!((r2.queued, r2.attempted, r2.delivered), (0, 1, 0));
    db2.close().await;
    let db3 = Db::connect(&t.url).await.unwrap();
    let r3 = server::webhooks::run_round(&db3, &client2, t0 + HOUR_MS).await.unwrap();
    assert_eq!((r3.attempted, r3.delivered), (1, 1));
    let r4 = server::webhooks::run_round(&db3, &client2, t0 + 10 * HOUR_MS).await.unwrap();
    assert_eq!((r4.queued, r4.attempted), (0, 0), "a delivered event is not sent again");

    let got = rx.got.lock().unwrap().clone();
    assert_eq!(got.iter().map(|g| g.answered).collect::<Vec<_>>(), vec![500, 500, 200]);
    let ids: Vec<&str> = got.iter().map(|g| g.headers["x-crm-delivery"].to_str().unwrap()).collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "one delivery id across retries: {ids:?}");
    for g in &got {
        assert_eq!(g.headers["x-crm-signature"].to_str().unwrap(), expected_signature(&made.secret, &g.headers, &g.body));
        assert_eq!(g.headers["x-crm-event"], "customer.update");
        let body: serde_json::Value = serde_json::from_str(&g.body).unwrap();
        assert_eq!((body["record_id"].as_i64(), body["data"]["city"].as_str()), (Some(customer), Some("通州")));
    }
    // A tampered body does not verify.
    assert_ne!(expected_signature(&made.secret, &got[0].headers, &got[0].body.replace("通州", "顺义")), got[0].headers["x-crm-signature"].to_str().unwrap());
    let ds = webhooks::deliveries(&db3, &admin, made.webhook.id, 10).await.unwrap();
    assert_eq!((ds.len(), ds[0].status.as_str(), ds[0].attempts, ds[0].last_status), (1, "delivered", 3, Some(200)));
    let listed = webhooks::list(&db3, &admin).await.unwrap();
    assert_eq!((listed[0].delivered, listed[0].pending, listed[0].failed), (1, 0, 0));

    // Paused: changes meanwhile are not queued, then or after resuming.
    webhooks::set_active(&db3, &admin, made.webhook.id, false).await.unwrap();
    change_city(&t.db, "bj.sales1", customer, "大兴").await;
    assert_eq!(server::webhooks::run_round(&db3, &client2, t0 + 11 * HOUR_MS).await.unwrap().queued, 0);
    webhooks::set_active(&db3, &admin, made.webhook.id, true).await.unwrap();
    assert_eq!(server::webhooks::run_round(&db3, &client2, t0 + 12 * HOUR_MS).await.unwrap().queued, 0);
    db3.close().await;
});

on_both_engines!(a_subscriber_receives_only_what_they_may_read, |t| {
    domain::demo::seed(&t.db).await.unwrap();
    // The Beijing branch manager, made an administrator of integrations, still reads only their
    // branch's customers.
    let mut tx = t.db.begin_write().await.unwrap();
    let role = insert_role_tx(&mut tx, None, "集成管理", "Integrations", false, &[(ObjectType::Admin, Action::Read, Scope::All), (ObjectType::Admin, Action::Update, Scope::All)]).await.unwrap();
    sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)").bind(user_id(&t.db, "bj.manager").await).bind(role).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    let manager = actor(&t.db, "bj.manager").await;
    let (url, rx) = receiver(0).await;
    webhooks::subscribe(&t.db, &manager, &WebhookInput { url, kinds: vec!["customer.update".into()], allow_private: true }).await.unwrap();
    let beijing = first_customer_of(&t.db, "bj.sales1").await;
    let shanghai = first_customer_of(&t.db, "sh.sales1").await;
    change_city(&t.db, "sh.sales1", shanghai, "浦东").await;
    change_city(&t.db, "bj.sales1", beijing, "朝阳").await;
    let r = server::webhooks::run_round(&t.db, &server::webhooks::client(), now_ms()).await.unwrap();
    assert_eq!((r.queued, r.delivered), (1, 1));
    let got = rx.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["record_id"].as_i64(), Some(beijing));
    assert!(!got[0].body.contains("浦东"));
});

on_both_engines!(a_name_resolving_to_a_private_address_is_not_contacted, |t| {
    domain::demo::seed(&t.db).await.unwrap();
    let admin = actor(&t.db, "admin").await;
    let (url, rx) = receiver(0).await;
    let port = url.trim_end_matches("/hook").rsplit(':').next().unwrap().to_string();
    // "localhost" is refused when subscribing.
    let local = WebhookInput { url: format!("http://localhost:{port}/hook"), kinds: vec!["customer.update".into()], allow_private: false };
    assert!(webhooks::subscribe(&t.db, &admin, &local).await.is_err());
    // A public name accepted then, which later resolves to a loopback address (DNS changed): the
    // sender resolves again and does not contact it. (The row is pointed at such a name here.)
    let public = WebhookInput { url: "https://hooks.example.com/crm".into(), ..local.clone() };
    let made = webhooks::subscribe(&t.db, &admin, &public).await.unwrap();
    sqlx::query("UPDATE webhooks SET url = $2 WHERE id = $1").bind(made.webhook.id).bind(format!("http://localhost:{port}/hook")).execute(t.db.pool()).await.unwrap();
    let customer = first_customer_of(&t.db, "bj.sales1").await;
    change_city(&t.db, "bj.sales1", customer, "昌平").await;
    let r = server::webhooks::run_round(&t.db, &server::webhooks::client(), now_ms()).await.unwrap();
    assert_eq!((r.attempted, r.delivered), (1, 0));
    assert!(rx.got.lock().unwrap().is_empty(), "nothing reached the receiver");
    let ds = webhooks::deliveries(&t.db, &admin, made.webhook.id, 5).await.unwrap();
    assert_eq!(ds[0].status, "pending");
    assert!(ds[0].last_error.contains("private"), "{}", ds[0].last_error);
});
