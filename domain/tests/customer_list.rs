//! The customer list on both engines: every filter and sort against a plain computation over the
//! table, only permitted records, hidden fields absent and not filterable; bulk actions checked
//! per record; export; saved views.

use std::collections::BTreeSet;

use domain::clock::{now_ms, DAY_MS};
use domain::customers::bulk::{self, BulkAction};
use domain::customers::export::{self, Selection};
use domain::customers::list::{count, page, ListFilter, ListQuery, Sort, SortKey, ViewSpec};
use domain::customers::{self, tags};
use domain::on_both_engines;
use domain::policy::Actor;
use domain::roles::{Action, ObjectType};
use domain::testing::{actor, user_id as id_of, TestDb};
use domain::{demo, views, DomainError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;



/// A customer row as plain data, for computing expected answers without the list code.
#[derive(Debug, Clone)]
struct Plain {
    id: i64,
    name: String,
    level: String,
    city: String,
    province: String,
    status: String,
    phone: String,
    owner: Option<i64>,
    unit: i64,
    waiting: bool,
    last_follow_up_at: i64,
    tags: Vec<String>,
}

/// All customers in the database's own order for `sort` (so text collation is the engine's).
async fn plain_rows(t: &TestDb, sort: Sort) -> Vec<Plain> {
    let column = match sort.key {
        SortKey::Created => "id",
        SortKey::Name => "name",
        SortKey::Updated => "updated_at",
        SortKey::LastFollowUp => "last_follow_up_at",
    };
    let dir = if sort.descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT id, name, level, city, province, status, phone, owner_id, unit_id, pool_id, updated_at, last_follow_up_at \
         FROM customers ORDER BY {column} {dir}, id {dir}"
    );
    let tag_rows = sqlx::query("SELECT customer_id, tag FROM customer_tags").fetch_all(t.db.pool()).await.unwrap();
    let mut out = Vec::new();
    for r in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(t.db.pool()).await.unwrap() {
        let id: i64 = r.try_get("id").unwrap();
        let owner: Option<i64> = r.try_get("owner_id").unwrap();
        out.push(Plain {
            id,
            name: r.try_get("name").unwrap(),
            level: r.try_get("level").unwrap(),
            city: r.try_get("city").unwrap(),
            province: r.try_get("province").unwrap(),
            status: r.try_get("status").unwrap(),
            phone: r.try_get("phone").unwrap(),
            owner,
            unit: r.try_get("unit_id").unwrap(),
            waiting: owner.is_none() && r.try_get::<Option<i64>, _>("pool_id").unwrap().is_some(),
            last_follow_up_at: r.try_get("last_follow_up_at").unwrap(),
            tags: tag_rows
                .iter()
                .filter(|t| t.try_get::<i64, _>("customer_id").unwrap() == id)
                .map(|t| t.try_get("tag").unwrap())
                .collect(),
        });
    }
    out
}

fn matches(p: &Plain, f: &ListFilter, subtree: &[i64]) -> bool {
    let text = f.text.to_lowercase();
    (text.is_empty() || p.name.to_lowercase().contains(&text) || p.phone.contains(&text))
        && (f.level.is_empty() || p.level == f.level)
        && (f.city.is_empty() || p.city == f.city)
        && (f.province.is_empty() || p.province == f.province)
        && (f.status.is_empty() || p.status == f.status)
        && (f.tag.is_empty() || p.tags.contains(&f.tag))
        && f.owner_id.is_none_or(|o| p.owner == Some(o))
        && (f.unit_id.is_none() || subtree.contains(&p.unit))
        && f.follow_up_before.is_none_or(|b| p.last_follow_up_at < b)
        && f.follow_up_after.is_none_or(|a| p.last_follow_up_at >= a)
}

async fn all_pages(t: &TestDb, actor: &Actor, filter: &ListFilter, sort: Sort, limit: i64) -> Vec<i64> {
    let mut q = ListQuery { filter: filter.clone(), sort, after: None, limit };
    let mut ids = Vec::new();
    loop {
        let p = page(&t.db, actor, &q).await.unwrap();
        assert!(p.rows.len() as i64 <= limit);
        ids.extend(p.rows.iter().map(|r| r.id));
        match p.next {
            Some(next) => q.after = Some(next),
            None => return ids,
        }
    }
}

/// Varied data on top of the demo: tags, statuses, follow-up times and update times.
async fn vary(t: &TestDb) {
    let mut rng = StdRng::seed_from_u64(7);
    let ids: Vec<i64> = sqlx::query("SELECT id FROM customers ORDER BY id").fetch_all(t.db.pool()).await.unwrap().iter().map(|r| r.try_get("id").unwrap()).collect();
    let now = now_ms();
    for id in ids {
        let follow = if rng.gen_bool(0.2) { 0 } else { now - rng.gen_range(0..400) * DAY_MS };
        // Repeated update times make ties that the id must break.
        let updated = now - rng.gen_range(0..5) * DAY_MS;
        let status = if rng.gen_bool(0.1) { "inactive" } else { "active" };
        sqlx::query("UPDATE customers SET last_follow_up_at = $2, updated_at = $3, status = $4 WHERE id = $1")
            .bind(id)
            .bind(follow)
            .bind(updated)
            .bind(status)
            .execute(t.db.pool())
            .await
            .unwrap();
        for tag in ["重点", "展会2026", "VIP"] {
            if rng.gen_bool(0.3) {
                sqlx::query("INSERT INTO customer_tags (customer_id, tag, created_at) VALUES ($1, $2, $3)").bind(id).bind(tag).bind(now).execute(t.db.pool()).await.unwrap();
            }
        }
    }
}

on_both_engines!(every_filter_and_sort_returns_exactly_the_permitted_matches_in_order, |t| {
    demo::seed(&t.db).await.unwrap();
    vary(t).await;
    let bj = sqlx::query("SELECT id FROM org_units WHERE name = '北京销售一组'").fetch_one(t.db.pool()).await.unwrap().try_get::<i64, _>("id").unwrap();
    let rep1 = id_of(&t.db, "bj.sales1").await;
    let now = now_ms();
    let filters = vec![
        ListFilter::default(),
        ListFilter { level: "A".into(), ..Default::default() },
        ListFilter { city: "北京".into(), status: "active".into(), ..Default::default() },
        ListFilter { province: "上海".into(), ..Default::default() },
        ListFilter { tag: "重点".into(), ..Default::default() },
        ListFilter { owner_id: Some(rep1), ..Default::default() },
        ListFilter { unit_id: Some(bj), ..Default::default() },
        ListFilter { follow_up_before: Some(now - 90 * DAY_MS), ..Default::default() },
        ListFilter { follow_up_after: Some(now - 30 * DAY_MS), level: "B".into(), ..Default::default() },
        ListFilter { text: "华信".into(), ..Default::default() },
        ListFilter { text: "13".into(), tag: "VIP".into(), ..Default::default() },
    ];
    let subtree = domain::org::subtree_ids(&t.db, bj).await.unwrap();
    let mut checked = 0;
    for login in ["bj.sales1", "bj.manager", "admin", "sh.sales2", "finance", "bj.service"] {
        let actor = actor(&t.db, login).await;
        let readable: BTreeSet<i64> = customers::ids_where(&t.db, &actor, Action::Read).await.unwrap().into_iter().collect();
        for key in SortKey::ALL {
            for descending in [false, true] {
                let sort = Sort { key: *key, descending };
                let rows = plain_rows(t, sort).await;
                for f in &filters {
                    let expected: Vec<i64> =
                        rows.iter().filter(|p| readable.contains(&p.id) && !p.waiting && matches(p, f, &subtree)).map(|p| p.id).collect();
                    let got = all_pages(t, &actor, f, sort, 9).await;
                    assert_eq!(got, expected, "{login} {sort:?} {f:?}");
                    assert_eq!(count(&t.db, &actor, f, false).await.unwrap(), expected.len() as i64, "{login} count {f:?}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 6 * 8 * 11);
    // The rep sees only their own; the Shanghai rep nothing of Beijing.
    let rep = actor(&t.db, "bj.sales1").await;
    let mine = all_pages(t, &rep, &ListFilter::default(), Sort::default(), 50).await;
    assert!(!mine.is_empty());
    let owners: BTreeSet<Option<i64>> = plain_rows(t, Sort::default()).await.into_iter().filter(|p| mine.contains(&p.id)).map(|p| p.owner).collect();
    assert_eq!(owners, BTreeSet::from([Some(rep1)]));
    let sh = actor(&t.db, "sh.sales2").await;
    assert!(all_pages(t, &sh, &ListFilter { city: "北京".into(), ..Default::default() }, Sort::default(), 50).await.is_empty());
});

on_both_engines!(hidden_fields_are_absent_and_cannot_be_filtered_or_searched, |t| {
    demo::seed(&t.db).await.unwrap();
    vary(t).await;
    let role = domain::roles::role_id_by_key(&t.db, "branch_manager").await.unwrap();
    for field in ["phone", "tags", "level"] {
        sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, 'customer', $2, 'hidden')")
            .bind(role)
            .bind(field)
            .execute(t.db.pool())
            .await
            .unwrap();
    }
    let manager = actor(&t.db, "bj.manager").await;
    let p = page(&t.db, &manager, &ListQuery { limit: 200, ..Default::default() }).await.unwrap();
    assert!(!p.rows.is_empty());
    for r in &p.rows {
        assert!(r.phone.is_none() && r.tags.is_none() && r.level.is_none(), "{r:?}");
        assert!(r.city.is_some());
        let json = serde_json::to_string(r).unwrap();
        assert!(!json.contains("\"phone\"") && !json.contains("\"tags\"") && !json.contains("\"level\""), "{json}");
    }
    for f in [ListFilter { level: "A".into(), ..Default::default() }, ListFilter { tag: "VIP".into(), ..Default::default() }] {
        assert!(matches!(page(&t.db, &manager, &ListQuery { filter: f.clone(), limit: 10, ..Default::default() }).await, Err(DomainError::Invalid { code: "not_readable", .. })));
        assert!(matches!(count(&t.db, &manager, &f, false).await, Err(DomainError::Invalid { code: "not_readable", .. })));
    }
    // A phone number typed into the search finds nothing through the hidden field.
    let phone: String = sqlx::query("SELECT phone FROM customers WHERE city = '北京' AND owner_id IS NOT NULL ORDER BY id LIMIT 1")
        .fetch_one(t.db.pool())
        .await
        .unwrap()
        .try_get("phone")
        .unwrap();
    let found = page(&t.db, &manager, &ListQuery { filter: ListFilter { text: phone.clone(), ..Default::default() }, limit: 10, ..Default::default() }).await.unwrap();
    assert!(found.rows.is_empty());
    // Someone who may read phones finds it.
    let admin = actor(&t.db, "admin").await;
    let found = page(&t.db, &admin, &ListQuery { filter: ListFilter { text: phone, ..Default::default() }, limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(found.rows.len(), 1);
    // Export leaves the hidden columns out.
    let table = export::export(&t.db, &manager, &Selection::Ids(p.rows.iter().map(|r| r.id).take(5).collect())).await.unwrap();
    assert!(!table.columns.iter().any(|c| c == "phone" || c == "tags" || c == "level"));
    assert_eq!(table.rows.len(), 5);
});

on_both_engines!(counts_are_exact_up_to_the_cap, |t| {
    demo::seed(&t.db).await.unwrap();
    let unit: i64 = sqlx::query("SELECT id FROM org_units WHERE name = '北京销售一组'").fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    let rep = id_of(&t.db, "bj.sales1").await;
    let mut tx = t.db.begin_write().await.unwrap();
    let now = now_ms();
    for i in 0..10_050 {
        sqlx::query(
            "INSERT INTO customers (name, level, city, owner_id, unit_id, last_follow_up_at, created_at, updated_at) VALUES ($1, 'C', '北京', $2, $3, 0, $4, $4)",
        )
        .bind(format!("批量客户{i:05}"))
        .bind(rep)
        .bind(unit)
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let admin = actor(&t.db, "admin").await;
    let f = ListFilter { text: "批量客户".into(), ..Default::default() };
    assert_eq!(count(&t.db, &admin, &f, false).await.unwrap(), customers::COUNT_CAP + 1, "shown as 10,000+");
    assert_eq!(count(&t.db, &admin, &f, true).await.unwrap(), 10_050, "exact when asked");
    let f = ListFilter { text: "批量客户0999".into(), ..Default::default() };
    assert_eq!(count(&t.db, &admin, &f, false).await.unwrap(), 10);
    // A deep page by cursor is the same as walking there.
    let q = ListQuery { filter: ListFilter { text: "批量客户".into(), ..Default::default() }, sort: Sort { key: SortKey::Name, descending: true }, after: None, limit: 200 };
    let mut walk = q.clone();
    for _ in 0..30 {
        walk.after = page(&t.db, &admin, &walk).await.unwrap().next;
    }
    let deep = page(&t.db, &admin, &walk).await.unwrap();
    assert_eq!(deep.rows[0].name, format!("批量客户{:05}", 10_049 - 30 * 200));
});

on_both_engines!(bulk_actions_are_decided_per_record_and_refusals_change_nothing, |t| {
    demo::seed(&t.db).await.unwrap();
    let manager = actor(&t.db, "bj.manager").await;
    let rep = actor(&t.db, "bj.sales1").await;
    let rep2 = id_of(&t.db, "bj.sales2").await;
    let mine: Vec<i64> = all_pages(t, &rep, &ListFilter::default(), Sort::default(), 50).await;
    let shanghai: i64 = sqlx::query("SELECT id FROM customers WHERE city = '上海' AND owner_id IS NOT NULL ORDER BY id LIMIT 1").fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    let other_bj: i64 = sqlx::query("SELECT id FROM customers WHERE city = '北京' AND owner_id = $1 ORDER BY id LIMIT 1").bind(rep2).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();

    // A rep may tag their own customers, not a colleague's (forbidden: not even readable) nor Shanghai's.
    let selection = vec![mine[0], mine[1], other_bj, shanghai];
    let r = bulk::apply(&t.db, &rep, &selection, &BulkAction::AddTag("展会2026".into())).await.unwrap();
    assert_eq!(r.done, vec![mine[0], mine[1]]);
    assert_eq!(r.refused.iter().map(|x| (x.id, x.reason.as_str(), x.name.is_some())).collect::<Vec<_>>(), {
        let mut v = vec![(other_bj, "not_found", false), (shanghai, "not_found", false)];
        v.sort();
        v
    });
    for id in [other_bj, shanghai] {
        assert!(customers::get(&t.db, &actor(&t.db, "admin").await, id).await.unwrap().tags.unwrap().is_empty());
    }
    // Tagging again changes nothing; history records the first change only.
    let r = bulk::apply(&t.db, &rep, &mine[..2], &BulkAction::AddTag("展会2026".into())).await.unwrap();
    assert_eq!(r.unchanged, mine[..2].to_vec());
    let history = customers::history::field_history(&t.db, &rep, mine[0]).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].field.as_str(), history[0].old.as_str(), history[0].new.as_str()), ("tags", "", "展会2026"));

    // A rep may not assign (no assign right): each record refused as forbidden, named because readable.
    let r = bulk::apply(&t.db, &rep, &mine[..2], &BulkAction::Assign { to_user: rep2 }).await.unwrap();
    assert!(r.done.is_empty());
    assert!(r.refused.iter().all(|x| x.reason == "forbidden" && x.name.is_some()));
    // The branch manager assigns Beijing customers; the Shanghai one is refused and stays put.
    let before_sh: Option<i64> = sqlx::query("SELECT owner_id FROM customers WHERE id = $1").bind(shanghai).fetch_one(t.db.pool()).await.unwrap().try_get("owner_id").unwrap();
    let r = bulk::apply(&t.db, &manager, &[mine[0], mine[1], shanghai], &BulkAction::Assign { to_user: rep2 }).await.unwrap();
    assert_eq!(r.done, vec![mine[0], mine[1]]);
    assert_eq!(r.refused.len(), 1);
    let after_sh: Option<i64> = sqlx::query("SELECT owner_id FROM customers WHERE id = $1").bind(shanghai).fetch_one(t.db.pool()).await.unwrap().try_get("owner_id").unwrap();
    assert_eq!(before_sh, after_sh);
    // An unknown new owner refuses the whole action.
    assert!(matches!(bulk::apply(&t.db, &manager, &[mine[2]], &BulkAction::Assign { to_user: 999_999 }).await, Err(DomainError::Invalid { .. })));

    // Release to the pool: the manager may; a reason is required for the whole action.
    assert!(matches!(bulk::apply(&t.db, &manager, &[mine[2]], &BulkAction::Release { reason: " ".into() }).await, Err(DomainError::Invalid { field: "reason", .. })));
    let r = bulk::apply(&t.db, &manager, &[mine[0], mine[2]], &BulkAction::Release { reason: "长期未成交".into() }).await.unwrap();
    assert_eq!(r.done, vec![mine[0], mine[2]]);
    let r = bulk::apply(&t.db, &manager, &[mine[0]], &BulkAction::Release { reason: "again".into() }).await.unwrap();
    assert_eq!(r.refused[0].reason, "already_in_pool");
    // Limits on the selection.
    assert!(matches!(bulk::apply(&t.db, &manager, &[], &BulkAction::AddTag("x".into())).await, Err(DomainError::Invalid { .. })));
    let too_many: Vec<i64> = (1..=1001).collect();
    assert!(matches!(bulk::apply(&t.db, &manager, &too_many, &BulkAction::AddTag("x".into())).await, Err(DomainError::Invalid { .. })));
});

on_both_engines!(export_holds_only_readable_exportable_records, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let manager = actor(&t.db, "bj.manager").await;
    let mine = all_pages(t, &rep, &ListFilter::default(), Sort::default(), 50).await;
    let shanghai: i64 = sqlx::query("SELECT id FROM customers WHERE city = '上海' AND owner_id IS NOT NULL ORDER BY id LIMIT 1").fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    // Sales reps have no export right at all.
    let table = export::export(&t.db, &rep, &Selection::Ids(mine.clone())).await.unwrap();
    assert!(table.rows.is_empty());
    assert_eq!(table.skipped, mine.len());
    // The manager exports Beijing, not the Shanghai record slipped into the selection.
    let mut selection = mine.clone();
    selection.push(shanghai);
    let table = export::export(&t.db, &manager, &Selection::Ids(selection)).await.unwrap();
    assert_eq!(table.rows.iter().map(|r| r[0].parse::<i64>().unwrap()).collect::<Vec<_>>(), mine);
    assert_eq!(table.skipped, 1);
    assert!(table.columns.iter().any(|c| c == "phone"));
    // By filter: the manager's Beijing A-level customers, in list order.
    let f = ListFilter { level: "A".into(), ..Default::default() };
    let table = export::export(&t.db, &manager, &Selection::Filter { filter: f.clone(), sort: Sort::default() }).await.unwrap();
    assert_eq!(table.rows.iter().map(|r| r[0].parse::<i64>().unwrap()).collect::<Vec<_>>(), all_pages(t, &manager, &f, Sort::default(), 50).await);
    let csv = export::to_csv(&table.columns, &table.rows);
    assert_eq!(csv.lines().count(), table.rows.len() + 1);
    // Each export is audited.
    let audited: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'customer' AND action = 'export'").fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(audited, 3);
});

on_both_engines!(saved_views_are_private_and_remember_the_last_state, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let other = actor(&t.db, "bj.sales2").await;
    let spec = ViewSpec { filter: ListFilter { level: "A".into(), ..Default::default() }, sort: Sort { key: SortKey::Name, descending: false }, columns: vec!["name".into(), "level".into()] };
    let id = views::save(&t.db, &rep, ObjectType::Customer, " A级客户 ", &spec).await.unwrap();
    // Saving under the same name overwrites.
    let spec2 = ViewSpec { columns: vec!["name".into()], ..spec.clone() };
    assert_eq!(views::save(&t.db, &rep, ObjectType::Customer, "A级客户", &spec2).await.unwrap(), id);
    let mine: Vec<views::SavedView<ViewSpec>> = views::list(&t.db, &rep, ObjectType::Customer).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].name.as_str(), &mine[0].spec), ("A级客户", &spec2));
    assert!(views::list::<ViewSpec>(&t.db, &other, ObjectType::Customer).await.unwrap().is_empty());
    assert!(matches!(views::delete(&t.db, &other, id).await, Err(DomainError::NotFound)));
    assert!(matches!(views::save(&t.db, &rep, ObjectType::Customer, "  ", &spec).await, Err(DomainError::Invalid { field: "name", .. })));
    views::remember(&t.db, &rep, ObjectType::Customer, &spec).await.unwrap();
    assert_eq!(views::last::<ViewSpec>(&t.db, &rep, ObjectType::Customer).await.unwrap(), Some(spec));
    assert_eq!(views::list::<ViewSpec>(&t.db, &rep, ObjectType::Customer).await.unwrap().len(), 1, "the last state is not a named view");
    views::delete(&t.db, &rep, id).await.unwrap();
    assert!(views::list::<ViewSpec>(&t.db, &rep, ObjectType::Customer).await.unwrap().is_empty());
});

on_both_engines!(tags_need_the_edit_right_and_are_kept_in_history, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let id = all_pages(t, &rep, &ListFilter::default(), Sort::default(), 5).await[0];
    tags::set_tags(&t.db, &rep, id, &["重点".into(), " VIP ".into(), "重点".into()]).await.unwrap();
    assert_eq!(customers::get(&t.db, &rep, id).await.unwrap().tags, Some(vec!["VIP".into(), "重点".into()]));
    assert!(matches!(tags::set_tags(&t.db, &rep, id, &["a,b".into()]).await, Err(DomainError::Invalid { field: "tags", .. })));
    // Read-only tags: the write is refused whole.
    let role = domain::roles::role_id_by_key(&t.db, "sales_rep").await.unwrap();
    sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, 'customer', 'tags', 'read')").bind(role).execute(t.db.pool()).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    assert!(matches!(tags::set_tags(&t.db, &rep, id, &[]).await, Err(DomainError::ReadOnlyField(f)) if f == "tags"));
    assert_eq!(customers::get(&t.db, &rep, id).await.unwrap().tags.unwrap().len(), 2);
    let in_use = tags::tags_in_use(&t.db, &rep, 10).await.unwrap();
    assert_eq!(in_use, vec!["VIP".to_string(), "重点".to_string()]);
    // A Shanghai rep sees no Beijing tags.
    assert!(tags::tags_in_use(&t.db, &actor(&t.db, "sh.sales1").await, 10).await.unwrap().is_empty());
});

on_both_engines!(contacts_are_listed_with_their_customers_only, |t| {
    use domain::contacts::{list, ContactQuery};
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let admin = actor(&t.db, "admin").await;
    let mine = all_pages(t, &rep, &ListFilter::default(), Sort::default(), 50).await;
    let other: i64 = sqlx::query("SELECT id FROM customers WHERE city = '上海' AND owner_id IS NOT NULL ORDER BY id LIMIT 1").fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    for (i, id) in mine.iter().take(3).enumerate() {
        domain::activity::add_contact(&t.db, &rep, *id, &format!("联系人{i}"), "经理", "1380000000{i}", "").await.unwrap();
    }
    domain::activity::add_contact(&t.db, &admin, other, "上海联系人", "", "13900000009", "a@b.cn").await.unwrap();
    let q = |text: &str, before_id: Option<i64>, limit: i64| ContactQuery { text: text.into(), before_id, limit };
    let got = list(&t.db, &rep, &q("", None, 50)).await.unwrap();
    assert_eq!(got.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), vec!["联系人2", "联系人1", "联系人0"]);
    assert_eq!(list(&t.db, &admin, &q("", None, 50)).await.unwrap().len(), 4);
    assert_eq!(list(&t.db, &admin, &q("a@b", None, 50)).await.unwrap()[0].name, "上海联系人");
    assert_eq!(list(&t.db, &rep, &q("上海", None, 50)).await.unwrap().len(), 0);
    // Keyset paging, newest first.
    let first = list(&t.db, &rep, &q("", None, 2)).await.unwrap();
    let rest = list(&t.db, &rep, &q("", Some(first[1].id), 2)).await.unwrap();
    assert_eq!(rest.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), vec!["联系人0"]);
    // Finance may read customers but holds no contact grant.
    assert!(matches!(list(&t.db, &actor(&t.db, "finance").await, &q("", None, 5)).await, Err(DomainError::Forbidden)));
});
