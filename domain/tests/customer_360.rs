//! The customer 360 page's data on both engines: field history and the customer as of a date,
//! concurrent edits, per-unit assessments side by side, private and shared notes.

use std::collections::BTreeMap;

use domain::customers::{self, assessments, history, notes};
use domain::on_both_engines;
use domain::testing::{actor, first_customer_of as owned_by, TestDb};
use domain::{demo, DomainError};
use sqlx::Row;



fn change(field: &str, value: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(field.to_string(), value.to_string())])
}

/// Moves every history entry of a customer back by `ms`, as if it had happened earlier.
async fn age_history(t: &TestDb, id: i64, ms: i64) {
    sqlx::query("UPDATE customer_history SET at = at - $2 WHERE customer_id = $1").bind(id).bind(ms).execute(t.db.pool()).await.unwrap();
    sqlx::query("UPDATE customers SET created_at = created_at - $2 WHERE id = $1").bind(id).bind(3 * ms).execute(t.db.pool()).await.unwrap();
}

on_both_engines!(field_history_shows_who_changed_what_and_the_customer_as_of_a_date, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let manager = actor(&t.db, "bj.manager").await;
    let id = owned_by(&t.db, "bj.sales1").await;
    let original = customers::get(&t.db, &rep, id).await.unwrap();
    customers::update(&t.db, &rep, id, &BTreeMap::from([("city".into(), "天津".into()), ("phone".into(), "13900000001".into())])).await.unwrap();
    age_history(t, id, 10_000).await;
    let between = domain::clock::now_ms() - 5_000;
    let new_level = if original.level.as_deref() == Some("A") { "D" } else { "A" };
    customers::update(&t.db, &manager, id, &change("level", new_level)).await.unwrap();
    // Saving an unchanged value writes no history.
    customers::update(&t.db, &manager, id, &change("level", new_level)).await.unwrap();

    let h = history::field_history(&t.db, &rep, id).await.unwrap();
    assert_eq!(h.len(), 3);
    assert_eq!((h[0].field.as_str(), h[0].new.as_str(), h[0].who.as_deref()), ("level", new_level, Some("李建国")));
    let city = h.iter().find(|c| c.field == "city").unwrap();
    assert_eq!((city.old.as_str(), city.new.as_str(), city.who.as_deref()), (original.city.as_deref().unwrap(), "天津", Some("张伟")));

    // As of a time between the two saves: the first change is in, the second not yet.
    let then = history::as_of(&t.db, &rep, id, between).await.unwrap();
    assert_eq!(then.city.as_deref(), Some("天津"));
    assert_eq!(then.level, original.level);
    // As of before both: the original values.
    let before = history::as_of(&t.db, &rep, id, between - 8_000).await.unwrap();
    assert_eq!((before.city.clone(), before.phone.clone(), before.level.clone()), (original.city.clone(), original.phone.clone(), original.level.clone()));
    assert!(matches!(history::as_of(&t.db, &rep, id, 0).await, Err(DomainError::Invalid { code: "before_creation", .. })));

    // Someone who may not read phones sees neither the phone's history nor its old value.
    let role = domain::roles::role_id_by_key(&t.db, "branch_manager").await.unwrap();
    sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, 'customer', 'phone', 'hidden')").bind(role).execute(t.db.pool()).await.unwrap();
    let manager = actor(&t.db, "bj.manager").await;
    let h = history::field_history(&t.db, &manager, id).await.unwrap();
    assert!(h.iter().all(|c| c.field != "phone"));
    assert_eq!(h.len(), 2);
    assert!(history::as_of(&t.db, &manager, id, between - 8_000).await.unwrap().phone.is_none());
    // Out of scope: nothing at all.
    let sh = actor(&t.db, "sh.sales1").await;
    assert!(matches!(history::field_history(&t.db, &sh, id).await, Err(DomainError::NotFound)));
    assert!(matches!(history::as_of(&t.db, &sh, id, between).await, Err(DomainError::NotFound)));
});

on_both_engines!(an_edit_based_on_a_stale_copy_is_refused, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let manager = actor(&t.db, "bj.manager").await;
    let id = owned_by(&t.db, "bj.sales1").await;
    let seen = customers::get(&t.db, &rep, id).await.unwrap().updated_at;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    customers::update_checked(&t.db, &manager, id, &change("address", "朝阳区 1 号"), Some(seen)).await.unwrap();
    let r = customers::update_checked(&t.db, &rep, id, &change("address", "海淀区 2 号"), Some(seen)).await;
    assert!(matches!(r, Err(DomainError::Conflict(c)) if c == "changed_meanwhile"));
    assert_eq!(customers::get(&t.db, &rep, id).await.unwrap().address.as_deref(), Some("朝阳区 1 号"));
    let fresh = customers::get(&t.db, &rep, id).await.unwrap().updated_at;
    customers::update_checked(&t.db, &rep, id, &change("address", "海淀区 2 号"), Some(fresh)).await.unwrap();
    // Each save wrote an event with the changed fields only (no values).
    let events: Vec<String> = sqlx::query("SELECT payload FROM events WHERE kind = 'customer.update' AND record_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("payload").unwrap())
        .collect();
    assert_eq!(events, vec![r#"{"fields":["address"]}"#.to_string(); 2]);
});

on_both_engines!(units_grade_a_customer_side_by_side, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let service = actor(&t.db, "bj.service").await;
    let id = owned_by(&t.db, "bj.sales1").await;
    assessments::assess(&t.db, &rep, id, "A", "合作意愿强").await.unwrap();
    assessments::assess(&t.db, &service, id, "C", "投诉较多").await.unwrap();
    assessments::assess(&t.db, &rep, id, "B", "预算推迟").await.unwrap();
    let all = assessments::assessments(&t.db, &service, id).await.unwrap();
    assert_eq!(all.len(), 2, "one entry per unit");
    let sales = all.iter().find(|u| u.unit_name == "北京销售一组").unwrap();
    assert_eq!((sales.current.grade.as_str(), sales.current.author.as_str()), ("B", "张伟"));
    assert_eq!(sales.earlier.iter().map(|a| a.grade.as_str()).collect::<Vec<_>>(), vec!["A"]);
    let svc = all.iter().find(|u| u.unit_name == "北京客服部").unwrap();
    assert_eq!((svc.current.grade.as_str(), svc.current.comment.as_str()), ("C", "投诉较多"));
    assert!(matches!(assessments::assess(&t.db, &rep, id, "Z", "").await, Err(DomainError::Invalid { field: "grade", .. })));
    let sh = actor(&t.db, "sh.sales1").await;
    assert!(matches!(assessments::assess(&t.db, &sh, id, "D", "").await, Err(DomainError::NotFound)));
    assert!(matches!(assessments::assessments(&t.db, &sh, id).await, Err(DomainError::NotFound)));
});

on_both_engines!(private_notes_stay_with_their_author, |t| {
    demo::seed(&t.db).await.unwrap();
    let rep = actor(&t.db, "bj.sales1").await;
    let manager = actor(&t.db, "bj.manager").await;
    let id = owned_by(&t.db, "bj.sales1").await;
    let private = notes::add_note(&t.db, &rep, id, "这个客户能帮我完成本月业绩", true).await.unwrap();
    let shared = notes::add_note(&t.db, &rep, id, "采购负责人下月换人", false).await.unwrap();
    let mine: Vec<i64> = notes::notes(&t.db, &rep, id).await.unwrap().iter().map(|n| n.id).collect();
    assert_eq!(mine, vec![shared, private]);
    let theirs = notes::notes(&t.db, &manager, id).await.unwrap();
    assert_eq!(theirs.iter().map(|n| n.id).collect::<Vec<_>>(), vec![shared]);
    // Others cannot delete: a private note does not exist for them, a shared one is not theirs.
    assert!(matches!(notes::delete_note(&t.db, &manager, private).await, Err(DomainError::NotFound)));
    assert!(matches!(notes::delete_note(&t.db, &manager, shared).await, Err(DomainError::Forbidden)));
    assert!(matches!(notes::add_note(&t.db, &rep, id, "   ", false).await, Err(DomainError::Invalid { field: "note", .. })));
    // Only the shared note is announced to others.
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM events WHERE kind = 'customer.note' AND record_id = $1").bind(id).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(n, 1);
    notes::delete_note(&t.db, &rep, private).await.unwrap();
    assert_eq!(notes::notes(&t.db, &rep, id).await.unwrap().len(), 1);
});
