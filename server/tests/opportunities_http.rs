//! Opportunities and list exports over real HTTP, on both engines: the server functions the
//! opportunities page calls, with a browser's same-origin headers and real session cookies. A rep
//! of another branch cannot move (or learn of) a Beijing card however the request is forged; a
//! stale move is a conflict; only administrators reach the stage settings; exports answer only
//! roles with the export grant and never another branch's rows; no session, no answer.

mod common;

use common::{call, cookie, start, Args, TestServer};
use domain::on_both_engines;
use domain::testing::{user_id, TestDb};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::Row;

async fn post(s: &TestServer, cookie: Option<&str>, path: &str, args: &[(&str, String)]) -> (StatusCode, Value) {
    call(s, cookie, path, Args::Form(args)).await
}

async fn post_json(s: &TestServer, cookie: &str, path: &str, body: Value) -> (StatusCode, Value) {
    call(s, Some(cookie), path, Args::Json(body)).await
}

async fn scalar(t: &TestDb, sql: &'static str, id: i64) -> i64 {
    sqlx::query(sql).bind(id).fetch_one(t.db.pool()).await.unwrap().try_get(0).unwrap()
}

async fn stage(t: &TestDb, code: &str) -> i64 {
    sqlx::query("SELECT id FROM opportunity_stages WHERE code = $1").bind(code).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

on_both_engines!(opportunities_over_http_follow_the_policy, |t| {
    let s = start(t).await;
    let bj_rep = cookie(t, "bj.sales1").await;
    let sh_rep = cookie(t, "sh.sales1").await;
    let manager = cookie(t, "bj.manager").await;

    // The rep's board: their own cards only.
    let (status, board) = post_json(&s, &bj_rep, "opportunities/board", json!({"filter": {}})).await;
    assert_eq!(status, StatusCode::OK, "{board}");
    let rep_id = user_id(&t.db, "bj.sales1").await;
    let cards: Vec<&Value> = board.as_array().unwrap().iter().flat_map(|c| c["cards"].as_array().unwrap().iter()).collect();
    assert!(!cards.is_empty() && cards.iter().all(|c| c["owner_id"] == json!(rep_id)), "{board}");
    let card = cards.iter().find(|c| c["outcome"] == "open").unwrap();
    let (id, from) = (card["id"].as_i64().unwrap(), card["stage_id"].as_i64().unwrap());
    let to = stage(t, "negotiation").await;
    let to = if to == from { stage(t, "proposal").await } else { to };

    // Shanghai's rep forges the move: not found, nothing moves.
    let args = |from: i64, to: i64| vec![("id", id.to_string()), ("from_stage", from.to_string()), ("to_stage", to.to_string()), ("lost_reason", "测试".to_string())];
    let (status, body) = post(&s, Some(&sh_rep), "opportunities/move", &args(from, to)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(scalar(t, "SELECT stage_id FROM opportunities WHERE id = $1", id).await, from);
    // Without a session: unauthenticated.
    let (status, _) = post(&s, None, "opportunities/move", &args(from, to)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The owner moves it; the same move from the old stage again is no second move; a move from a
    // stage it is no longer in is a conflict.
    let (status, body) = post(&s, Some(&bj_rep), "opportunities/move", &args(from, to)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = post(&s, Some(&bj_rep), "opportunities/move", &args(from, to)).await;
    assert_eq!(status, StatusCode::OK);
    let lost = stage(t, "lost").await;
    let (status, body) = post(&s, Some(&bj_rep), "opportunities/move", &args(from, lost)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(scalar(t, "SELECT stage_id FROM opportunities WHERE id = $1", id).await, to);
    assert_eq!(scalar(t, "SELECT COUNT(*) FROM events WHERE kind = 'opportunity.stage' AND record_id = $1", id).await, 1 + i64::from(from != stage(t, "qualify").await));

    // Stage settings: administrators only.
    let (status, body) = post(&s, Some(&manager), "opportunities/stage_settings", &[]).await;
    assert_eq!((status, body), (StatusCode::OK, Value::Null));
    let (status, body) = post(&s, Some(&cookie(t, "admin").await), "opportunities/stage_settings", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().map(|a| a.len()), Some(6), "{body}");

    // Exports: the rep has no export grant; the manager gets Beijing's opportunities only.
    let (status, _) = post_json(&s, &bj_rep, "exports/list", json!({"list": "opportunities", "filter": {}})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, allowed) = post(&s, Some(&bj_rep), "exports/allowed", &[("list", "opportunities".into())]).await;
    assert_eq!((status, allowed), (StatusCode::OK, json!(false)));
    let (status, file) = post_json(&s, &manager, "exports/list", json!({"list": "opportunities", "filter": {}})).await;
    assert_eq!(status, StatusCode::OK, "{file}");
    let csv = file["csv"].as_str().unwrap();
    let beijing: i64 = sqlx::query("SELECT COUNT(*) FROM opportunities p JOIN users u ON u.id = p.owner_id WHERE u.login LIKE 'bj.%'")
        .fetch_one(t.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(file["rows"], json!(beijing), "{csv}");
    assert!(!csv.contains("上海集团上线"), "{csv}");
    assert!(csv.trim_start_matches('\u{feff}').starts_with("编号,名称,客户,阶段,金额"), "{csv}");
});
