use domain::on_both_engines;
use domain::accounts::sessions::{self, SessionConfig};
use domain::accounts::users::{self, authenticate, Email, Login, NewUser, Password};
use domain::accounts::throttle;
use domain::clock::{HOUR_MS, MINUTE_MS};
use domain::org::{create_unit, UnitKind, UnitName};
use domain::DomainError;

async fn user(t: &domain::testing::TestDb, login: &str, password: &str) -> i64 {
    let unit = create_unit(&t.db, None, UnitKind::Group, &UnitName::parse("总部").unwrap(), "HQ", None)
        .await
        .unwrap();
    users::create_user(
        &t.db,
        NewUser {
            login: Login::parse(login).unwrap(),
            email: Some(Email::parse(&format!("{login}@example.com")).unwrap()),
            display_name: "测试用户".into(),
            password: Password::parse(password).unwrap(),
            primary_unit_id: unit,
            manager_id: None,
            role_ids: vec![],
        },
        None,
    )
    .await
    .unwrap()
}

on_both_engines!(sign_in_by_login_or_email, |t| {
    let id = user(t, "li.lei", "s3cret-pass").await;
    assert_eq!(authenticate(&t.db, "li.lei", "s3cret-pass", "10.0.0.1").await.unwrap(), id);
    assert_eq!(authenticate(&t.db, "LI.LEI@example.com", "s3cret-pass", "10.0.0.1").await.unwrap(), id);
    assert!(matches!(
        authenticate(&t.db, "li.lei", "wrong-pass", "10.0.0.1").await,
        Err(DomainError::InvalidCredentials)
    ));
    assert!(matches!(
        authenticate(&t.db, "nobody", "s3cret-pass", "10.0.0.1").await,
        Err(DomainError::InvalidCredentials)
    ));
});

on_both_engines!(duplicate_login_is_refused, |t| {
    user(t, "han.mei", "s3cret-pass").await;
    let unit = domain::org::create_unit(&t.db, None, UnitKind::Group, &UnitName::parse("另一个").unwrap(), "", None)
        .await
        .unwrap();
    let err = users::create_user(
        &t.db,
        NewUser {
            login: Login::parse("Han.Mei").unwrap(),
            email: None,
            display_name: "重复".into(),
            password: Password::parse("whatever-1").unwrap(),
            primary_unit_id: unit,
            manager_id: None,
            role_ids: vec![],
        },
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, DomainError::Conflict(_)), "{err:?}");
    assert_eq!(users::count_users(&t.db).await.unwrap(), 1);
});

on_both_engines!(repeated_failures_slow_the_account_down, |t| {
    user(t, "wang.fang", "s3cret-pass").await;
    for _ in 0..throttle::ACCOUNT_FREE_FAILURES {
        let r = authenticate(&t.db, "wang.fang", "bad-guess", "10.0.0.2").await;
        assert!(matches!(r, Err(DomainError::InvalidCredentials)), "{r:?}");
    }
    // Even the right password must wait now.
    match authenticate(&t.db, "wang.fang", "s3cret-pass", "10.0.0.3").await {
        Err(DomainError::RateLimited { retry_after_secs }) => assert!(retry_after_secs >= 1),
        other => panic!("expected a rate limit, got {other:?}"),
    }
    // Another account from another address is not affected.
    user(t, "other.one", "s3cret-pass").await;
    assert!(authenticate(&t.db, "other.one", "s3cret-pass", "10.0.0.4").await.is_ok());
});

on_both_engines!(repeated_failures_slow_the_address_down, |t| {
    user(t, "zhao.lei", "s3cret-pass").await;
    for i in 0..throttle::ADDRESS_FREE_FAILURES {
        let _ = authenticate(&t.db, &format!("guess{i}"), "bad-guess", "10.9.9.9").await;
    }
    assert!(matches!(
        authenticate(&t.db, "zhao.lei", "s3cret-pass", "10.9.9.9").await,
        Err(DomainError::RateLimited { .. })
    ));
    assert!(authenticate(&t.db, "zhao.lei", "s3cret-pass", "10.1.1.1").await.is_ok());
});

on_both_engines!(sessions_resolve_until_they_time_out, |t| {
    let id = user(t, "sun.li", "s3cret-pass").await;
    let cfg = SessionConfig { idle_ms: 30 * MINUTE_MS, absolute_ms: 8 * HOUR_MS };
    let token = sessions::create(&t.db, id, cfg, "127.0.0.1", "test").await.unwrap();
    let who = sessions::resolve(&t.db, &token, cfg).await.unwrap().expect("live session");
    assert_eq!(who.user_id, id);
    assert_eq!(who.unit_name, "总部");
    assert!(sessions::resolve(&t.db, "not-a-token", cfg).await.unwrap().is_none());

    // Idle for longer than the idle timeout: gone, and deleted.
    sessions::age_session_for_tests(&t.db, &token, 31 * MINUTE_MS).await.unwrap();
    assert!(sessions::resolve(&t.db, &token, cfg).await.unwrap().is_none());

    // Used all the time but past the absolute end: gone too.
    let cfg_short = SessionConfig { idle_ms: 30 * MINUTE_MS, absolute_ms: 10 * MINUTE_MS };
    let token2 = sessions::create(&t.db, id, cfg_short, "127.0.0.1", "test").await.unwrap();
    assert!(sessions::resolve(&t.db, &token2, cfg_short).await.unwrap().is_some());
    sessions::age_session_for_tests(&t.db, &token2, 11 * MINUTE_MS).await.unwrap();
    // Keep it fresh on the idle clock, so only the absolute timeout can end it.
    sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(domain::clock::now_ms())
        .execute(t.db.pool())
        .await
        .unwrap();
    assert!(sessions::resolve(&t.db, &token2, cfg_short).await.unwrap().is_none());
});

on_both_engines!(disabling_a_user_ends_their_sessions_at_once, |t| {
    let id = user(t, "zhou.xun", "s3cret-pass").await;
    let cfg = SessionConfig::default();
    let a = sessions::create(&t.db, id, cfg, "127.0.0.1", "a").await.unwrap();
    let b = sessions::create(&t.db, id, cfg, "127.0.0.1", "b").await.unwrap();
    users::disable_user(&t.db, id).await.unwrap();
    assert!(sessions::resolve(&t.db, &a, cfg).await.unwrap().is_none());
    assert!(sessions::resolve(&t.db, &b, cfg).await.unwrap().is_none());
    assert!(matches!(
        authenticate(&t.db, "zhou.xun", "s3cret-pass", "127.0.0.1").await,
        Err(DomainError::InvalidCredentials)
    ));
});

on_both_engines!(sign_out_and_password_change_end_sessions, |t| {
    let id = user(t, "qian.duo", "s3cret-pass").await;
    let cfg = SessionConfig::default();
    let a = sessions::create(&t.db, id, cfg, "127.0.0.1", "a").await.unwrap();
    let b = sessions::create(&t.db, id, cfg, "127.0.0.1", "b").await.unwrap();
    sessions::revoke(&t.db, &a).await.unwrap();
    assert!(sessions::resolve(&t.db, &a, cfg).await.unwrap().is_none());
    assert!(sessions::resolve(&t.db, &b, cfg).await.unwrap().is_some());
    users::set_password(&t.db, id, &Password::parse("new-s3cret").unwrap()).await.unwrap();
    assert!(sessions::resolve(&t.db, &b, cfg).await.unwrap().is_none());
    assert!(authenticate(&t.db, "qian.duo", "new-s3cret", "127.0.0.1").await.is_ok());
});
