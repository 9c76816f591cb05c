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

/// The plain org-tree facts the reference models of the property tests share: units and users
/// by index, parents and managers as plain vectors, no SQL.
pub mod model {
    /// The unit and all its ancestors, nearest first.
    pub fn up_from(unit_parent: &[Option<usize>], mut unit: usize) -> Vec<usize> {
        let mut path = vec![unit];
        while let Some(p) = unit_parent[unit] {
            path.push(p);
            unit = p;
        }
        path
    }

    /// Whether `user` reports to `boss`, directly or through other managers.
    pub fn reports_to(manager: impl Fn(usize) -> Option<usize>, mut user: usize, boss: usize) -> bool {
        while let Some(m) = manager(user) {
            if m == boss {
                return true;
            }
            user = m;
        }
        false
    }
}

/// Writing generated worlds for the property tests: an org tree, roles and users given by index,
/// named with a tag so that several worlds share one database.
pub mod worlds {
    use crate::accounts::users::{insert_user_tx, Login, NewUser, Password};
    use crate::db::Tx;
    use crate::org::{create_unit_tx, UnitKind, UnitName};
    use crate::roles::{insert_role_tx, Action, ObjectType, Scope};

    /// A generated user: primary unit, extra units, manager (an earlier user) and roles, by index.
    pub struct PlainUser<'a> {
        pub primary: usize,
        pub extra: &'a [usize],
        pub manager: Option<usize>,
        pub roles: &'a [usize],
    }

    /// The database ids of what [`write_org`] wrote, by the same indexes.
    pub struct Written {
        pub units: Vec<i64>,
        pub roles: Vec<i64>,
        pub users: Vec<i64>,
    }

    /// Writes units (unit 0 is the group; `unit_parent[i]` the parent of unit i), roles with
    /// their grants, and users (logins `{tag}.u{i}`, lower case).
    pub async fn write_org(tx: &mut Tx, tag: &str, unit_parent: &[Option<usize>], roles: &[Vec<(ObjectType, Action, Scope)>], users: &[PlainUser<'_>]) -> Written {
        let mut unit_ids = Vec::new();
        for (i, parent) in unit_parent.iter().enumerate() {
            let name = UnitName::parse(&format!("{tag}单位{i}")).unwrap();
            let kind = if i == 0 { UnitKind::Group } else { UnitKind::Department };
            unit_ids.push(create_unit_tx(tx, parent.map(|p| unit_ids[p]), kind, &name, "", None).await.unwrap());
        }
        let mut role_ids = Vec::new();
        for (i, grants) in roles.iter().enumerate() {
            role_ids.push(insert_role_tx(tx, None, &format!("{tag}角色{i}"), "", false, grants).await.unwrap());
        }
        let mut user_ids: Vec<i64> = Vec::new();
        for (i, u) in users.iter().enumerate() {
            let new_user = NewUser {
                login: Login::parse(&format!("{}.u{i}", tag.to_lowercase())).unwrap(),
                email: None,
                display_name: format!("用户{i}"),
                password: Password::parse("irrelevant-here").unwrap(),
                primary_unit_id: unit_ids[u.primary],
                manager_id: u.manager.map(|m| user_ids[m]),
                role_ids: u.roles.iter().map(|r| role_ids[*r]).collect(),
            };
            let id = insert_user_tx(tx, &new_user, "$argon2id$not-a-real-hash", None).await.unwrap();
            for e in u.extra.iter().filter(|e| **e != u.primary) {
                sqlx::query("INSERT INTO user_units (user_id, unit_id) VALUES ($1, $2)").bind(id).bind(unit_ids[*e]).execute(&mut **tx).await.unwrap();
            }
            user_ids.push(id);
        }
        Written { units: unit_ids, roles: role_ids, users: user_ids }
    }
}
