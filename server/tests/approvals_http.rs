//! Approvals over real HTTP, on both engines: the server functions the approvals UI calls, with
//! a browser's same-origin headers and real session cookies. Forged calls by someone who is not a
//! current approver are refused and change nothing; a double-submitted approval applies once;
//! flows are administered by administrators only; and a request goes round (create, submit, the
//! lock, withdraw, delegate, comment, reject with a reason, the inbox folders) as the UI will
//! drive it.

mod common;

use common::{cookie, start, TestServer};
use domain::on_both_engines;
use domain::testing::{user_id, TestDb};
use reqwest::header::COOKIE;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::Row;

impl TestServer {
    /// A server function called as our own page calls it (form-encoded arguments).
    async fn form(&self, cookie: &str, path: &str, args: &[(&str, String)]) -> (StatusCode, Value) {
        let res = self
            .client
            .post(format!("{}/api/{path}", self.base))
            .header(COOKIE, cookie)
            .header("sec-fetch-site", "same-origin")
            .header("origin", &self.base)
            .form(args)
            .send()
            .await
            .unwrap();
        answer(res).await
    }

    /// A server function with JSON-encoded arguments.
    async fn json(&self, cookie: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .client
            .post(format!("{}/api/{path}", self.base))
            .header(COOKIE, cookie)
            .header("sec-fetch-site", "same-origin")
            .header("origin", &self.base)
            .json(&body)
            .send()
            .await
            .unwrap();
        answer(res).await
    }

    async fn waiting_count(&self, cookie: &str) -> i64 {
        let (status, body) = self.form(cookie, "approvals/waiting_count", &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.as_i64().unwrap()
    }

    async fn waiting_ids(&self, cookie: &str) -> Vec<i64> {
        let filter = json!({"filter": {"folder": "Waiting", "doc_type": null, "from": "", "until": "", "before_key": null}});
        let (status, body) = self.json(cookie, "approvals/inbox", filter).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["rows"].as_array().unwrap().iter().map(|r| r["approval_id"].as_i64().unwrap()).collect()
    }
}

async fn answer(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// A demo approval by its document's title.
async fn approval_titled(t: &TestDb, title: &str) -> i64 {
    sqlx::query("SELECT id FROM approvals WHERE title = $1").bind(title).fetch_one(t.db.pool()).await.unwrap().try_get("id").unwrap()
}

async fn n(t: &TestDb, sql: &'static str, id: i64) -> i64 {
    sqlx::query(sql).bind(id).fetch_one(t.db.pool()).await.unwrap().try_get("n").unwrap()
}

/// Everything a transition of approval `a` would touch: the approval row (state, step, version,
/// decisions), its tasks and their states, its history, its audit entries, the events and
/// notifications, and its document's state.
async fn footprint(t: &TestDb, a: i64) -> Vec<String> {
    let r = sqlx::query("SELECT state, step_index, version, decisions, record_id FROM approvals WHERE id = $1").bind(a).fetch_one(t.db.pool()).await.unwrap();
    let doc: i64 = r.try_get("record_id").unwrap();
    let doc_state: String = sqlx::query("SELECT state FROM approval_documents WHERE id = $1").bind(doc).fetch_one(t.db.pool()).await.unwrap().try_get("state").unwrap();
    let tasks: Vec<String> = sqlx::query("SELECT id, approver_id, state FROM approval_tasks WHERE approval_id = $1 ORDER BY id")
        .bind(a)
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{}:{}:{}", r.try_get::<i64, _>("id").unwrap(), r.try_get::<i64, _>("approver_id").unwrap(), r.try_get::<String, _>("state").unwrap()))
        .collect();
    vec![
        format!("state={} step={} version={} decisions={}", r.try_get::<String, _>("state").unwrap(), r.try_get::<i64, _>("step_index").unwrap(), r.try_get::<i64, _>("version").unwrap(), r.try_get::<i64, _>("decisions").unwrap()),
        format!("document={doc_state}"),
        format!("tasks={tasks:?}"),
        format!("history={}", n(t, "SELECT COUNT(*) AS n FROM approval_history WHERE approval_id = $1", a).await),
        format!("audit={}", n(t, "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'approval' AND entity_id = $1", a).await),
        format!("events={}", n(t, "SELECT COUNT(*) AS n FROM events WHERE id > $1", 0).await),
        format!("notifications={}", n(t, "SELECT COUNT(*) AS n FROM notifications WHERE id > $1", 0).await),
    ]
}

on_both_engines!(forged_calls_by_someone_not_asked_now_are_refused_and_change_nothing, |t| {
    let s = start(t).await;
    // The demo's dinner expense waits for the Beijing manager at its first step.
    let a = approval_titled(t, "客户答谢宴请费用").await;
    let doc: i64 = n(t, "SELECT record_id AS n FROM approvals WHERE id = $1", a).await;
    let manager = cookie(t, "bj.manager").await;
    let before = footprint(t, a).await;

    // A Shanghai rep and a Shanghai manager (no reach on Beijing), and finance (asked only at a
    // later step, which this small amount skips): the approval does not exist for them.
    let someone_else = user_id(&t.db, "bj.sales2").await.to_string();
    for login in ["sh.sales1", "sh.manager", "finance"] {
        let c = cookie(t, login).await;
        let id = a.to_string();
        let calls: Vec<(&str, Vec<(&str, String)>)> = vec![
            ("approvals/approve", vec![("id", id.clone()), ("comment", "同意".into())]),
            ("approvals/reject", vec![("id", id.clone()), ("reason", "不同意".into())]),
            ("approvals/return", vec![("id", id.clone()), ("to_step", "0".into()), ("comment", String::new())]),
            ("approvals/delegate", vec![("id", id.clone()), ("to_user", someone_else.clone()), ("comment", String::new())]),
            ("approvals/comment", vec![("id", id.clone()), ("text", "我来看看".into())]),
            ("approvals/withdraw", vec![("id", id.clone())]),
            ("approvals/get", vec![("id", id.clone())]),
            ("approvals/documents/get", vec![("id", doc.to_string())]),
        ];
        for (path, args) in calls {
            let (status, body) = s.form(&c, path, &args).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{login} {path}: {body}");
            assert_eq!(body, json!("NotFound"), "{login} {path}");
        }
        assert!(!s.waiting_ids(&c).await.contains(&a), "{login} is not waiting on it");
        // Delegating to oneself is no way in either.
        let me = user_id(&t.db, login).await.to_string();
        let (status, _) = s.form(&c, "approvals/delegate", &[("id", id.clone()), ("to_user", me), ("comment", String::new())]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // The submitter sees it but may not decide or delegate it.
    let rep = cookie(t, "bj.sales1").await;
    for (path, args) in [
        ("approvals/approve", vec![("id", a.to_string()), ("comment", String::new())]),
        ("approvals/reject", vec![("id", a.to_string()), ("reason", "算了".into())]),
        ("approvals/delegate", vec![("id", a.to_string()), ("to_user", someone_else.clone()), ("comment", String::new())]),
    ] {
        let (status, body) = s.form(&rep, path, &args).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "submitter {path}: {body}");
        assert_eq!(body, json!("Forbidden"));
    }
    // Without a session nothing runs at all.
    let res = s.client.post(format!("{}/api/approvals/approve", s.base)).form(&[("id", a.to_string()), ("comment", String::new())]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(footprint(t, a).await, before, "the database is unchanged");

    // Someone asked at an earlier step is no current approver either: the exhibition request
    // passed the Beijing manager and waits for finance. He reads it (read-only), and a forged
    // decision or delegation is told who decided, changing nothing.
    let passed = approval_titled(t, "展会展位费用").await;
    let before = footprint(t, passed).await;
    for (path, args) in [
        ("approvals/approve", vec![("id", passed.to_string()), ("comment", String::new())]),
        ("approvals/reject", vec![("id", passed.to_string()), ("reason", "再想想".into())]),
        ("approvals/delegate", vec![("id", passed.to_string()), ("to_user", user_id(&t.db, "ceo").await.to_string()), ("comment", String::new())]),
    ] {
        let (status, body) = s.form(&manager, path, &args).await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}: {body}");
        assert_eq!(body["AlreadyDecided"]["by"], "李建国", "{path}");
    }
    assert_eq!(footprint(t, passed).await, before);
    let (status, seen) = s.form(&manager, "approvals/get", &[("id", passed.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["approval"]["my_turn"], false);
    assert_eq!(seen["document"]["amount_minor"], 1_200_000);

    // The one asked reads it, with the document, and it is their turn.
    let (status, seen) = s.form(&manager, "approvals/get", &[("id", a.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["approval"]["my_turn"], true);
    assert_eq!(seen["document"]["amount_minor"], 320_000);
    // The submitter sees it too, not as their turn.
    let (status, seen) = s.form(&rep, "approvals/get", &[("id", a.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["approval"]["my_turn"], false);
    assert_eq!(seen["approval"]["state"], "pending");
});

on_both_engines!(a_double_submitted_approval_applies_once_and_the_count_drops, |t| {
    let s = start(t).await;
    let a = approval_titled(t, "客户答谢宴请费用").await;
    let manager = cookie(t, "bj.manager").await;
    assert_eq!(s.waiting_count(&manager).await, 4, "the demo's four approvals wait for the Beijing manager");
    let waiting = s.waiting_ids(&manager).await;
    assert_eq!(waiting.len(), 4);
    assert!(waiting.contains(&a));
    // The inbox's filters: expense requests only (the exhibition one has moved on to finance);
    // a date that is not one is refused.
    let expenses = json!({"filter": {"folder": "Waiting", "doc_type": "expense_request", "from": "2000-01-01", "until": "", "before_key": null}});
    let (status, page) = s.json(&manager, "approvals/inbox", expenses).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["rows"].as_array().unwrap().len(), 1);
    assert_eq!(page["rows"][0]["approval_id"], a);
    let bad_date = json!({"filter": {"folder": "Waiting", "doc_type": null, "from": "yesterday", "until": "", "before_key": null}});
    let (status, body) = s.json(&manager, "approvals/inbox", bad_date).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Two clicks of "approve" at once.
    let args = [("id", a.to_string()), ("comment", "同意".to_string())];
    let (first, second) = tokio::join!(s.form(&manager, "approvals/approve", &args), s.form(&manager, "approvals/approve", &args));
    let mut answers = [first, second];
    answers.sort_by_key(|(status, _)| status.as_u16());
    assert_eq!(answers[0].0, StatusCode::OK, "{:?}", answers);
    assert_eq!(answers[1].0, StatusCode::CONFLICT, "{:?}", answers);
    let refused = &answers[1].1["AlreadyDecided"];
    assert_eq!(refused["by"], "李建国", "{:?}", answers[1].1);
    assert!(refused["at"].as_i64().unwrap() > 0);
    // Applied once: one decision, one approve in the history, and (≤ ¥5,000, no finance step)
    // the request is approved.
    assert_eq!(n(t, "SELECT decisions AS n FROM approvals WHERE id = $1", a).await, 1);
    assert_eq!(n(t, "SELECT COUNT(*) AS n FROM approval_history WHERE approval_id = $1 AND action = 'approve'", a).await, 1);
    assert_eq!(n(t, "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'approval' AND entity_id = $1 AND action = 'approve'", a).await, 1);
    let state: String = sqlx::query("SELECT state FROM approvals WHERE id = $1").bind(a).fetch_one(t.db.pool()).await.unwrap().try_get("state").unwrap();
    assert_eq!(state, "approved");
    // A later click is told the same, and changes nothing.
    let before = footprint(t, a).await;
    let (status, body) = s.form(&manager, "approvals/approve", &args).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["AlreadyDecided"]["by"], "李建国");
    assert_eq!(footprint(t, a).await, before);
    // The badge and the inbox follow.
    assert_eq!(s.waiting_count(&manager).await, 3);
    assert!(!s.waiting_ids(&manager).await.contains(&a));
    // The submitter's view shows who decided.
    let (status, seen) = s.form(&cookie(t, "bj.sales1").await, "approvals/get", &[("id", a.to_string())]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["approval"]["state"], "approved");
    assert_eq!(seen["document"]["state"], "approved");
    let history = seen["approval"]["history"].as_array().unwrap();
    assert!(history.iter().any(|h| h["action"] == "approve" && h["actor"] == "李建国" && h["comment"] == "同意"), "{history:?}");
});

on_both_engines!(only_administrators_save_and_publish_flows, |t| {
    let s = start(t).await;
    let flows_before = n(t, "SELECT COUNT(*) AS n FROM approval_flows WHERE id > $1", 0).await;
    let manager = cookie(t, "bj.manager").await;
    let admin = cookie(t, "admin").await;
    let contract = json!({"doc_type": "contract"});
    let (status, body) = s.json(&manager, "approvals/flows", contract.clone()).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, json!("Forbidden")));
    let (status, versions) = s.json(&admin, "approvals/flows", contract).await;
    assert_eq!(status, StatusCode::OK, "{versions}");
    assert_eq!(versions[0]["version"], 1);
    assert_eq!(versions[0]["status"], "published");
    let definition = versions[0]["definition"].clone();
    // The designer's pickers list every user and unit: administrators only.
    let (status, body) = s.form(&manager, "approvals/flows/choices", &[]).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, json!("Forbidden")));
    let (status, pickers) = s.form(&admin, "approvals/flows/choices", &[]).await;
    assert_eq!(status, StatusCode::OK, "{pickers}");
    assert!(pickers["roles"].as_array().unwrap().iter().any(|r| r[0] == "finance"), "{pickers}");
    assert!(pickers["users"].as_array().unwrap().len() >= 10, "{pickers}");

    let save = json!({"doc_type": "contract", "name": "合同审批（第二版）", "definition": definition.clone()});
    let (status, body) = s.json(&manager, "approvals/flows/save", save.clone()).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, json!("Forbidden")));
    assert_eq!(n(t, "SELECT COUNT(*) AS n FROM approval_flows WHERE id > $1", 0).await, flows_before, "no draft was saved");

    // A rule the engine could not run is refused with the field to fix.
    let mut broken = definition.clone();
    broken["steps"][0]["default"]["approvers"] = json!([{"rule": "manager", "levels": 0}]);
    let (status, body) = s.json(&admin, "approvals/flows/save", json!({"doc_type": "contract", "name": "坏的", "definition": broken})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["Invalid"], json!({"field": "manager_levels", "code": "out_of_range"}));
    assert_eq!(n(t, "SELECT COUNT(*) AS n FROM approval_flows WHERE id > $1", 0).await, flows_before);

    let (status, draft) = s.json(&admin, "approvals/flows/save", save).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    let draft = draft.as_i64().unwrap();
    let (status, body) = s.form(&manager, "approvals/flows/publish", &[("flow_id", draft.to_string())]).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, json!("Forbidden")));
    let status_of = |id: i64| async move {
        sqlx::query("SELECT status FROM approval_flows WHERE id = $1").bind(id).fetch_one(t.db.pool()).await.unwrap().try_get::<String, _>("status").unwrap()
    };
    assert_eq!(status_of(draft).await, "draft", "still a draft");

    // The administrator publishes; the demo's running contract approval stays on version 1.
    let (status, report) = s.form(&admin, "approvals/flows/publish", &[("flow_id", draft.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["version"], 2);
    let staying = report["staying_on_old"].as_array().unwrap();
    assert!(staying.iter().any(|r| r["title"] == "年度软件服务合同" && r["version"] == 1), "{report}");
    assert_eq!(status_of(draft).await, "published");
    // Publishing twice is a conflict, not a second version.
    let (status, _) = s.form(&admin, "approvals/flows/publish", &[("flow_id", draft.to_string())]).await;
    assert_eq!(status, StatusCode::CONFLICT);
});

on_both_engines!(a_request_goes_round_through_the_server_functions, |t| {
    let s = start(t).await;
    let rep = cookie(t, "bj.sales1").await;
    let manager = cookie(t, "bj.manager").await;
    let ceo = cookie(t, "ceo").await;
    let input = json!({"title": "培训费", "amount_minor": 200_000, "currency": "CNY", "discount_bp": null, "product_line": null,
                       "customer_id": null, "target_owner_id": null, "body": "销售技巧培训"});
    let (status, doc) = s.json(&rep, "approvals/documents/create", json!({"doc_type": "expense_request", "input": input.clone()})).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    let doc = doc.as_i64().unwrap();
    let (status, a) = s.form(&rep, "approvals/submit", &[("document_id", doc.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    let a = a.as_i64().unwrap();
    assert_eq!(s.waiting_count(&manager).await, 5);
    // Locked while under approval.
    let (status, body) = s.json(&rep, "approvals/documents/update", json!({"id": doc, "input": input})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["UnderApproval"]["approval_id"], a);
    // Withdrawn before anyone decided: a draft again, and off the manager's list.
    let (status, body) = s.form(&rep, "approvals/withdraw", &[("id", a.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(s.waiting_count(&manager).await, 4);
    let (status, a) = s.form(&rep, "approvals/submit", &[("document_id", doc.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    let a = a.as_i64().unwrap();

    // Delegation only to someone who may read the request.
    let sh_rep = user_id(&t.db, "sh.sales1").await;
    let before = footprint(t, a).await;
    let (status, body) = s.form(&manager, "approvals/delegate", &[("id", a.to_string()), ("to_user", sh_rep.to_string()), ("comment", String::new())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["CannotReadDocument"]["name"], "吴芳");
    assert_eq!(footprint(t, a).await, before);
    let ceo_id = user_id(&t.db, "ceo").await;
    let (status, body) = s.form(&manager, "approvals/delegate", &[("id", a.to_string()), ("to_user", ceo_id.to_string()), ("comment", "请王总定".into())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(s.waiting_count(&manager).await, 4);
    assert!(s.waiting_ids(&ceo).await.contains(&a));
    let (status, _) = s.form(&ceo, "approvals/comment", &[("id", a.to_string()), ("text", "预算从哪里出？".into())]).await;
    assert_eq!(status, StatusCode::OK);
    // A rejection needs a reason; with one, the request is a draft again and carries it.
    let (status, body) = s.form(&ceo, "approvals/reject", &[("id", a.to_string()), ("reason", "  ".into())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["Invalid"]["field"], "reason");
    let (status, body) = s.form(&ceo, "approvals/reject", &[("id", a.to_string()), ("reason", "本季度预算已满".into())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, seen) = s.form(&rep, "approvals/get", &[("id", a.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["approval"]["state"], "rejected");
    assert_eq!(seen["document"]["state"], "draft");
    assert_eq!(seen["document"]["reject_reason"], "本季度预算已满");
    let actions: Vec<&str> = seen["approval"]["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    for action in ["submit", "ask", "delegate", "comment", "reject"] {
        assert!(actions.contains(&action), "{actions:?}");
    }
    // The rep's "submitted by me" lists both rounds; the ceo's "decided by me" this one.
    let folder = |name: &str| json!({"filter": {"folder": name, "doc_type": "expense_request", "from": "", "until": "", "before_key": null}});
    let (_, mine) = s.json(&rep, "approvals/inbox", folder("Submitted")).await;
    let ids: Vec<i64> = mine["rows"].as_array().unwrap().iter().map(|r| r["approval_id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&a) && ids.len() >= 2, "{mine}");
    let (_, decided) = s.json(&ceo, "approvals/inbox", folder("Decided")).await;
    assert_eq!(decided["rows"][0]["approval_id"], a, "{decided}");
});
