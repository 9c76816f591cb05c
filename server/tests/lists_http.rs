//! The sales and service lists' filters, saved views and price lists over real HTTP, on both
//! engines: what the pages call, with same-origin headers and real session cookies. Saved views
//! are their owner's alone, a filter with an unknown code is refused, price lists are for
//! administrators only, a bad price writes nothing, and without a session nothing answers.

mod common;

use common::{call, cookie, start, Args};
use domain::on_both_engines;
use domain::testing::TestDb;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Row;

async fn scalar(t: &TestDb, sql: &'static str) -> i64 {
    sqlx::query(sql).fetch_one(t.db.pool()).await.unwrap().try_get(0).unwrap()
}

on_both_engines!(list_filters_views_and_price_lists_over_http, |t| {
    let s = start(t).await;
    let finance = cookie(t, "finance").await;
    let manager = cookie(t, "bj.manager").await;
    let rep = cookie(t, "sh.sales1").await;
    let admin = cookie(t, "admin").await;

    // Filters: the state narrows the list; an unknown ticket category is refused.
    let (status, signed) = call(&s, Some(&manager), "contracts/list", Args::Json(json!({"filter": {"state": "signed"}}))).await;
    assert_eq!(status, StatusCode::OK, "{signed}");
    assert!(!signed.as_array().unwrap().is_empty() && signed.as_array().unwrap().iter().all(|c| c["state"] == "signed"), "{signed}");
    let (status, body) = call(&s, Some(&manager), "tickets/list", Args::Json(json!({"filter": {"category": "praise"}}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // A saved view is its owner's: finance sees it, the manager does not and cannot delete it.
    let view = json!({"list": "receivables", "name": "逾期", "filter": {"overdue_only": true, "open_only": true}});
    let (status, id) = call(&s, Some(&finance), "lists/views/save", Args::Json(view)).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let (status, views) = call(&s, Some(&finance), "lists/views", Args::Form(&[("list", "receivables".into())])).await;
    assert_eq!(status, StatusCode::OK, "{views}");
    assert_eq!(views[0][0], id);
    assert_eq!(views[0][2]["overdue_only"], true);
    let (_, theirs) = call(&s, Some(&manager), "lists/views", Args::Form(&[("list", "receivables".into())])).await;
    assert_eq!(theirs, json!([]));
    let (status, _) = call(&s, Some(&manager), "lists/views/delete", Args::Form(&[("id", id.to_string())])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&s, Some(&finance), "lists/views", Args::Form(&[("list", "salaries".into())])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Price lists: administrators only; a bad price is refused and writes nothing.
    let unit: i64 = scalar(t, "SELECT id FROM org_units WHERE name = '上海分公司'").await;
    let crm: i64 = scalar(t, "SELECT id FROM products WHERE code = 'SW-CRM'").await;
    let (status, _) = call(&s, Some(&rep), "admin/prices", Args::Form(&[("unit_id", unit.to_string())])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(&s, Some(&rep), "admin/prices/set", Args::Form(&[("product_id", crm.to_string()), ("unit_id", unit.to_string()), ("price", "1".into())])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = call(&s, Some(&admin), "admin/prices/set", Args::Form(&[("product_id", crm.to_string()), ("unit_id", unit.to_string()), ("price", "四万".into())])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(scalar(t, "SELECT COUNT(*) FROM product_prices").await, 0);
    let (status, _) = call(&s, Some(&admin), "admin/prices/set", Args::Form(&[("product_id", crm.to_string()), ("unit_id", unit.to_string()), ("price", "45,600.50".into())])).await;
    assert_eq!(status, StatusCode::OK);
    let (status, list) = call(&s, Some(&admin), "admin/prices", Args::Form(&[("unit_id", unit.to_string())])).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let row = list.as_array().unwrap().iter().find(|r| r["product_id"] == crm).unwrap();
    assert_eq!((row["own_price_minor"].clone(), row["effective_minor"].clone()), (json!(4_560_050), json!(4_560_050)));
    let (status, _) = call(&s, Some(&admin), "admin/prices/set", Args::Form(&[("product_id", crm.to_string()), ("unit_id", unit.to_string()), ("price", "".into())])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(scalar(t, "SELECT COUNT(*) FROM product_prices").await, 0, "an empty price removes the unit's own");

    // Without a session nothing answers.
    let unit_arg = [("unit_id", unit.to_string())];
    for (path, args) in [
        ("lists/views", Args::Form(&[("list", "contracts".into())])),
        ("lists/views/save", Args::Json(json!({"list": "contracts", "name": "x", "filter": {}}))),
        ("admin/prices", Args::Form(&unit_arg)),
        ("receivables/list", Args::Json(json!({"filter": {}}))),
    ] {
        let (status, _) = call(&s, None, path, args).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
});
