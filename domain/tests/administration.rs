//! Administration of the org tree, users and roles: rules, refusals, audit, impact preview,
//! explainer.

use domain::accounts::admin::{self, UserPlacement};
use domain::accounts::users::{Login, NewUser, Password};
use domain::audit::{self, AuditQuery};
use domain::customers;
use domain::impact::{self, Change};
use domain::on_both_engines;
use domain::org::{self, UnitKind, UnitName};
use domain::policy::{explain, Actor, FieldAccess, Reason};
use domain::roles::{self, Action, ObjectType, Scope};
use domain::testing::TestDb;
use domain::{demo, DomainError};
use sqlx::Row;

async fn actor(t: &TestDb, login: &str) -> Actor {
    let id: i64 = sqlx::query("SELECT id FROM users WHERE login = $1").bind(login).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    Actor::load(&t.db, id).await.unwrap()
}

async fn unit(t: &TestDb, name: &str) -> i64 {
    sqlx::query("SELECT id FROM org_units WHERE name = $1").bind(name).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

on_both_engines!(units_are_created_renamed_moved_and_deactivated_by_rules, |t| {
    demo::seed(&t.db).await.unwrap();
    let admin = actor(t, "admin").await;
    let manager = actor(t, "bj.manager").await;
    let bj = unit(t, "北京分公司").await;
    let sh = unit(t, "上海分公司").await;
    let name = |s: &str| UnitName::parse(s).unwrap();

    assert!(matches!(org::admin_create_unit(&t.db, &manager, Some(bj), UnitKind::Team, &name("三组"), "").await, Err(DomainError::Forbidden)));
    let team = org::admin_create_unit(&t.db, &admin, Some(bj), UnitKind::Team, &name("北京销售三组"), "Beijing sales team 3").await.unwrap();
    let sub = org::admin_create_unit(&t.db, &admin, Some(team), UnitKind::Team, &name("三组甲"), "").await.unwrap();
    org::update_unit(&t.db, &admin, team, &name("北京大客户组"), "Beijing key accounts", Some(manager.user_id)).await.unwrap();
    assert_eq!(org::get_unit(&t.db, team).await.unwrap().name, "北京大客户组");
    assert_eq!(org::list_tree(&t.db).await.unwrap().iter().find(|u| u.id == team).unwrap().head_name.as_deref(), Some("李建国"));
    let r = org::update_unit(&t.db, &admin, team, &name("北京大客户组"), "", Some(999_999)).await;
    assert!(matches!(r, Err(DomainError::Invalid { field: "head", .. })));

    // Moving a subtree moves the closure with it; cycles are refused.
    org::move_unit(&t.db, &admin, team, sh).await.unwrap();
    assert!(org::subtree_ids(&t.db, sh).await.unwrap().contains(&sub));
    assert!(!org::subtree_ids(&t.db, bj).await.unwrap().contains(&sub));
    let path: Vec<i64> = org::ancestors(&t.db, sub).await.unwrap().iter().map(|u| u.id).collect();
    assert_eq!(&path[path.len() - 3..], &[sh, team, sub]);
    for bad_parent in [team, sub] {
        let r = org::move_unit(&t.db, &admin, team, bad_parent).await;
        assert!(matches!(r, Err(DomainError::Invalid { field: "parent", code: "cycle" })), "{r:?}");
    }

    // Deactivation is refused while people or records remain, with the counts.
    match org::deactivate_unit(&t.db, &admin, bj).await {
        Err(DomainError::UnitNotEmpty { users, records, units }) => {
            assert_eq!(users, 2, "the branch manager, and the service agent who also belongs to the branch");
            assert_eq!(records, 10, "the pool customers held by the branch");
            assert_eq!(units, 3);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(org::get_unit(&t.db, bj).await.is_ok());
    org::deactivate_unit(&t.db, &admin, sub).await.unwrap();
    let tree = org::list_tree(&t.db).await.unwrap();
    assert!(!tree.iter().find(|u| u.id == sub).unwrap().active);
    assert_eq!(tree[0].parent_id, None, "roots first");

    let log = audit::list(&t.db, &admin, &AuditQuery { entity: Some("org_unit".into()), ..Default::default() }).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["deactivate", "move", "update", "create", "create"]);
    assert_eq!(log[1].before.as_ref().unwrap()["parent_id"], serde_json::json!(bj));
    assert_eq!(log[1].after.as_ref().unwrap()["parent_id"], serde_json::json!(sh));
    assert_eq!(log[1].actor_name.as_deref(), Some("系统管理员"));
    assert!(matches!(audit::list(&t.db, &manager, &AuditQuery::default()).await, Err(DomainError::Forbidden)));
});

on_both_engines!(users_are_administered_and_audited, |t| {
    demo::seed(&t.db).await.unwrap();
    let admin = actor(t, "admin").await;
    let bj_team = unit(t, "北京销售二组").await;
    let sh_team = unit(t, "上海销售一组").await;
    let rep_role = roles::role_id_by_key(&t.db, "sales_rep").await.unwrap();
    let bj_manager = actor(t, "bj.manager").await;
    let new_user = NewUser {
        login: Login::parse("bj.sales4").unwrap(),
        email: None,
        display_name: "新人".into(),
        password: Password::parse("first-pass-1").unwrap(),
        primary_unit_id: bj_team,
        manager_id: Some(bj_manager.user_id),
        role_ids: vec![rep_role],
    };
    assert!(matches!(admin::create_user(&t.db, &bj_manager, new_user.clone(), vec![]).await, Err(DomainError::Forbidden)));
    let id = admin::create_user(&t.db, &admin, new_user, vec![sh_team]).await.unwrap();
    domain::accounts::authenticate(&t.db, "bj.sales4", "first-pass-1", "127.0.0.1").await.unwrap();
    let row = admin::list_users(&t.db, &admin).await.unwrap().into_iter().find(|u| u.id == id).unwrap();
    assert_eq!(row.extra_unit_ids, vec![sh_team]);
    assert_eq!(row.role_ids, vec![rep_role]);

    // A manager cycle is refused and changes nothing.
    let placement = |manager: Option<i64>| UserPlacement {
        display_name: "新人".into(),
        primary_unit_id: bj_team,
        extra_unit_ids: vec![],
        manager_id: manager,
        role_ids: vec![rep_role],
    };
    let r = admin::update_user(&t.db, &admin, bj_manager.user_id, &UserPlacement { manager_id: Some(id), ..placement(Some(id)) }).await;
    assert!(matches!(r, Err(DomainError::Invalid { field: "manager", code: "cycle" })), "{r:?}");
    admin::update_user(&t.db, &admin, id, &placement(None)).await.unwrap();

    admin::reset_password(&t.db, &admin, id, &Password::parse("second-pass-2").unwrap()).await.unwrap();
    assert!(domain::accounts::authenticate(&t.db, "bj.sales4", "second-pass-2", "127.0.0.1").await.is_ok());
    admin::set_active(&t.db, &admin, id, false).await.unwrap();
    assert!(domain::accounts::authenticate(&t.db, "bj.sales4", "second-pass-2", "127.0.0.2").await.is_err());
    admin::set_active(&t.db, &admin, id, true).await.unwrap();
    assert!(matches!(admin::set_active(&t.db, &admin, admin.user_id, false).await, Err(DomainError::Invalid { .. })));

    let log = audit::list(&t.db, &admin, &AuditQuery { entity: Some("user".into()), entity_id: Some(id), ..Default::default() }).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["enable", "disable", "reset_password", "update", "create"]);
    assert!(!serde_json::to_string(&log).unwrap().contains("second-pass-2"), "no password in the audit log");
});

on_both_engines!(role_edits_apply_on_the_next_request_and_are_previewed, |t| {
    demo::seed(&t.db).await.unwrap();
    let admin = actor(t, "admin").await;
    let rep_role = roles::role_id_by_key(&t.db, "sales_rep").await.unwrap();
    let rep_before = actor(t, "bj.sales1").await;
    let own = customers::count_visible(&t.db, &rep_before).await.unwrap();

    // Widen reps' customer read scope to their unit and below, after a preview.
    let mut rights = roles::role_rights(&t.db, rep_role).await.unwrap();
    for g in rights.grants.iter_mut() {
        if g.0 == ObjectType::Customer && g.1 == Action::Read {
            g.2 = Scope::UnitAndBelow;
        }
    }
    rights.field_rights.push((ObjectType::Customer, "phone".into(), FieldAccess::Hidden));
    let change = Change::RoleRights { role_id: rep_role, rights: rights.clone() };
    let imp = impact::preview(&t.db, &admin, &change).await.unwrap();
    assert_eq!(imp.users_considered, 6, "six demo reps hold the role");
    let c = &imp.objects[0];
    assert_eq!(c.object, ObjectType::Customer);
    // Reps alone in their team gain nothing: their unit holds only their own customers.
    assert_eq!(c.users_gaining, 4);
    assert_eq!(c.users_losing, 0);
    assert!(c.records_gained > 0 && !c.examples.is_empty() && c.examples.iter().all(|e| e.gains && !e.record_name.is_empty()));
    // The preview changed nothing.
    assert_eq!(customers::count_visible(&t.db, &actor(t, "bj.sales1").await).await.unwrap(), own);

    roles::update_role_rights(&t.db, &admin, rep_role, &rights).await.unwrap();
    let rep_after = actor(t, "bj.sales1").await;
    let now_visible = customers::count_visible(&t.db, &rep_after).await.unwrap();
    assert!(now_visible > own, "{now_visible} > {own}");
    let first = customers::list_visible(&t.db, &rep_after, None, 1).await.unwrap();
    assert!(first[0].phone.is_none());

    // Copy a built-in role; editing the copy leaves the original alone.
    let copy = roles::copy_role(&t.db, &admin, rep_role, "高级销售", "Senior sales").await.unwrap();
    assert_eq!(roles::role_rights(&t.db, copy).await.unwrap(), roles::role_rights(&t.db, rep_role).await.unwrap());
    roles::update_role_rights(&t.db, &admin, copy, &roles::RoleRights::default()).await.unwrap();
    assert!(!roles::role_rights(&t.db, rep_role).await.unwrap().grants.is_empty());
    assert!(matches!(roles::copy_role(&t.db, &rep_after, rep_role, "x", "").await, Err(DomainError::Forbidden)));
});

on_both_engines!(unit_and_user_moves_are_previewed_and_explained, |t| {
    demo::seed(&t.db).await.unwrap();
    let admin = actor(t, "admin").await;
    let bj_team2 = unit(t, "北京销售二组").await;
    let sh = unit(t, "上海分公司").await;
    // Moving a Beijing team under Shanghai: the Shanghai manager gains its customers, the
    // Beijing manager loses them (and so do the branches' service desks); the team's rep swaps the
    // Beijing pool for the Shanghai one.
    let imp = impact::preview(&t.db, &admin, &Change::MoveUnit { unit_id: bj_team2, new_parent: sh }).await.unwrap();
    let c = &imp.objects[0];
    assert_eq!(c.users_gaining, 3);
    assert_eq!(c.users_losing, 3);
    assert!(c.examples.iter().any(|e| e.user_name == "周敏" && e.gains));
    assert!(c.examples.iter().any(|e| e.user_name == "李建国" && !e.gains));
    assert!(org::subtree_ids(&t.db, unit(t, "北京分公司").await).await.unwrap().contains(&bj_team2), "preview only");

    // Moving the Beijing manager to Shanghai.
    let m = actor(t, "bj.manager").await;
    let placement = UserPlacement { display_name: "李建国".into(), primary_unit_id: sh, extra_unit_ids: vec![], manager_id: None, role_ids: vec![roles::role_id_by_key(&t.db, "branch_manager").await.unwrap()] };
    let imp = impact::preview(&t.db, &admin, &Change::PlaceUser { user_id: m.user_id, placement }).await.unwrap();
    assert_eq!(imp.users_considered, 1);
    assert_eq!(imp.objects[0].records_gained, 100);
    assert_eq!(imp.objects[0].records_lost, 100);

    // The explainer names the grant, and the share.
    let rep = actor(t, "bj.sales1").await;
    let own = customers::list_visible(&t.db, &rep, None, 1).await.unwrap()[0].id;
    let why = explain(&t.db, &admin, rep.user_id, ObjectType::Customer, own).await.unwrap();
    let (_, read) = why.iter().find(|(a, _)| *a == Action::Read).unwrap();
    assert!(read.allowed);
    assert!(matches!(&read.reasons[0], Reason::Grant { scope: Scope::Own, roles } if roles[0].contains("销售代表")));
    let (_, delete) = why.iter().find(|(a, _)| *a == Action::Delete).unwrap();
    assert!(!delete.allowed && delete.reasons.is_empty());
    let other = customers::list_visible(&t.db, &actor(t, "sh.sales1").await, None, 1).await.unwrap()[0].id;
    let why = explain(&t.db, &admin, rep.user_id, ObjectType::Customer, other).await.unwrap();
    assert!(why.iter().all(|(_, d)| !d.allowed));
    assert!(matches!(explain(&t.db, &rep, rep.user_id, ObjectType::Customer, own).await, Err(DomainError::Forbidden)));
});
