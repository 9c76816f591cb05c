//! Customer segments against a plain evaluation: random customers (fields, tags, dates, units,
//! owners) and random AND/OR rules; for every user, the count and the members equal what plain
//! Rust finds among the customers that user may read. Rules on fields the reader may not read and
//! malformed rules are refused; saved segments are their author's alone. Both engines.

use std::collections::BTreeSet;

use domain::accounts::users::{insert_user_tx, Login, NewUser, Password};
use domain::clock::{format_date, start_of_day_ms, DAY_MS};
use domain::marketing::segments::{self, SegmentRule};
use domain::on_both_engines;
use domain::org::{create_unit_tx, UnitKind, UnitName};
use domain::policy::Actor;
use domain::roles::{insert_role_tx, Action, ObjectType, Scope};
use domain::DomainError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;

const LEVELS: [&str; 4] = ["A", "B", "C", "D"];
const PROVINCES: [&str; 4] = ["北京", "上海", "广东", "浙江"];
const TAGS: [&str; 3] = ["重点", "风险", "新签"];

#[derive(Debug, Clone)]
struct Customer {
    level: &'static str,
    province: &'static str,
    city: String,
    unit: usize,
    owner: Option<usize>,
    created_day: i64,
    followed_day: i64,
    tags: Vec<&'static str>,
}

fn base_day() -> i64 {
    start_of_day_ms("2026-01-01").unwrap() / DAY_MS
}

fn random_rule(rng: &mut StdRng, depth: usize, units: usize) -> SegmentRule {
    if depth < 3 && rng.gen_bool(0.35) {
        let rules = (0..rng.gen_range(1..=3)).map(|_| random_rule(rng, depth + 1, units)).collect();
        return if rng.gen_bool(0.5) { SegmentRule::All { rules } } else { SegmentRule::Any { rules } };
    }
    let day = |rng: &mut StdRng| format_date((base_day() + rng.gen_range(0..60)) * DAY_MS);
    match rng.gen_range(0..7) {
        0 => SegmentRule::Field { field: "level".into(), op: "is".into(), values: (0..rng.gen_range(1..3)).map(|_| LEVELS[rng.gen_range(0..4)].to_string()).collect() },
        1 => SegmentRule::Field { field: "province".into(), op: "is_not".into(), values: vec![PROVINCES[rng.gen_range(0..4)].to_string()] },
        2 => SegmentRule::Field { field: "city".into(), op: "contains".into(), values: vec![["区", "1", "%", "3区"][rng.gen_range(0..4)].to_string()] },
        3 => SegmentRule::Field { field: "created_at".into(), op: if rng.gen_bool(0.5) { "before" } else { "after" }.into(), values: vec![day(rng)] },
        4 => SegmentRule::Field { field: "last_follow_up_at".into(), op: if rng.gen_bool(0.5) { "before" } else { "after" }.into(), values: vec![day(rng)] },
        5 => SegmentRule::Field { field: "unit".into(), op: "under".into(), values: vec![format!("#{}", rng.gen_range(0..units))] },
        _ => SegmentRule::Tag { tag: TAGS[rng.gen_range(0..3)].to_string(), present: rng.gen_bool(0.6) },
    }
}

/// The rule with model unit indexes (`#i`) replaced by database ids.
fn with_ids(rule: &SegmentRule, units: &[i64]) -> SegmentRule {
    match rule {
        SegmentRule::All { rules } => SegmentRule::All { rules: rules.iter().map(|r| with_ids(r, units)).collect() },
        SegmentRule::Any { rules } => SegmentRule::Any { rules: rules.iter().map(|r| with_ids(r, units)).collect() },
        SegmentRule::Field { field, op, values } if field == "unit" => {
            SegmentRule::Field { field: field.clone(), op: op.clone(), values: vec![units[values[0][1..].parse::<usize>().unwrap()].to_string()] }
        }
        other => other.clone(),
    }
}

/// Whether unit `u` is `top` or below it.
fn is_under(parent: &[Option<usize>], mut u: usize, top: usize) -> bool {
    loop {
        if u == top {
            return true;
        }
        match parent[u] {
            Some(p) => u = p,
            None => return false,
        }
    }
}

fn matches(rule: &SegmentRule, c: &Customer, parent: &[Option<usize>]) -> bool {
    let under = |u: usize, top: usize| is_under(parent, u, top);
    match rule {
        SegmentRule::All { rules } => rules.iter().all(|r| matches(r, c, parent)),
        SegmentRule::Any { rules } => rules.iter().any(|r| matches(r, c, parent)),
        SegmentRule::Tag { tag, present } => c.tags.contains(&tag.as_str()) == *present,
        SegmentRule::Field { field, op, values } => {
            let day = |v: &str| start_of_day_ms(v).unwrap() / DAY_MS;
            match (field.as_str(), op.as_str()) {
                ("level", "is") => values.iter().any(|v| v == c.level),
                ("province", "is_not") => !values.iter().any(|v| v == c.province),
                ("city", "contains") => c.city.to_lowercase().contains(&values[0].to_lowercase()),
                ("created_at", "before") => c.created_day < day(&values[0]),
                ("created_at", "after") => c.created_day >= day(&values[0]),
                // 0: never followed up, before any date.
                ("last_follow_up_at", "before") => c.followed_day < day(&values[0]),
                ("last_follow_up_at", "after") => c.followed_day >= day(&values[0]),
                ("unit", "under") => under(c.unit, values[0][1..].parse().unwrap()),
                _ => unreachable!(),
            }
        }
    }
}

on_both_engines!(segments_count_what_plain_rust_finds, |t| {
    let db = &t.db;
    for seed in 0..6_u64 {
        let mut rng = StdRng::seed_from_u64(900 + seed);
        let n_units = rng.gen_range(2..6);
        let parent: Vec<Option<usize>> = (0..n_units).map(|i| if i == 0 { None } else { Some(rng.gen_range(0..i)) }).collect();
        let mut tx = db.begin_write().await.unwrap();
        let mut units = Vec::new();
        for (i, p) in parent.iter().enumerate() {
            let name = UnitName::parse(&format!("S{seed}单位{i}")).unwrap();
            units.push(create_unit_tx(&mut tx, p.map(|p| units[p]), if i == 0 { UnitKind::Group } else { UnitKind::Department }, &name, "", None).await.unwrap());
        }
        let scopes = [Scope::Own, Scope::Unit, Scope::UnitAndBelow, Scope::All];
        let mut users = Vec::new();
        let mut model_users = Vec::new();
        for i in 0..4 {
            let scope = scopes[rng.gen_range(0..4)];
            let role = insert_role_tx(&mut tx, None, &format!("S{seed}角色{i}"), "", false, &[(ObjectType::Customer, Action::Read, scope)]).await.unwrap();
            let primary = rng.gen_range(0..n_units);
            let u = NewUser {
                login: Login::parse(&format!("s{seed}.u{i}")).unwrap(),
                email: None,
                display_name: format!("人{i}"),
                password: Password::parse("irrelevant-here").unwrap(),
                primary_unit_id: units[primary],
                manager_id: None,
                role_ids: vec![role],
            };
            users.push(insert_user_tx(&mut tx, &u, "$argon2id$x", None).await.unwrap());
            model_users.push((scope, primary));
        }
        let mut customers = Vec::new();
        let mut ids = Vec::new();
        for i in 0..rng.gen_range(10..50) {
            let followed = rng.gen_bool(0.7);
            let c = Customer {
                level: LEVELS[rng.gen_range(0..4)],
                province: PROVINCES[rng.gen_range(0..4)],
                city: format!("{}区{}", ["朝阳", "浦东", "天河"][rng.gen_range(0..3)], rng.gen_range(0..5)),
                unit: rng.gen_range(0..n_units),
                owner: rng.gen_bool(0.8).then(|| rng.gen_range(0..4)),
                created_day: base_day() + rng.gen_range(0..60),
                followed_day: if followed { base_day() + rng.gen_range(0..60) } else { 0 },
                tags: TAGS.iter().copied().filter(|_| rng.gen_bool(0.4)).collect(),
            };
            let id: i64 = sqlx::query(
                "INSERT INTO customers (name, level, province, city, owner_id, unit_id, created_at, updated_at, last_follow_up_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
            )
            .bind(format!("S{seed}客户{i}"))
            .bind(c.level)
            .bind(c.province)
            .bind(c.city.clone())
            .bind(c.owner.map(|o| users[o]))
            .bind(units[c.unit])
            .bind(c.created_day * DAY_MS + 3_600_000)
            .bind(if followed { c.followed_day * DAY_MS + 7_200_000 } else { 0 })
            .fetch_one(&mut *tx)
            .await
            .unwrap()
            .try_get("id")
            .unwrap();
            for tag in &c.tags {
                sqlx::query("INSERT INTO customer_tags (customer_id, tag, created_at) VALUES ($1, $2, 1)").bind(id).bind(*tag).execute(&mut *tx).await.unwrap();
            }
            ids.push(id);
            customers.push(c);
        }
        tx.commit().await.unwrap();
        let under = |u: usize, top: usize| is_under(&parent, u, top);
        for _ in 0..25 {
            let rule = random_rule(&mut rng, 1, n_units);
            let real = with_ids(&rule, &units);
            for (u, (scope, primary)) in model_users.iter().enumerate() {
                let actor = Actor::load(db, users[u]).await.unwrap();
                let expected: BTreeSet<i64> = customers
                    .iter()
                    .zip(&ids)
                    .filter(|(c, _)| match scope {
                        Scope::Own => c.owner == Some(u),
                        Scope::Unit => c.unit == *primary,
                        Scope::UnitAndBelow => under(c.unit, *primary),
                        _ => true,
                    })
                    .filter(|(c, _)| matches(&rule, c, &parent))
                    .map(|(_, id)| *id)
                    .collect();
                let n = segments::count(db, &actor, &real).await.unwrap();
                assert_eq!(n, expected.len() as i64, "seed {seed} user {u} ({scope:?}) rule {rule:?}");
                // Members come in pages that together are exactly the matches.
                let mut got = BTreeSet::new();
                let mut after = None;
                loop {
                    let page = segments::members(db, &actor, &real, after, 7).await.unwrap();
                    if page.is_empty() {
                        break;
                    }
                    after = page.last().map(|(id, _)| *id);
                    got.extend(page.into_iter().map(|(id, _)| id));
                }
                assert_eq!(got, expected, "seed {seed} user {u} rule {rule:?}");
            }
        }
    }
});

on_both_engines!(segments_refuse_bad_and_hidden_rules_and_stay_private, |t| {
    let db = &t.db;
    let mut tx = db.begin_write().await.unwrap();
    let top = create_unit_tx(&mut tx, None, UnitKind::Group, &UnitName::parse("集团").unwrap(), "", None).await.unwrap();
    let role = insert_role_tx(&mut tx, None, "市场", "", false, &[(ObjectType::Customer, Action::Read, Scope::All)]).await.unwrap();
    sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, 'customer', 'province', 'hidden')").bind(role).execute(&mut *tx).await.unwrap();
    let mut people = Vec::new();
    for i in 0..2 {
        let u = NewUser {
            login: Login::parse(&format!("m.u{i}")).unwrap(),
            email: None,
            display_name: format!("人{i}"),
            password: Password::parse("irrelevant-here").unwrap(),
            primary_unit_id: top,
            manager_id: None,
            role_ids: vec![role],
        };
        people.push(insert_user_tx(&mut tx, &u, "$argon2id$x", None).await.unwrap());
    }
    let nobody = NewUser {
        login: Login::parse("m.none").unwrap(),
        email: None,
        display_name: "无权".into(),
        password: Password::parse("irrelevant-here").unwrap(),
        primary_unit_id: top,
        manager_id: None,
        role_ids: vec![],
    };
    let nobody = insert_user_tx(&mut tx, &nobody, "$argon2id$x", None).await.unwrap();
    tx.commit().await.unwrap();
    let (a, b, none) = (Actor::load(db, people[0]).await.unwrap(), Actor::load(db, people[1]).await.unwrap(), Actor::load(db, nobody).await.unwrap());
    let field = |f: &str, op: &str, v: &[&str]| SegmentRule::Field { field: f.into(), op: op.into(), values: v.iter().map(|s| s.to_string()).collect() };
    let refused = [
        (field("province", "is", &["北京"]), "field_not_readable"),
        (field("password_hash", "is", &["x"]), "unknown_field"),
        (field("level", "before", &["2026-01-01"]), "operator"),
        (field("created_at", "after", &["2026-02-30"]), "operator"),
        (field("level", "is", &[]), "values"),
        (SegmentRule::All { rules: vec![] }, "empty_group"),
        (SegmentRule::Any { rules: vec![SegmentRule::All { rules: vec![SegmentRule::Any { rules: vec![SegmentRule::All { rules: vec![field("level", "is", &["A"])] }] }] }] }, "too_deep"),
        (SegmentRule::Any { rules: (0..31).map(|_| field("level", "is", &["A"])).collect() }, "too_many_conditions"),
    ];
    for (rule, code) in refused {
        match segments::count(db, &a, &rule).await {
            Err(DomainError::Invalid { field: "rule", code: got }) => assert_eq!(got, code, "{rule:?}"),
            other => panic!("{rule:?}: {other:?}"),
        }
        assert!(segments::save(db, &a, None, "坏规则", &rule).await.is_err());
    }
    assert!(matches!(segments::count(db, &none, &field("level", "is", &["A"])).await, Err(DomainError::Forbidden)));
    let saved: i64 = sqlx::query("SELECT COUNT(*) AS n FROM segments").fetch_one(db.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(saved, 0, "a refused rule saves nothing");

    // Saved segments are their author's: listed, renamed, deleted by them alone.
    let vip = SegmentRule::Tag { tag: "重点".into(), present: true };
    let id = segments::save(db, &a, None, "重点客户", &vip).await.unwrap();
    assert!(matches!(segments::save(db, &a, None, "重点客户", &vip).await, Err(DomainError::Conflict(_))));
    assert_eq!(segments::list(db, &a).await.unwrap().iter().map(|s| (s.id, s.rule.clone())).collect::<Vec<_>>(), vec![(id, vip.clone())]);
    assert!(segments::list(db, &b).await.unwrap().is_empty());
    assert!(matches!(segments::save(db, &b, Some(id), "抢走", &vip).await, Err(DomainError::NotFound)));
    assert!(matches!(segments::delete(db, &b, id).await, Err(DomainError::NotFound)));
    segments::save(db, &a, Some(id), "重点客户（新）", &vip).await.unwrap();
    assert_eq!(segments::list(db, &a).await.unwrap()[0].name, "重点客户（新）");
    segments::delete(db, &a, id).await.unwrap();
    assert!(segments::list(db, &a).await.unwrap().is_empty());
});
