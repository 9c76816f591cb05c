//! Dashboards over real HTTP on both engines, with the demo group: who lands on which unit, who
//! may open which, what a figure adds up to, targets set by the unit's head only, the CSV export
//! with the reader's field rights, and refusals for bad periods and missing sessions.

mod common;

use common::{call, cookie, start, Args};
use domain::clock::{format_date, now_ms, DAY_MS};
use domain::on_both_engines;
use domain::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::Row;

async fn unit(t: &TestDb, name: &str) -> i64 {
    sqlx::query("SELECT id FROM org_units WHERE name = $1").bind(name.to_string()).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

fn last_two_years() -> Value {
    let today = now_ms();
    json!({"kind": "custom", "from": format_date(today - 700 * DAY_MS), "to": format_date(today + DAY_MS)})
}

on_both_engines!(dashboards_over_http, |t| {
    let s = start(t).await;
    let finance = cookie(t, "finance").await;
    let manager = cookie(t, "bj.manager").await;
    let rep = cookie(t, "bj.sales1").await;
    let service = cookie(t, "bj.service").await;
    let (hq, bj, sh, bj_s1) = (unit(t, "集团总部").await, unit(t, "北京分公司").await, unit(t, "上海分公司").await, unit(t, "北京销售一组").await);

    // Finance reports on everything and lands on the top of the group; a figure adds up to what
    // the tables hold over the period.
    let (status, v) = call(&s, Some(&finance), "reports/dashboard", Args::Json(json!({"query": {"period": last_two_years()}}))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let d = &v["dashboard"];
    assert_eq!(d["unit_id"], hq);
    let (from, to) = (d["from_ms"].as_i64().unwrap(), d["to_ms"].as_i64().unwrap());
    let customers: i64 = sqlx::query("SELECT COUNT(*) AS n FROM customers WHERE created_at >= $1 AND created_at < $2")
        .bind(from)
        .bind(to)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert!(customers > 0);
    assert_eq!(d["total"]["customers_new"], customers, "{}", d["total"]);
    let rows: i64 = d["rows"].as_array().unwrap().iter().map(|r| r["figures"]["customers_new"].as_i64().unwrap()).sum();
    assert_eq!(rows, customers, "the rows add up to the total");
    assert!(d["rows"].as_array().unwrap().iter().any(|r| r["kind"] == "Unit" && r["id"] == bj && r["drillable"] == true));
    // Charts come drawn from the server, with their numbers.
    let charts = v["charts"].as_array().unwrap();
    assert!(charts.iter().any(|c| c["key"] == "sales" && c["svg"].as_str().unwrap().starts_with("<svg")), "{charts:?}");

    // The branch manager lands on the branch and may open it and below, not the group or the
    // other branch.
    let (status, v) = call(&s, Some(&manager), "reports/dashboard", Args::Json(json!({"query": {}}))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["dashboard"]["unit_id"], bj);
    assert_eq!(v["dashboard"]["may_set_targets"], true);
    assert_eq!(v["dashboard"]["may_export"], false);
    for (unit, expect) in [(bj_s1, StatusCode::OK), (hq, StatusCode::FORBIDDEN), (sh, StatusCode::FORBIDDEN)] {
        let (status, body) = call(&s, Some(&manager), "reports/dashboard", Args::Json(json!({"query": {"unit_id": unit}}))).await;
        assert_eq!(status, expect, "unit {unit}: {body}");
    }
    // A sales rep sees their own row only; their team's unit is not theirs to open.
    let (status, v) = call(&s, Some(&rep), "reports/dashboard", Args::Json(json!({"query": {"period": last_two_years()}}))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let rows = v["dashboard"]["rows"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["kind"] != "Unit"), "{rows:?}");
    let (status, _) = call(&s, Some(&rep), "reports/dashboard", Args::Json(json!({"query": {"unit_id": bj}}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Service agents have no reports at all.
    let (status, _) = call(&s, Some(&service), "reports/dashboard", Args::Json(json!({"query": {}}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Bad periods and currencies are refused with a reason.
    for query in [json!({"period": {"kind": "month", "value": "2026-13"}}), json!({"period": {"kind": "fortnight"}}), json!({"currency": "yuan"})] {
        let (status, body) = call(&s, Some(&finance), "reports/dashboard", Args::Json(json!({ "query": query }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
    }

    // Targets: the branch head sets the branch's and a team's; others are refused, nothing changes.
    let month = format_date(now_ms())[..7].to_string();
    let set_form = |unit: i64, amount: &'static str| vec![("unit_id", unit.to_string()), ("month", month.clone()), ("currency", "CNY".to_string()), ("amount", amount.to_string())];
    let (status, body) = call(&s, Some(&manager), "reports/targets/set", Args::Form(&set_form(bj, "1,000,000"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for (who, unit) in [(&rep, bj), (&manager, sh)] {
        let (status, _) = call(&s, Some(who), "reports/targets/set", Args::Form(&set_form(unit, "5"))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, _) = call(&s, Some(&manager), "reports/targets/set", Args::Form(&set_form(bj, "一百万"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let targets: i64 = sqlx::query("SELECT COUNT(*) AS n FROM report_targets").fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(targets, 1);
    let (_, v) = call(&s, Some(&manager), "reports/dashboard", Args::Json(json!({"query": {}}))).await;
    assert_eq!(v["dashboard"]["total"]["target_minor"], 100_000_000);
    let (status, list) = call(&s, Some(&manager), "reports/targets", Args::Form(&[("unit_id", bj.to_string()), ("month", month.clone()), ("currency", "CNY".into())])).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(list.as_array().unwrap().iter().any(|r| r["unit_id"] == bj_s1), "{list}");

    // The CSV export: finance may, the manager may not; amounts hidden from the reader are not
    // in the file at all.
    let (status, _) = call(&s, Some(&manager), "reports/export", Args::Json(json!({"query": {}}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, file) = call(&s, Some(&finance), "reports/export", Args::Json(json!({"query": {"period": last_two_years()}}))).await;
    assert_eq!(status, StatusCode::OK, "{file}");
    let csv = file["csv"].as_str().unwrap();
    assert!(csv.contains("计划回款") && csv.contains("新增客户"), "{csv}");
    sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) SELECT id, 'receivable', 'amount_minor', 'hidden' FROM roles WHERE key = 'finance'")
        .execute(t.db.pool())
        .await
        .unwrap();
    let (_, file) = call(&s, Some(&finance), "reports/export", Args::Json(json!({"query": {"period": last_two_years()}}))).await;
    let csv = file["csv"].as_str().unwrap();
    assert!(!csv.contains("计划回款") && !csv.contains("实际回款") && csv.contains("签约金额"), "{csv}");
    let (_, v) = call(&s, Some(&finance), "reports/dashboard", Args::Json(json!({"query": {}}))).await;
    assert_eq!(v["dashboard"]["total"]["received_minor"], Value::Null);

    // Without a session nothing answers.
    for (path, args) in [
        ("reports/dashboard", Args::Json(json!({"query": {}}))),
        ("reports/export", Args::Json(json!({"query": {}}))),
        ("reports/targets/set", Args::Form(&set_form(bj, "1"))),
    ] {
        let (status, _) = call(&s, None, path, args).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
});
