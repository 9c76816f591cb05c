//! Test databases: every test gets a brand-new database on each engine, dropped afterwards.
//! PostgreSQL is reached at TEST_POSTGRES_URL (default: the local server, user postgres).
//! Compiled only with the `testing` feature, for this crate's tests and the server's.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::Db;
use sqlx::{Connection, Executor};

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn unique_name(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A migrated, empty database that removes itself when dropped.
pub struct TestDb {
    pub db: Db,
    pub engine: Engine,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    PgDatabase(String),
}

impl TestDb {
    pub async fn new(engine: Engine) -> TestDb {
        match engine {
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join(unique_name("crm_test"));
                let url = format!("sqlite://{}/crm.db", dir.display());
                let db = Db::connect(&url).await.expect("sqlite connects");
                db.migrate().await.expect("sqlite migrates");
                TestDb { db, engine, url, cleanup: Cleanup::File(dir) }
            }
            Engine::Postgres => {
                let name = unique_name("crm_test");
                let admin_url = postgres_admin_url();
                let mut admin = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .expect("PostgreSQL must be reachable for the tests (TEST_POSTGRES_URL)");
                admin
                    .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let url = replace_database(&admin_url, &name);
                let db = Db::connect(&url).await.expect("postgres connects");
                db.migrate().await.expect("postgres migrates");
                TestDb { db, engine, url, cleanup: Cleanup::PgDatabase(name) }
            }
        }
    }
}

pub fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(dir) => {
                std::fs::remove_dir_all(dir).ok();
            }
            Cleanup::PgDatabase(name) => {
                let name = name.clone();
                let pool = self.db.pool().clone();
                // Async work cannot run in Drop on the test's runtime: use a private one.
                std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                    rt.block_on(async move {
                        pool.close().await;
                        if let Ok(mut admin) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                            let _ = admin
                                .execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
                                .await;
                        }
                    });
                })
                .join()
                .ok();
            }
        }
    }
}

/// Defines one test per engine from one async body taking `&TestDb`.
#[macro_export]
macro_rules! on_both_engines {
    ($name:ident, |$t:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($t: &$crate::testing::TestDb) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = $crate::testing::TestDb::new($crate::testing::Engine::Sqlite).await;
                run(&t).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = $crate::testing::TestDb::new($crate::testing::Engine::Postgres).await;
                run(&t).await;
            }
        }
    };
}

/// The id of the user with this login.
pub async fn user_id(db: &Db, login: &str) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT id FROM users WHERE login = $1").bind(login).fetch_one(db.pool()).await.expect("a user with this login").try_get("id").unwrap()
}

/// The user with this login as the policy sees them now.
pub async fn actor(db: &Db, login: &str) -> crate::policy::Actor {
    crate::policy::Actor::load(db, user_id(db, login).await).await.expect("an active user")
}

/// The first customer (by id) owned by the user with this login.
pub async fn first_customer_of(db: &Db, login: &str) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT c.id FROM customers c JOIN users u ON u.id = c.owner_id WHERE u.login = $1 ORDER BY c.id LIMIT 1")
        .bind(login)
        .fetch_one(db.pool())
        .await
        .expect("the user owns a customer")
        .try_get("id")
        .unwrap()
}
