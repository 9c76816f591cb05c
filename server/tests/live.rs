//! Live events over real websockets, on both engines: only readers receive an event, hidden fields
//! are stripped per recipient, catch-up after a reconnect delivers every missed event once and in
//! order, ended sessions close their sockets; and with PostgreSQL an event written through one
//! server process reaches a socket held by another.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{cookie, serve};
use domain::on_both_engines;
use domain::testing::{actor as actor_of, first_customer_of as owned_by, user_id as id_of, Engine, TestDb};
use futures_util::StreamExt;
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The server over the demo data: its address and task.
async fn start(t: &TestDb) -> (String, tokio::task::JoinHandle<()>) {
    domain::demo::seed(&t.db).await.expect("demo seed");
    serve(t).await
}

async fn connect(addr: &str, cookie: &str, after: Option<i64>) -> Socket {
    let url = match after {
        Some(a) => format!("ws://{addr}/api/live?after={a}"),
        None => format!("ws://{addr}/api/live"),
    };
    let mut req = url.into_client_request().unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    req.headers_mut().insert("origin", format!("http://{addr}").parse().unwrap());
    let (ws, _) = tokio_tungstenite::connect_async(req).await.expect("websocket connects");
    ws
}

/// The next message of a type (skipping pings), or None after `wait`.
async fn next_of(ws: &mut Socket, kind: &str, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next()).await.ok()??;
        match msg {
            Ok(Message::Text(text)) => {
                let v: Value = serde_json::from_str(&text).unwrap();
                if v["type"] == kind {
                    return Some(v);
                }
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Connects and waits until the hub has registered the socket.
async fn ready(addr: &str, cookie: &str, after: Option<i64>) -> (Socket, i64) {
    let mut ws = connect(addr, cookie, after).await;
    let hello = next_of(&mut ws, "hello", Duration::from_secs(10)).await.expect("hello");
    (ws, hello["last_id"].as_i64().unwrap())
}



on_both_engines!(only_readers_receive_and_hidden_fields_are_stripped, |t| {
    let (addr, _server) = start(t).await;
    let (mut manager, _) = ready(&addr, &cookie(t, "bj.manager").await, None).await;
    // The administrator hides phones from service agents while they are connected: it applies to
    // the very next event.
    let role = domain::roles::role_id_by_key(&t.db, "service").await.unwrap();
    let mut rights = domain::roles::role_rights(&t.db, role).await.unwrap();
    rights.field_rights.push((domain::roles::ObjectType::Customer, "phone".into(), domain::policy::FieldAccess::Hidden));
    let (mut service, _) = ready(&addr, &cookie(t, "bj.service").await, None).await;
    let (mut shanghai, _) = ready(&addr, &cookie(t, "sh.manager").await, None).await;
    domain::roles::update_role_rights(&t.db, &actor_of(&t.db, "admin").await, role, &rights).await.unwrap();
    let id = owned_by(&t.db, "bj.sales1").await;
    let change = BTreeMap::from([("phone".to_string(), "13900000001".to_string()), ("city".to_string(), "天津".to_string())]);
    domain::customers::update(&t.db, &actor_of(&t.db, "bj.sales1").await, id, &change).await.unwrap();

    let m = next_of(&mut manager, "event", Duration::from_secs(10)).await.expect("the manager receives it");
    assert_eq!(m["event"]["record_id"], id);
    assert_eq!(m["event"]["kind"], "customer.update");
    assert_eq!(m["event"]["data"]["fields"], serde_json::json!(["city", "phone"]));
    assert!(m["event"]["notify"] == false, "a change to someone else's customer is news, not a notification, for the manager");
    let s = next_of(&mut service, "event", Duration::from_secs(10)).await.expect("service receives it");
    assert_eq!(s["event"]["data"]["fields"], serde_json::json!(["city"]));
    assert!(!s.to_string().contains("phone"), "{s}");
    assert!(next_of(&mut shanghai, "event", Duration::from_millis(800)).await.is_none(), "Shanghai may not read it");
});

on_both_engines!(catch_up_after_a_reconnect_delivers_every_missed_event_once_in_order, |t| {
    let (addr, _server) = start(t).await;
    let manager = cookie(t, "bj.manager").await;
    let (ws, mut last) = ready(&addr, &manager, None).await;
    drop(ws);
    let rep = actor_of(&t.db, "bj.sales1").await;
    let id = owned_by(&t.db, "bj.sales1").await;
    let mut expected = Vec::new();
    for i in 0..5 {
        domain::activity::log_follow_up(&t.db, &rep, id, "call", &format!("第{i}次电话"), None).await.unwrap();
        expected.push(domain::events::last_id(&t.db).await.unwrap());
    }
    // Something the manager may not see, in between.
    domain::activity::log_follow_up(&t.db, &actor_of(&t.db, "sh.sales1").await, owned_by(&t.db, "sh.sales1").await, "call", "上海", None).await.unwrap();
    let mut ws = connect(&addr, &manager, Some(last)).await;
    let mut got = Vec::new();
    loop {
        let Some(Message::Text(text)) = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.unwrap().map(|m| m.unwrap()) else { continue };
        let v: Value = serde_json::from_str(&text).unwrap();
        match v["type"].as_str().unwrap() {
            "event" => got.push(v["event"]["id"].as_i64().unwrap()),
            "hello" => {
                last = v["last_id"].as_i64().unwrap();
                break;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(got, expected, "every missed event, once, in order, and nothing else");
    // Live from there on, without repeating any.
    domain::activity::log_follow_up(&t.db, &rep, id, "visit", "拜访", None).await.unwrap();
    let live = next_of(&mut ws, "event", Duration::from_secs(10)).await.unwrap();
    assert!(live["event"]["id"].as_i64().unwrap() > last);
    assert!(next_of(&mut ws, "event", Duration::from_millis(500)).await.is_none());
});

on_both_engines!(ended_sessions_and_disabled_users_lose_their_sockets, |t| {
    let (addr, _server) = start(t).await;
    let (mut rep, _) = ready(&addr, &cookie(t, "bj.sales2").await, None).await;
    let admin = actor_of(&t.db, "admin").await;
    domain::accounts::admin::set_active(&t.db, &admin, id_of(&t.db, "bj.sales2").await, false).await.unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match rep.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return true,
                _ => {}
            }
        }
    })
    .await;
    assert_eq!(closed, Ok(true), "the disabled user's socket closes");
    // Signing out closes that session's socket too.
    let token = cookie(t, "bj.sales3").await;
    let (mut ws, _) = ready(&addr, &token, None).await;
    domain::accounts::sessions::revoke(&t.db, token.trim_start_matches("crm_session=")).await.unwrap();
    assert!(next_of(&mut ws, "event", Duration::from_secs(10)).await.is_none());
    // Without a session, or from another site, there is no socket.
    let mut req = format!("ws://{addr}/api/live").into_client_request().unwrap();
    req.headers_mut().insert("origin", format!("http://{addr}").parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_err());
    let mut req = format!("ws://{addr}/api/live").into_client_request().unwrap();
    req.headers_mut().insert("cookie", cookie(t, "bj.manager").await.parse().unwrap());
    req.headers_mut().insert("origin", "http://evil.example".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_err());
});

on_both_engines!(a_share_applies_to_live_delivery_at_once, |t| {
    let (addr, _server) = start(t).await;
    let (mut other, _) = ready(&addr, &cookie(t, "sh.sales1").await, None).await;
    let (mut reader, _) = ready(&addr, &cookie(t, "bj.manager").await, None).await;
    let rep = actor_of(&t.db, "bj.sales1").await;
    let id = owned_by(&t.db, "bj.sales1").await;
    domain::activity::log_follow_up(&t.db, &rep, id, "call", "之前", None).await.unwrap();
    // The hub judges an event for every connection in one go: once a reader has it, the decision
    // for the other user is made too, before the share below (a busy machine may delay the hub).
    assert!(next_of(&mut reader, "event", Duration::from_secs(10)).await.is_some());
    assert!(next_of(&mut other, "event", Duration::from_millis(500)).await.is_none());
    let share = domain::sharing::share(&t.db, &rep, domain::roles::ObjectType::Customer, id, domain::sharing::Grantee::User(id_of(&t.db, "sh.sales1").await), domain::sharing::ShareAccess::Read, None).await.unwrap();
    let granted = next_of(&mut other, "event", Duration::from_secs(10)).await.unwrap();
    assert_eq!((granted["event"]["kind"].as_str(), granted["event"]["notify"].as_bool()), (Some("share.granted"), Some(true)));
    domain::activity::log_follow_up(&t.db, &rep, id, "call", "之后", None).await.unwrap();
    assert_eq!(next_of(&mut other, "event", Duration::from_secs(10)).await.unwrap()["event"]["kind"], "customer.follow_up");
    domain::sharing::revoke(&t.db, &rep, share).await.unwrap();
    domain::activity::log_follow_up(&t.db, &rep, id, "call", "撤销后", None).await.unwrap();
    assert!(next_of(&mut other, "event", Duration::from_millis(800)).await.is_none(), "revoked: nothing more");
});

/// Two real server processes on one PostgreSQL database: an event committed through the first
/// reaches a socket held by the second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_written_through_one_process_reaches_a_socket_of_another() {
    let t = TestDb::new(Engine::Postgres).await;
    domain::demo::seed(&t.db).await.unwrap();
    let bin = env!("CARGO_BIN_EXE_crm");
    let mut children = Vec::new();
    let mut addrs = Vec::new();
    for _ in 0..2 {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr = format!("127.0.0.1:{port}");
        let child = tokio::process::Command::new(bin)
            .args(["serve"])
            .env("DATABASE_URL", &t.url)
            .env("CRM_LISTEN", &addr)
            .env("CRM_LOG", "warn")
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        children.push(child);
        addrs.push(addr);
    }
    let client = reqwest::Client::new();
    for addr in &addrs {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while client.get(format!("http://{addr}/healthz")).send().await.is_err() {
            assert!(std::time::Instant::now() < deadline, "server {addr} did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let (mut ws, _) = ready(&addrs[1], &cookie(&t, "bj.manager").await, None).await;
    // A follow-up logged through the first process's HTTP API.
    let id = owned_by(&t.db, "bj.sales1").await;
    let res = client
        .post(format!("http://{}/api/customers/follow_up", addrs[0]))
        .header("cookie", cookie(&t, "bj.sales1").await)
        .form(&[("id", id.to_string()), ("kind", "call".into()), ("note", "跨实例".into()), ("next", String::new())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    let got = next_of(&mut ws, "event", Duration::from_secs(10)).await.expect("the second process delivers it");
    assert_eq!((got["event"]["kind"].as_str(), got["event"]["record_id"].as_i64()), (Some("customer.follow_up"), Some(id)));
    drop(children);
}
