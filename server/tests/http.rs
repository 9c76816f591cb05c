//! The server over real HTTP: a server on a free port over a fresh, seeded database, for each
//! engine.

mod common;

use common::{start, TestServer};
use domain::on_both_engines;
use domain::testing::TestDb;
use reqwest::header::{HeaderMap, HeaderValue, COOKIE, SET_COOKIE};
use reqwest::StatusCode;

impl TestServer {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    async fn sign_in(&self, login: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/sign_in"))
            .form(&[("login", login), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// Signs in and returns the `crm_session=...` cookie pair.
    async fn session(&self, login: &str) -> String {
        let res = self.sign_in(login, domain::demo::DEMO_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK, "sign-in of {login}");
        session_cookie(res.headers()).expect("a session cookie")
    }

    async fn call(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut req = self.client.post(self.url(path));
        if let Some(c) = cookie {
            req = req.header(COOKIE, c);
        }
        req.send().await.unwrap()
    }
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("crm_session=") && !v.starts_with("crm_session=;"))
        .map(|v| v.split(';').next().unwrap().to_string())
}

fn set_cookie_line(headers: &HeaderMap) -> String {
    headers.get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join("\n")
}

on_both_engines!(server_functions_without_a_session_answer_401_and_do_nothing, |t| {
    let s = start(t).await;
    let sessions_before = count(t, "sessions").await;
    for path in ["/api/me", "/api/sign_out"] {
        let res = s.call(path, None).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(res.text().await.unwrap(), "\"Unauthenticated\"");
    }
    // A forged or expired cookie is no better than none.
    let res = s.call("/api/me", Some("crm_session=0123456789abcdef")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(count(t, "sessions").await, sessions_before);
});

async fn count(t: &TestDb, table: &'static str) -> i64 {
    use sqlx::Row;
    let sql = match table {
        "sessions" => "SELECT COUNT(*) AS n FROM sessions",
        "users" => "SELECT COUNT(*) AS n FROM users",
        _ => unreachable!(),
    };
    sqlx::query(sql).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap()
}

on_both_engines!(sign_in_sets_a_safe_cookie_and_me_reflects_the_roles, |t| {
    let s = start(t).await;
    let res = s.sign_in("bj.sales1", domain::demo::DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let line = set_cookie_line(res.headers());
    assert!(line.contains("HttpOnly"), "{line}");
    assert!(line.contains("SameSite=Lax"), "{line}");
    assert!(line.contains("Path=/"), "{line}");
    let cookie = session_cookie(res.headers()).unwrap();

    let me: serde_json::Value = s.call("/api/me", Some(&cookie)).await.json().await.unwrap();
    assert_eq!(me["login"], "bj.sales1");
    assert_eq!(me["display_name"], "张伟");
    assert_eq!(me["unit"]["zh"], "北京销售一组");
    let areas: Vec<String> = serde_json::from_value(me["areas"].clone()).unwrap();
    assert!(areas.contains(&"Customers".to_string()));
    assert!(!areas.contains(&"Admin".to_string()), "a sales rep has no admin entry");

    let admin = s.session("admin").await;
    let me: serde_json::Value = s.call("/api/me", Some(&admin)).await.json().await.unwrap();
    let areas: Vec<String> = serde_json::from_value(me["areas"].clone()).unwrap();
    assert!(areas.contains(&"Admin".to_string()));

    // Sign-in by e-mail works too.
    let res = s.sign_in("BJ.Sales1@demo.example.com", domain::demo::DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
});

on_both_engines!(wrong_password_is_refused_with_a_clear_error, |t| {
    let s = start(t).await;
    let res = s.sign_in("bj.sales1", "not-the-password").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(res.headers()).is_none());
    assert_eq!(res.text().await.unwrap(), "\"InvalidCredentials\"");
    // Unknown accounts get the very same answer.
    let res = s.sign_in("nobody.here", "not-the-password").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.text().await.unwrap(), "\"InvalidCredentials\"");
});

on_both_engines!(repeated_failures_are_answered_with_429, |t| {
    let s = start(t).await;
    for _ in 0..domain::accounts::throttle::ACCOUNT_FREE_FAILURES {
        assert_eq!(s.sign_in("sh.sales1", "bad-guess").await.status(), StatusCode::UNAUTHORIZED);
    }
    let res = s.sign_in("sh.sales1", domain::demo::DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("RateLimited"));
});

on_both_engines!(every_sign_in_gets_a_fresh_session_and_sign_out_ends_it, |t| {
    let s = start(t).await;
    let first = s.session("finance").await;
    // Signing in again from the same browser replaces the session.
    let res = s
        .client
        .post(s.url("/api/sign_in"))
        .header(COOKIE, &first)
        .form(&[("login", "finance"), ("password", domain::demo::DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    let second = session_cookie(res.headers()).unwrap();
    assert_ne!(first, second);
    assert_eq!(s.call("/api/me", Some(&first)).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(s.call("/api/me", Some(&second)).await.status(), StatusCode::OK);

    let res = s.call("/api/sign_out", Some(&second)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(set_cookie_line(res.headers()).contains("Max-Age=0"));
    assert_eq!(s.call("/api/me", Some(&second)).await.status(), StatusCode::UNAUTHORIZED);
});

on_both_engines!(a_disabled_user_is_out_at_once, |t| {
    let s = start(t).await;
    let cookie = s.session("bj.sales2").await;
    assert_eq!(s.call("/api/me", Some(&cookie)).await.status(), StatusCode::OK);
    use sqlx::Row;
    let id: i64 = sqlx::query("SELECT id FROM users WHERE login = 'bj.sales2'")
        .fetch_one(t.db.pool())
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    domain::accounts::users::disable_user(&t.db, id).await.unwrap();
    assert_eq!(s.call("/api/me", Some(&cookie)).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(s.sign_in("bj.sales2", domain::demo::DEMO_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
});

on_both_engines!(cross_site_state_changes_are_refused, |t| {
    let s = start(t).await;
    let cookie = s.session("ceo").await;
    let cross = |path: &str, name: &'static str, value: &'static str| {
        s.client.post(s.url(path)).header(COOKIE, &cookie).header(name, HeaderValue::from_static(value)).send()
    };
    let res = cross("/api/sign_out", "origin", "http://evil.example").await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = cross("/api/sign_out", "sec-fetch-site", "cross-site").await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Nothing happened: the session is still alive.
    assert_eq!(s.call("/api/me", Some(&cookie)).await.status(), StatusCode::OK);
    // A cross-site sign-in attempt (login CSRF) is refused too.
    let res = s
        .client
        .post(s.url("/api/sign_in"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("login", "ceo"), ("password", domain::demo::DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Our own pages' requests pass.
    let res = cross("/api/me", "sec-fetch-site", "same-origin").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
});

on_both_engines!(pages_redirect_to_sign_in_and_render_for_the_signed_in, |t| {
    let s = start(t).await;
    for path in ["/", "/customers", "/admin", "/no/such/page"] {
        let res = s.client.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(res.headers()["location"], "/login");
    }
    let res = s.client.get(s.url("/login")).header("accept-language", "en-US,en;q=0.9").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\""), "English from Accept-Language");
    assert!(html.contains("Sign in"));
    let res = s.client.get(s.url("/login")).header("accept-language", "zh-CN,zh;q=0.9").send().await.unwrap();
    assert!(res.text().await.unwrap().contains("登录名或邮箱"));
    // The cookie choice wins over the header.
    let res = s.client.get(s.url("/login")).header("accept-language", "zh-CN").header(COOKIE, "lang=en").send().await.unwrap();
    assert!(res.text().await.unwrap().contains("Login name or e-mail"));

    let cookie = s.session("bj.manager").await;
    let res = s.client.get(s.url("/")).header(COOKIE, &cookie).header("accept-language", "zh-CN").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("李建国"), "the user's name is in the shell");
    assert!(html.contains("北京分公司"), "and the unit");
    assert!(html.contains("data-area=\"customers\""));
    assert!(!html.contains("data-area=\"admin\""), "no admin entry for a branch manager");

    // A signed-in user visiting the sign-in page goes on to the dashboard.
    let res = s.client.get(s.url("/login")).header(COOKIE, &cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/");

    let res = s.client.get(s.url("/no/such/page")).header(COOKIE, &cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("data-testid=\"not-found\""));

    let res = s.client.get(s.url("/admin")).header(COOKIE, &cookie).send().await.unwrap();
    assert!(res.text().await.unwrap().contains("data-testid=\"forbidden\""), "admin page refuses a manager");

    assert_eq!(s.client.get(s.url("/healthz")).send().await.unwrap().text().await.unwrap(), "ok");
});

on_both_engines!(hidden_fields_never_leave_the_server, |t| {
    let s = start(t).await;
    use sqlx::Row;
    let role: i64 = sqlx::query("SELECT id FROM roles WHERE key = 'sales_rep'").fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, 'customer', 'phone', 'hidden')")
        .bind(role)
        .execute(t.db.pool())
        .await
        .unwrap();
    let rep = s.session("bj.sales1").await;
    let no_filter = serde_json::json!({"spec": {"filter": {"text": "", "level": "", "city": ""}}, "after": null});
    let body = s.client.post(s.url("/api/customers/list")).header(COOKIE, &rep).json(&no_filter).send().await.unwrap().text().await.unwrap();
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    let rows = page["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.get("phone").is_none() && r.get("city").is_some()), "{body}");
    assert!(!body.contains("\"phone\""));
    // The manager's role leaves the phone visible.
    let manager = s.session("bj.manager").await;
    let page: serde_json::Value = s.client.post(s.url("/api/customers/list")).header(COOKIE, &manager).json(&no_filter).send().await.unwrap().json().await.unwrap();
    assert!(page["rows"][0]["phone"].is_string());
    assert_eq!(page["total"], 90, "held Beijing customers; ten more wait in the pool");

    // The customer page: no phone among the rep's fields, nor in the field history, after the
    // manager changed it.
    let id: i64 = sqlx::query("SELECT c.id FROM customers c JOIN users u ON u.id = c.owner_id WHERE u.login = 'bj.sales1' ORDER BY c.id LIMIT 1")
        .fetch_one(t.db.pool())
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    let seen: i64 = sqlx::query("SELECT updated_at FROM customers WHERE id = $1").bind(id).fetch_one(t.db.pool()).await.unwrap().try_get("updated_at").unwrap();
    let change = serde_json::json!({"id": id, "changes": {"phone": "13912345678", "city": "天津"}, "seen_updated_at": seen});
    let res = s.client.post(s.url("/api/customers/update")).header(COOKIE, &manager).json(&change).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = s.client.post(s.url("/api/customers/page")).header(COOKIE, &rep).form(&[("id", id.to_string())]).send().await.unwrap().text().await.unwrap();
    assert!(body.contains("天津"), "{body}");
    assert!(!body.contains("13912345678") && !body.contains("\"name\":\"phone\"") && !body.contains("\"field\":\"phone\""), "{body}");
    // The rep may not write the hidden field either: refused whole, nothing changed.
    let seen: i64 = sqlx::query("SELECT updated_at FROM customers WHERE id = $1").bind(id).fetch_one(t.db.pool()).await.unwrap().try_get("updated_at").unwrap();
    let change = serde_json::json!({"id": id, "changes": {"phone": "1", "city": "北京"}, "seen_updated_at": seen});
    let res = s.client.post(s.url("/api/customers/update")).header(COOKIE, &rep).json(&change).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let city: String = sqlx::query("SELECT city FROM customers WHERE id = $1").bind(id).fetch_one(t.db.pool()).await.unwrap().try_get("city").unwrap();
    assert_eq!(city, "天津");
    // A filter on the hidden field is refused rather than answered.
    let probe = serde_json::json!({"spec": {"filter": {"text": "13912345678"}}, "after": null});
    let page: serde_json::Value = s.client.post(s.url("/api/customers/list")).header(COOKIE, &rep).json(&probe).send().await.unwrap().json().await.unwrap();
    assert_eq!(page["total"], 0, "the phone is not searched for someone who may not read it");
    // Exports leave the column out (the manager may export; give the manager's role the hidden phone too).
    let mrole: i64 = sqlx::query("SELECT id FROM roles WHERE key = 'branch_manager'").fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap();
    sqlx::query("INSERT INTO role_field_rights (role_id, object, field, access) VALUES ($1, 'customer', 'phone', 'hidden')").bind(mrole).execute(t.db.pool()).await.unwrap();
    let export = serde_json::json!({"ids": [id], "spec": {}});
    let file: serde_json::Value = s.client.post(s.url("/api/customers/export")).header(COOKIE, &manager).json(&export).send().await.unwrap().json().await.unwrap();
    let csv = file["csv"].as_str().unwrap();
    assert_eq!(file["rows"], 1);
    assert!(!csv.contains("13912345678") && !csv.contains("电话") && !csv.contains("Phone"), "{csv}");
});

on_both_engines!(admin_functions_refuse_non_administrators_and_change_nothing, |t| {
    let s = start(t).await;
    use sqlx::Row;
    let units_before: i64 = sqlx::query("SELECT COUNT(*) AS n FROM org_units").fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    let manager = s.session("bj.manager").await;
    let res = s
        .client
        .post(s.url("/api/admin/units/create"))
        .header(COOKIE, &manager)
        .form(&[("parent_id", "1"), ("kind", "team"), ("name", "偷偷建的组"), ("name_en", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    for path in ["/api/admin/units", "/api/admin/users", "/api/admin/roles", "/api/admin/choices"] {
        let res = s.client.post(s.url(path)).header(COOKIE, &manager).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let filter = serde_json::json!({"filter": {"entity": "", "actor": "", "since": "", "until": "", "before_id": null}});
    let res = s.client.post(s.url("/api/admin/audit")).header(COOKIE, &manager).json(&filter).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Input that cannot be decoded is a bad request, and the function never runs.
    let res = s.client.post(s.url("/api/admin/audit")).header(COOKIE, &manager).form(&[("entity", "")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let units_after: i64 = sqlx::query("SELECT COUNT(*) AS n FROM org_units").fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(units_before, units_after);
    // The administrator may.
    let admin = s.session("admin").await;
    let res = s
        .client
        .post(s.url("/api/admin/units/create"))
        .header(COOKIE, &admin)
        .form(&[("parent_id", "1"), ("kind", "team"), ("name", "新建小组"), ("name_en", "New team")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // A bad value is refused with 422 and a field name.
    let res = s
        .client
        .post(s.url("/api/admin/units/create"))
        .header(COOKIE, &admin)
        .form(&[("parent_id", "1"), ("kind", "team"), ("name", "  "), ("name_en", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("\"name\""));
});

on_both_engines!(pages_and_server_function_answers_are_compressed_for_browsers_that_accept_it, |t| {
    use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};
    let s = start(t).await;
    let cookie = s.session("admin").await;
    let page = |encoding: Option<&'static str>| {
        let mut req = s.client.get(s.url("/customers")).header(COOKIE, &cookie);
        if let Some(e) = encoding {
            req = req.header(ACCEPT_ENCODING, e);
        }
        req.send()
    };
    let plain = page(None).await.unwrap();
    assert_eq!(plain.status(), StatusCode::OK);
    assert!(plain.headers().get(CONTENT_ENCODING).is_none(), "no encoding unless asked for");
    let plain_len = plain.bytes().await.unwrap().len();
    for encoding in ["br", "gzip"] {
        let res = page(Some(encoding)).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers().get(CONTENT_ENCODING).and_then(|v| v.to_str().ok()), Some(encoding));
        let sent = res.bytes().await.unwrap().len();
        assert!(sent * 3 < plain_len, "{encoding}: {sent} bytes sent for a {plain_len}-byte page");
    }
    // A server function's answer too.
    let res = s.client.post(s.url("/api/me")).header(COOKIE, &cookie).header(ACCEPT_ENCODING, "gzip").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get(CONTENT_ENCODING).and_then(|v| v.to_str().ok()), Some("gzip"));
});
