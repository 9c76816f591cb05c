//! Segments and campaigns over real HTTP on both engines with the demo group: a count equals what
//! the tables hold for a reader who sees every customer, a sales rep's count stays within their
//! own customers, malformed rules and bad campaigns are refused with a reason and write nothing,
//! saved segments are private, and without a session nothing answers.

mod common;

use common::{call, cookie, start, Args};
use domain::on_both_engines;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Row;

on_both_engines!(segments_and_campaigns_over_http, |t| {
    let s = start(t).await;
    let marketing = cookie(t, "marketing").await;
    let rep = cookie(t, "bj.sales1").await;
    let service = cookie(t, "bj.service").await;
    let count = |sql: &'static str| async move { sqlx::query(sql).fetch_one(t.db.pool()).await.unwrap().try_get::<i64, _>(0).unwrap() };

    // Level A customers: all of them for marketing (reads all), only their own for a rep.
    let rule = json!({"type": "field", "field": "level", "op": "is", "values": ["A"]});
    let (status, body) = call(&s, Some(&marketing), "segments/count", Args::Json(json!({ "rule": rule }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let all_a = count("SELECT COUNT(*) FROM customers WHERE level = 'A'").await;
    assert!(all_a > 0);
    assert_eq!(body["count"], all_a);
    let (_, body) = call(&s, Some(&rep), "segments/count", Args::Json(json!({ "rule": rule }))).await;
    let rep_id: i64 = sqlx::query("SELECT id FROM users WHERE login = 'bj.sales1'").fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    let own_a: i64 = sqlx::query("SELECT COUNT(*) AS n FROM customers WHERE level = 'A' AND owner_id = $1").bind(rep_id).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    assert!(body["count"].as_i64().unwrap() >= own_a && body["count"].as_i64().unwrap() < all_a, "{body} own {own_a} all {all_a}");

    // Malformed rules are refused with the reason; nothing is saved.
    for bad in [json!({"type": "field", "field": "password_hash", "op": "is", "values": ["x"]}), json!({"type": "all", "rules": []}), json!({"type": "field", "field": "level", "op": "before", "values": ["2026-01-01"]})] {
        let (status, body) = call(&s, Some(&marketing), "segments/save", Args::Json(json!({"id": null, "name": "坏", "rule": bad}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }
    assert_eq!(count("SELECT COUNT(*) FROM segments").await, 0);
    let (status, id) = call(&s, Some(&marketing), "segments/save", Args::Json(json!({"id": null, "name": "A级", "rule": rule}))).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let (_, mine) = call(&s, Some(&marketing), "segments/list", Args::Form(&[])).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let (_, theirs) = call(&s, Some(&rep), "segments/list", Args::Form(&[])).await;
    assert_eq!(theirs, json!([]));
    let (status, _) = call(&s, Some(&rep), "segments/delete", Args::Form(&[("id", id.to_string())])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Campaigns: marketing creates one; a bad channel or cost is refused; service may not.
    let campaign = |channel: &str, cost: &str| Args::Json(json!({"name": "秋季展会", "channel": channel, "cost": cost, "starts_on": "", "ends_on": ""}));
    let (status, created) = call(&s, Some(&marketing), "campaigns/create", campaign("exhibition", "80,000")).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    for (channel, cost) in [("billboard", "1"), ("exhibition", "八万")] {
        let (status, body) = call(&s, Some(&marketing), "campaigns/create", campaign(channel, cost)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    let (status, _) = call(&s, Some(&service), "campaigns/create", campaign("exhibition", "1")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(count("SELECT COUNT(*) FROM campaigns").await, 1);
    let lead = count("SELECT MIN(id) FROM leads").await;
    let (status, body) = call(&s, Some(&marketing), "campaigns/link", Args::Form(&[("lead_id", lead.to_string()), ("campaign_id", created.to_string())])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, v) = call(&s, Some(&marketing), "campaigns/list", Args::Form(&[])).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let exhibition = v["channels"].as_array().unwrap().iter().find(|c| c["channel"] == "exhibition").unwrap().clone();
    assert_eq!((exhibition["campaigns"].clone(), exhibition["leads"].clone(), exhibition["cost_minor"].clone()), (json!(1), json!(1), json!(8_000_000)));

    for (path, args) in [("segments/count", Args::Json(json!({ "rule": rule }))), ("campaigns/list", Args::Form(&[])), ("campaigns/create", campaign("email", "1"))] {
        let (status, _) = call(&s, None, path, args).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
});
