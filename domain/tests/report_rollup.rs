//! The dashboard's monthly sums (`report_rollup`) against a plain computation from the records:
//! after a bulk load (PostgreSQL loads with triggers off and rebuilds the sums; SQLite keeps them
//! with its triggers as it loads) and after changes made record by record afterwards.

use std::collections::BTreeMap;

use domain::acting::Actor;
use domain::bench_data::{generate, BenchConfig};
use domain::clock::{civil_date, start_of_day_ms, HOUR_MS, MINUTE_MS};
use domain::objects::ObjectType;
use domain::reports::period::PeriodChoice;
use domain::reports::{dashboard_at, rollup, DashboardQuery};
use domain::on_both_engines;
use domain::testing::TestDb;
use sqlx::Row;

/// (object, figure, month, unit, person, currency) → (sum, records)
type Sums = BTreeMap<(String, String, i64, i64, i64, String), (i64, i64)>;

/// Per figure: the records it counts, as (at, unit, person, currency, value).
const SOURCES: [(&str, &str, &str); 12] = [
    ("customer", "customers_new", "SELECT created_at, unit_id, COALESCE(owner_id, 0), '', 1 FROM customers"),
    ("lead", "leads_new", "SELECT created_at, unit_id, COALESCE(owner_id, 0), '', 1 FROM leads"),
    ("lead", "leads_converted", "SELECT created_at, unit_id, COALESCE(owner_id, 0), '', 1 FROM leads WHERE status = 'converted'"),
    ("customer", "follow_ups", "SELECT f.created_at, r.unit_id, f.created_by, '', 1 FROM follow_ups f JOIN customers r ON r.id = f.customer_id"),
    ("lead", "follow_ups", "SELECT f.created_at, r.unit_id, f.created_by, '', 1 FROM lead_follow_ups f JOIN leads r ON r.id = f.lead_id"),
    ("contract", "contracts_signed", "SELECT signed_at, unit_id, COALESCE(owner_id, 0), '', 1 FROM contracts WHERE signed_at IS NOT NULL"),
    ("contract", "signed_minor", "SELECT signed_at, unit_id, COALESCE(owner_id, 0), currency, amount_minor FROM contracts WHERE signed_at IS NOT NULL"),
    ("receivable", "planned_minor", "SELECT due_at, unit_id, COALESCE(owner_id, 0), currency, amount_minor FROM receivables"),
    (
        "receivable",
        "received_minor",
        "SELECT f.received_at, r.unit_id, COALESCE(r.owner_id, 0), f.currency, f.amount_minor FROM receipts f JOIN receivables r ON r.id = f.receivable_id WHERE f.reversed_at IS NULL",
    ),
    // What is still owed, per month of the due date.
    ("receivable", "overdue_minor", "SELECT due_at, unit_id, COALESCE(owner_id, 0), currency, amount_minor - received_minor FROM receivables WHERE received_minor < amount_minor"),
    ("customer", "pool_claims", "SELECT f.at, r.unit_id, f.user_id, '', 1 FROM pool_claims f JOIN customers r ON r.id = f.customer_id"),
    (
        "customer",
        "pool_recycles",
        "SELECT f.at, r.unit_id, CAST(f.old_value AS BIGINT), '', 1 FROM customer_history f JOIN customers r ON r.id = f.customer_id WHERE f.kind = 'recycle'",
    ),
];

/// The open pipeline: (stage, unit, person, currency, value); its rows hold the stage as month.
const PIPELINE: [(&str, &str); 2] = [
    ("pipeline_count", "SELECT o.stage_id, o.unit_id, COALESCE(o.owner_id, 0), '', 1 FROM opportunities o JOIN opportunity_stages s ON s.id = o.stage_id WHERE s.outcome = 'open'"),
    (
        "pipeline_minor",
        "SELECT o.stage_id, o.unit_id, COALESCE(o.owner_id, 0), o.currency, o.amount_minor FROM opportunities o JOIN opportunity_stages s ON s.id = o.stage_id WHERE s.outcome = 'open'",
    ),
];

/// The forecast: opportunities not lost, per month of their expected close day, weighted by
/// their stage's probability (rounded down per opportunity).
const FORECAST: &str = "SELECT o.expected_close, o.unit_id, COALESCE(o.owner_id, 0), o.currency, o.amount_minor, s.probability_bp \
                        FROM opportunities o JOIN opportunity_stages s ON s.id = o.stage_id WHERE s.outcome <> 'lost' AND o.expected_close IS NOT NULL";

/// Adds one record to its person's sum and to the unit's total over everyone (person -1).
fn add(sums: &mut Sums, key: (String, String, i64, i64, i64, String), value: i64) {
    let total = (key.0.clone(), key.1.clone(), key.2, key.3, -1, key.5.clone());
    for k in [key, total] {
        let e = sums.entry(k).or_default();
        e.0 += value;
        e.1 += 1;
    }
}

async fn expected(t: &TestDb) -> Sums {
    let offset: i64 = sqlx::query("SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'").fetch_one(t.db.pool()).await.unwrap().try_get("value").unwrap();
    let mut sums = Sums::new();
    let sources = SOURCES.iter().map(|(o, f, sql)| (*o, *f, *sql, true)).chain(PIPELINE.iter().map(|(f, sql)| ("opportunity", *f, *sql, false)));
    for (object, figure, sql, dated) in sources {
        for r in sqlx::query(sql).fetch_all(t.db.pool()).await.unwrap() {
            let first = r.try_get::<i64, _>(0).unwrap();
            let month = if dated {
                let (y, m, _) = civil_date(first + offset * MINUTE_MS);
                y * 100 + m
            } else {
                first
            };
            let key = (object.to_string(), figure.to_string(), month, r.try_get::<i64, _>(1).unwrap(), r.try_get::<i64, _>(2).unwrap(), r.try_get::<String, _>(3).unwrap());
            add(&mut sums, key, r.try_get::<i64, _>(4).unwrap());
        }
    }
    for r in sqlx::query(FORECAST).fetch_all(t.db.pool()).await.unwrap() {
        let close: String = r.try_get(0).unwrap();
        let month = close[..4].parse::<i64>().unwrap() * 100 + close[5..7].parse::<i64>().unwrap();
        let (amount, probability): (i64, i64) = (r.try_get(4).unwrap(), r.try_get(5).unwrap());
        let weighted = (i128::from(amount) * i128::from(probability) / 10_000) as i64;
        let key = ("opportunity".to_string(), "forecast_minor".to_string(), month, r.try_get::<i64, _>(1).unwrap(), r.try_get::<i64, _>(2).unwrap(), r.try_get::<String, _>(3).unwrap());
        add(&mut sums, key, weighted);
    }
    sums
}

async fn kept(t: &TestDb) -> Sums {
    let rows = sqlx::query("SELECT object, figure, month, unit_id, person_id, currency, value, records FROM report_rollup WHERE records <> 0 OR value <> 0")
        .fetch_all(t.db.pool())
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            let month: i32 = r.try_get("month").unwrap();
            (
                (r.try_get("object").unwrap(), r.try_get("figure").unwrap(), month as i64, r.try_get("unit_id").unwrap(), r.try_get("person_id").unwrap(), r.try_get("currency").unwrap()),
                (r.try_get("value").unwrap(), r.try_get("records").unwrap()),
            )
        })
        .collect()
}

async fn exec(t: &TestDb, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(t.db.pool()).await.unwrap();
}

on_both_engines!(sums_equal_the_records_after_a_load_and_after_changes, |t| {
    let cfg = BenchConfig { customers: 1_500, units: 20, users: 60, max_depth: 5, seed: 7, until_ms: 1_764_547_200_000, ..Default::default() };
    generate(&t.db, &cfg).await.unwrap();
    let after_load = expected(t).await;
    assert!(after_load.len() > 100, "the load made records of many kinds: {}", after_load.len());
    assert!(after_load.keys().any(|k| k.1 == "received_minor"), "receipts are among them");
    assert!(after_load.keys().any(|k| k.1 == "pipeline_minor"), "open opportunities are among them");
    assert!(after_load.keys().any(|k| k.1 == "forecast_minor"), "opportunities with a close date are among them");
    assert!(after_load.keys().any(|k| k.1 == "overdue_minor"), "receivables not paid in full are among them");
    assert_eq!(kept(t).await, after_load, "after the load");

    // Changes record by record: customers, leads and receivables move unit and owner (taking
    // their follow-ups, claims, recycles and receipts along), leads convert, receipts are
    // reversed, follow-ups deleted, contracts re-priced, receivables rescheduled.
    exec(t, "UPDATE customers SET unit_id = (SELECT MIN(id) FROM org_units), owner_id = NULL WHERE id % 7 = 0").await;
    exec(t, "UPDATE leads SET status = 'converted', unit_id = (SELECT MAX(id) FROM org_units) WHERE id % 5 = 0").await;
    exec(t, "UPDATE receipts SET reversed_at = received_at + 1 WHERE id % 3 = 0").await;
    exec(t, "UPDATE receivables SET owner_id = NULL, unit_id = (SELECT MIN(id) FROM org_units), due_at = due_at + 2592000000 WHERE id % 4 = 0").await;
    exec(t, "UPDATE contracts SET amount_minor = amount_minor + 100, signed_at = signed_at - 2592000000 WHERE id % 6 = 0").await;
    exec(t, "DELETE FROM follow_ups WHERE id % 9 = 0").await;
    exec(t, "UPDATE opportunities SET stage_id = (SELECT MIN(id) FROM opportunity_stages), amount_minor = amount_minor + 7, owner_id = NULL WHERE id % 4 = 0").await;
    // Close dates move to other months or are cleared; receivables are paid off, part paid,
    // re-priced; some are deleted with their receipts.
    exec(t, "UPDATE opportunities SET expected_close = '2025-02-14' WHERE id % 5 = 1").await;
    exec(t, "UPDATE opportunities SET expected_close = NULL WHERE id % 11 = 2").await;
    exec(t, "UPDATE receivables SET received_minor = amount_minor WHERE id % 5 = 1").await;
    exec(t, "UPDATE receivables SET received_minor = amount_minor / 3, amount_minor = amount_minor + 50 WHERE id % 5 = 2").await;
    exec(t, "DELETE FROM receipts WHERE receivable_id IN (SELECT id FROM receivables WHERE id % 13 = 3)").await;
    exec(t, "DELETE FROM receivables WHERE id % 13 = 3").await;
    // A stage that stops being open, one that becomes open, one re-weighed.
    exec(t, "UPDATE opportunity_stages SET outcome = 'lost' WHERE code = 'needs'").await;
    exec(t, "UPDATE opportunity_stages SET outcome = 'open' WHERE code = 'won'").await;
    exec(t, "UPDATE opportunity_stages SET probability_bp = 3333 WHERE code = (SELECT MIN(code) FROM opportunity_stages WHERE outcome = 'open')").await;
    let after_changes = expected(t).await;
    assert_ne!(after_changes, after_load, "the changes changed the sums");
    assert_eq!(kept(t).await, after_changes, "after the changes");

    dashboards_from_sums_equal_dashboards_counted(t).await;
});

/// The dashboards that read the sums equal the same dashboards counted record by record (the
/// sums are switched off by removing the record of their calendar), for a reader of everything on
/// the group and a branch manager on their branch, over whole months, ranges that cut into
/// months, a quarter, a year and a single day, at a moment in the middle of a month.
async fn dashboards_from_sums_equal_dashboards_counted(t: &TestDb) {
    let reader = |role: &'static str| async move {
        let id: i64 = sqlx::query("SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.key = $1 ORDER BY ur.user_id LIMIT 1")
            .bind(role)
            .fetch_one(t.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        Actor::load(&t.db, id).await.unwrap()
    };
    let (admin, manager) = (reader("administrator").await, reader("branch_manager").await);
    let group: i64 = sqlx::query("SELECT id FROM org_units WHERE parent_id IS NULL").fetch_one(t.db.pool()).await.unwrap().try_get(0).unwrap();
    for object in [ObjectType::Customer, ObjectType::Lead, ObjectType::Opportunity, ObjectType::Contract, ObjectType::Receivable] {
        assert!(rollup::covers(&t.db, &admin, object, group).await.unwrap(), "the administrator reads every {object:?} of the group");
    }
    let now = start_of_day_ms("2025-11-20").unwrap() + 5 * HOUR_MS;
    let choice = |kind: &str, value: &str, from: &str, to: &str| PeriodChoice { kind: kind.into(), value: value.into(), from: from.into(), to: to.into() };
    let periods = [
        choice("month", "2025-11", "", ""),
        choice("month", "2025-06", "", ""),
        choice("custom", "", "2025-09-17", "2025-11-03"),
        choice("custom", "", "2025-11-20", "2025-11-20"),
        choice("quarter", "2025-Q3", "", ""),
        choice("year", "2025", "", ""),
    ];
    let all = |admin: Actor, manager: Actor| {
        let periods = periods.clone();
        async move {
            let mut out = Vec::new();
            for (actor, unit) in [(&admin, Some(group)), (&manager, None)] {
                for period in &periods {
                    let q = DashboardQuery { unit_id: unit, period: period.clone(), currency: "CNY".into() };
                    out.push(dashboard_at(&t.db, actor, &q, now).await.unwrap());
                }
            }
            out
        }
    };
    let from_sums = all(admin.clone(), manager.clone()).await;
    let offset: i64 = sqlx::query("SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'").fetch_one(t.db.pool()).await.unwrap().try_get(0).unwrap();
    exec(t, "DELETE FROM group_settings WHERE key = 'report_rollup_offset_min'").await;
    let counted = all(admin, manager).await;
    exec(t, &format!("INSERT INTO group_settings (key, value) VALUES ('report_rollup_offset_min', {offset})")).await;
    let total = |name: &str| from_sums.iter().map(|d| d.total.get(name).unwrap_or(0)).sum::<i64>();
    for figure in ["customers_new", "follow_ups", "forecast_minor", "overdue_minor", "signed_minor", "received_minor", "pipeline_count"] {
        assert!(total(figure) > 0, "the dashboards show some {figure}");
    }
    for (a, b) in from_sums.iter().zip(&counted) {
        assert_eq!(a, b, "{} to {} of unit {}", a.from_date, a.to_date, a.unit_name);
    }
}
