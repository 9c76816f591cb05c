use domain::on_both_engines;
use domain::org::{ancestors, create_unit, subtree_ids, UnitKind, UnitName};
use domain::roles::{grants_for_user, Action, ObjectType, Scope};
use domain::{demo, DomainError};
use sqlx::Row;

on_both_engines!(closure_table_answers_subtree_and_path, |t| {
    let name = |s: &str| UnitName::parse(s).unwrap();
    let hq = create_unit(&t.db, None, UnitKind::Group, &name("集团"), "Group", None).await.unwrap();
    let bj = create_unit(&t.db, Some(hq), UnitKind::Branch, &name("北京"), "Beijing", None).await.unwrap();
    let team = create_unit(&t.db, Some(bj), UnitKind::Team, &name("一组"), "Team 1", None).await.unwrap();
    let sh = create_unit(&t.db, Some(hq), UnitKind::Branch, &name("上海"), "Shanghai", None).await.unwrap();

    assert_eq!(subtree_ids(&t.db, hq).await.unwrap(), vec![hq, bj, sh, team]);
    assert_eq!(subtree_ids(&t.db, bj).await.unwrap(), vec![bj, team]);
    assert_eq!(subtree_ids(&t.db, sh).await.unwrap(), vec![sh]);
    let path: Vec<i64> = ancestors(&t.db, team).await.unwrap().iter().map(|u| u.id).collect();
    assert_eq!(path, vec![hq, bj, team]);

    let err = create_unit(&t.db, Some(99_999), UnitKind::Team, &name("孤儿"), "", None).await.unwrap_err();
    assert!(matches!(err, DomainError::Invalid { field: "parent", .. }), "{err:?}");
    assert!(UnitName::parse("   ").is_err());
});

on_both_engines!(demo_seed_builds_the_group_once, |t| {
    let summary = demo::seed(&t.db).await.unwrap();
    assert_eq!(summary.logins.len(), 15);
    assert_eq!(summary.customers, 200);
    assert_eq!(domain::customers::count_all(&t.db).await.unwrap(), 200);
    assert!(domain::org::count_units(&t.db).await.unwrap() >= 10);

    // Seeding twice is refused and changes nothing.
    assert!(matches!(demo::seed(&t.db).await, Err(DomainError::Conflict(_))));
    assert_eq!(domain::customers::count_all(&t.db).await.unwrap(), 200);

    // Every demo login signs in with the published password.
    for l in &summary.logins {
        domain::accounts::authenticate(&t.db, &l.login, demo::DEMO_PASSWORD, "127.0.0.1").await.unwrap();
    }

    // Beijing customers sit in Beijing units, Shanghai ones in Shanghai units.
    let bj = sqlx::query("SELECT id FROM org_units WHERE name = '北京分公司'").fetch_one(t.db.pool()).await.unwrap();
    let bj: i64 = bj.try_get("id").unwrap();
    let bj_units = subtree_ids(&t.db, bj).await.unwrap();
    let rows = sqlx::query("SELECT city, unit_id FROM customers").fetch_all(t.db.pool()).await.unwrap();
    for r in rows {
        let city: String = r.try_get("city").unwrap();
        let unit: i64 = r.try_get("unit_id").unwrap();
        assert_eq!(city == "北京", bj_units.contains(&unit), "{city} in unit {unit}");
    }

    // Roles carry their grants.
    let uid = |login: &'static str| async move {
        sqlx::query("SELECT id FROM users WHERE login = $1").bind(login).fetch_one(t.db.pool()).await.unwrap().try_get::<i64, _>("id").unwrap()
    };
    let rep = grants_for_user(&t.db, uid("bj.sales1").await).await.unwrap();
    assert_eq!(rep.scope(ObjectType::Customer, Action::Read), Scope::Own);
    assert!(!rep.can(ObjectType::Admin, Action::Read));
    let admin = grants_for_user(&t.db, uid("admin").await).await.unwrap();
    assert_eq!(admin.scope(ObjectType::Admin, Action::Read), Scope::All);
    let manager = grants_for_user(&t.db, uid("bj.manager").await).await.unwrap();
    assert_eq!(manager.scope(ObjectType::Customer, Action::Read), Scope::UnitAndBelow);
});
