//! CSV imports of customers and contacts on both engines with the demo group: GBK (as Excel in
//! China saves) and UTF-8 with a BOM are read right; the header's columns are mapped; broken rows
//! are listed by line with the reason and, all-or-nothing, nothing is written, while "good rows
//! only" writes exactly the good ones; duplicates name whom to ask; contacts attach to customers
//! the importer may update; a 100,000-row file runs with its time printed.

use std::time::Instant;

use domain::imports::{self, ImportJob};
use domain::on_both_engines;
use domain::testing::{actor, TestDb};
use sqlx::Row;

async fn count(t: &TestDb, sql: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(t.db.pool()).await.unwrap().try_get::<i64, _>(0).unwrap()
}

/// Stages, starts with the guessed mapping, runs; answers the finished job.
async fn import(t: &TestDb, login: &str, kind: &str, bytes: &[u8], good_rows_only: bool) -> (imports::ImportPreview, ImportJob) {
    let a = actor(&t.db, login).await;
    let preview = imports::stage(&t.db, &a, kind, "客户.csv", bytes).await.unwrap();
    imports::start(&t.db, &a, preview.job_id, &preview.mapping, good_rows_only).await.unwrap();
    let id = imports::claim_next(&t.db).await.unwrap().expect("a queued import");
    assert_eq!(id, preview.job_id);
    imports::run(&t.db, id).await.unwrap();
    let job = imports::job(&t.db, &a, id).await.unwrap();
    (preview, job)
}

on_both_engines!(gbk_and_bom_files_are_read_and_imported, |t| {
    domain::demo::seed(&t.db).await.unwrap();
    let text = "客户名称,电话,省份,城市,级别,行业\n华北重工机械有限公司,010-66668888,北京,北京,A,制造\n江南丝绸贸易有限公司,0571-88886666,浙江,杭州,b,贸易\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let (preview, job) = import(t, "bj.sales1", "customers", &gbk, false).await;
    assert_eq!(preview.encoding, "GB18030/GBK");
    assert_eq!(preview.header[0], "客户名称");
    assert_eq!(preview.mapping, vec!["name", "phone", "province", "city", "level", "industry"]);
    assert_eq!((job.status.as_str(), job.created_rows, job.problem_rows), ("done", 2, 0), "{job:?}");
    let rep = actor(&t.db, "bj.sales1").await;
    let row = sqlx::query("SELECT level, city, owner_id, phone FROM customers WHERE name = '江南丝绸贸易有限公司'").fetch_one(t.db.pool()).await.unwrap();
    assert_eq!(row.try_get::<String, _>("level").unwrap(), "B");
    assert_eq!(row.try_get::<String, _>("city").unwrap(), "杭州");
    assert_eq!(row.try_get::<Option<i64>, _>("owner_id").unwrap(), Some(rep.user_id));
    assert_eq!(row.try_get::<String, _>("phone").unwrap(), "057188886666");

    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice("name,phone,source\n岭南茶业有限公司,020-12345678,展会\n".as_bytes());
    let (preview, job) = import(t, "bj.sales1", "customers", &bom, false).await;
    assert_eq!((preview.encoding.as_str(), preview.header[0].as_str()), ("UTF-8 (BOM)", "name"), "the BOM is not part of the first header");
    assert_eq!(job.created_rows, 1);

    // Contacts attach to a customer the importer may update; another's customer is refused.
    let sh_customer: String = sqlx::query("SELECT c.name FROM customers c JOIN users u ON u.id = c.owner_id WHERE u.login = 'sh.sales1' LIMIT 1")
        .fetch_one(t.db.pool()).await.unwrap().try_get(0).unwrap();
    let contacts = format!("客户,联系人,职务,手机,邮箱\n华北重工机械有限公司,赵强,采购经理,13800138000,zhao@example.com\n{sh_customer},钱多,总监,,\n");
    let (_, job) = import(t, "bj.sales1", "contacts", contacts.as_bytes(), true).await;
    assert_eq!((job.created_rows, job.problem_rows), (1, 1), "{job:?}");
    assert_eq!((job.problems[0].line, job.problems[0].field.as_str(), job.problems[0].code.as_str()), (3, "customer", "not_found_or_not_yours"));
    assert_eq!(count(t, "SELECT COUNT(*) FROM contacts WHERE name = '赵强' AND title = '采购经理'").await, 1);
});

on_both_engines!(broken_rows_are_listed_and_all_or_nothing_writes_nothing, |t| {
    domain::demo::seed(&t.db).await.unwrap();
    let existing: (String, String) = {
        let r = sqlx::query("SELECT c.name, u.display_name FROM customers c JOIN users u ON u.id = c.owner_id ORDER BY c.id LIMIT 1").fetch_one(t.db.pool()).await.unwrap();
        (r.try_get(0).unwrap(), r.try_get(1).unwrap())
    };
    let text = format!(
        "客户名称,电话,级别\n好客户一有限公司,13900000001,A\n,13900000002,B\n好客户二有限公司,12-3,C\n好客户三有限公司,13900000004,Z\n{},13900000005,A\n好客户一有限公司,13900000006,A\n\"好客户四有限公司\",13900000007,D\n",
        existing.0
    );
    let before = count(t, "SELECT COUNT(*) FROM customers").await;
    let (_, job) = import(t, "bj.sales1", "customers", text.as_bytes(), false).await;
    assert_eq!(job.status, "failed");
    assert_eq!(count(t, "SELECT COUNT(*) FROM customers").await, before, "all or nothing: nothing written");
    let by_line: Vec<(i64, &str, &str)> = job.problems.iter().map(|p| (p.line, p.kind.as_str(), if p.field.is_empty() { "" } else { p.field.as_str() })).collect();
    assert_eq!(by_line, vec![(3, "invalid", "name"), (4, "invalid", "phone"), (5, "invalid", "level"), (6, "duplicate", ""), (7, "duplicate_in_file", "")]);
    assert!(job.problems[3].ask.contains(&existing.1), "whom to ask: {:?}", job.problems[3]);
    assert_eq!(job.problems[4].earlier_line, Some(2));

    // Good rows only: the two good rows are written, the report is the same.
    let (_, job) = import(t, "bj.sales1", "customers", text.as_bytes(), true).await;
    assert_eq!((job.status.as_str(), job.created_rows, job.problem_rows), ("done", 2, 5));
    assert_eq!(count(t, "SELECT COUNT(*) FROM customers").await, before + 2);

    // A refused mapping, a started job, someone else's job and a broken file change nothing.
    let a = actor(&t.db, "bj.sales1").await;
    let p = imports::stage(&t.db, &a, "customers", "x.csv", "电话\n123456\n".as_bytes()).await.unwrap();
    assert!(imports::start(&t.db, &a, p.job_id, &["phone".into()], false).await.is_err(), "no name column");
    assert!(imports::start(&t.db, &a, p.job_id, &["name".into(), "name".into()], false).await.is_err());
    let other = actor(&t.db, "sh.sales1").await;
    assert!(matches!(imports::job(&t.db, &other, p.job_id).await, Err(domain::DomainError::NotFound)));
    assert!(imports::stage(&t.db, &a, "customers", "x.csv", "name\n\"unterminated\n".as_bytes()).await.is_err());
    assert!(imports::stage(&t.db, &a, "customers", "x.csv", &[b'n', 0xff, 0xfe, 0x81]).await.is_err());
    let service = actor(&t.db, "bj.service").await;
    assert!(matches!(imports::stage(&t.db, &service, "customers", "x.csv", b"name\nx\n").await, Err(domain::DomainError::Forbidden)));
});

on_both_engines!(a_hundred_thousand_rows_import_in_the_background, |t| {
    domain::demo::seed(&t.db).await.unwrap();
    let rows: usize = std::env::var("CRM_IMPORT_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let mut text = String::from("客户名称,电话,省份,城市,级别\n");
    for i in 0..rows {
        text.push_str(&format!("批量导入客户{i:06}有限公司,139{i:08},江苏,南京,{}\n", ["A", "B", "C", "D"][i % 4]));
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let before = count(t, "SELECT COUNT(*) FROM customers").await;
    let started = Instant::now();
    let (_, job) = import(t, "bj.sales1", "customers", &gbk, false).await;
    let took = started.elapsed();
    println!("import of {rows} rows ({} MB GBK) on {:?}: {:.1} s ({:.0} rows/s)", gbk.len() / 1_000_000, t.engine, took.as_secs_f64(), rows as f64 / took.as_secs_f64());
    assert_eq!((job.status.as_str(), job.created_rows, job.processed_rows), ("done", rows as i64, rows as i64), "{:?}", job.problems.first());
    assert_eq!(count(t, "SELECT COUNT(*) FROM customers").await, before + rows as i64);
});

on_both_engines!(a_restart_requeues_checking_imports_and_ends_interrupted_writes, |t| {
    domain::demo::seed(&t.db).await.unwrap();
    let a = actor(&t.db, "bj.sales1").await;
    let mut ids = Vec::new();
    for name in ["甲", "乙"] {
        let p = imports::stage(&t.db, &a, "customers", "x.csv", format!("name\n重启测试{name}有限公司\n").as_bytes()).await.unwrap();
        imports::start(&t.db, &a, p.job_id, &p.mapping, false).await.unwrap();
        assert_eq!(imports::claim_next(&t.db).await.unwrap(), Some(p.job_id));
        ids.push(p.job_id);
    }
    // The second had written a batch when the server stopped.
    sqlx::query("UPDATE import_jobs SET created_rows = 1 WHERE id = $1").bind(ids[1]).execute(t.db.pool()).await.unwrap();
    assert_eq!(imports::requeue_interrupted(&t.db).await.unwrap(), 1);
    let first = imports::job(&t.db, &a, ids[0]).await.unwrap();
    let second = imports::job(&t.db, &a, ids[1]).await.unwrap();
    assert_eq!(first.status, "queued");
    assert_eq!((second.status.as_str(), second.created_rows, second.problems[0].code.as_str()), ("failed", 1, "interrupted"));
    // The queued one runs to the end as if nothing happened.
    assert_eq!(imports::claim_next(&t.db).await.unwrap(), Some(ids[0]));
    assert_eq!(imports::run(&t.db, ids[0]).await.unwrap(), "done");
    assert_eq!(imports::job(&t.db, &a, ids[0]).await.unwrap().created_rows, 1);
});
