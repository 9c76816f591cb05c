//! One store for both engines. The dialect is chosen from the URL scheme; queries use `$n`
//! placeholders, which both engines accept through sqlx's Any driver. Where SQL differs it is
//! branched here and nowhere else.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Transaction};

use crate::error::{DomainError, DomainResult};

pub type Tx = Transaction<'static, sqlx::Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    pub fn from_url(url: &str) -> DomainResult<Self> {
        if url.starts_with("sqlite:") {
            Ok(Dialect::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Dialect::Postgres)
        } else {
            Err(DomainError::Internal(format!(
                "unsupported DATABASE_URL scheme (use sqlite:// or postgres://): {url}"
            )))
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    dialect: Dialect,
    url: String,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Connects to the database named by `url`. A SQLite file and its folder are created when
    /// missing.
    pub async fn connect(url: &str) -> DomainResult<Self> {
        sqlx::any::install_default_drivers();
        let dialect = Dialect::from_url(url)?;
        let url = match dialect {
            Dialect::Sqlite => prepare_sqlite_url(url)?,
            Dialect::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = match dialect {
            Dialect::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            // WAL lets readers run beside the single writer; NORMAL is safe in WAL.
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Dialect::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await?
            }
        };
        Ok(Db { pool, dialect, url })
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The URL the store was opened with (for connections outside the pool, such as a listener).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies the embedded migrations of this dialect.
    pub async fn migrate(&self) -> DomainResult<()> {
        match self.dialect {
            Dialect::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Dialect::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so two writers queue on the busy timeout instead of failing on lock upgrade.
    pub async fn begin_write(&self) -> DomainResult<Tx> {
        let tx = match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    /// The clause that locks the selected rows until the transaction ends. SQLite needs none: a
    /// write transaction there already holds the database's single write lock.
    pub fn for_update(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE",
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates the folder of a SQLite file and asks SQLite to create the file (`mode=rwc`).
fn prepare_sqlite_url(url: &str) -> DomainResult<String> {
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if path != ":memory:" && !path.is_empty() {
        if let Some(parent) = Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    DomainError::Internal(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
        }
    }
    let query = match query {
        Some(q) if q.contains("mode=") => q.to_string(),
        Some(q) => format!("{q}&mode=rwc"),
        None => "mode=rwc".to_string(),
    };
    Ok(format!("sqlite://{path}?{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialect_follows_the_url_scheme() {
        assert_eq!(Dialect::from_url("sqlite://data/crm.db").unwrap(), Dialect::Sqlite);
        assert_eq!(Dialect::from_url("postgres://x@h/db").unwrap(), Dialect::Postgres);
        assert_eq!(Dialect::from_url("postgresql://x@h/db").unwrap(), Dialect::Postgres);
        assert!(Dialect::from_url("mysql://x").is_err());
    }

    #[test]
    fn sqlite_url_gets_create_mode() {
        let dir = std::env::temp_dir().join(format!("crm-url-{}", std::process::id()));
        let url = format!("sqlite://{}/sub/crm.db", dir.display());
        let prepared = prepare_sqlite_url(&url).unwrap();
        assert!(prepared.ends_with("crm.db?mode=rwc"), "{prepared}");
        assert!(dir.join("sub").is_dir());
        std::fs::remove_dir_all(dir).ok();
    }
}

/// A value bound to a `$n` placeholder of a query assembled from optional conditions, so ids and
/// texts can be bound in the order their placeholders were numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Int(i64),
    Text(String),
}

/// Binds `args` to `query` in order.
pub fn bind_args<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    args: &[Arg],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for a in args {
        query = match a {
            Arg::Int(i) => query.bind(*i),
            Arg::Text(t) => query.bind(t.clone()),
        };
    }
    query
}

/// A case-insensitive LIKE pattern for text a user typed: their wildcards are taken literally
/// (used with `ESCAPE '\'`).
pub fn contains_pattern(text: &str) -> String {
    let escaped = text.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// A WHERE clause grown from optional conditions: each condition writes `$?0`, `$?1`… for its own
/// values, which are renumbered after those already there, so placeholders and binds stay in step.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    pub sql: String,
    pub args: Vec<Arg>,
}

impl Conditions {
    /// Starts from a condition whose integer values are `$1…$n` (a policy filter's).
    pub fn starting_with(sql: &str, ints: &[i64]) -> Self {
        Conditions { sql: sql.to_string(), args: ints.iter().map(|i| Arg::Int(*i)).collect() }
    }

    /// Appends `condition` (e.g. `" AND x = $?0"`) with its values.
    pub fn add(&mut self, condition: &str, values: Vec<Arg>) {
        let first = self.args.len() + 1;
        let mut condition = condition.to_string();
        // Highest index first, so `$?1` is not read as the start of `$?10`.
        for i in (0..values.len()).rev() {
            condition = condition.replace(&format!("$?{i}"), &format!("${}", first + i));
        }
        self.sql.push_str(&condition);
        self.args.extend(values);
    }

    /// The query `sql` (which embeds this clause) with the values bound.
    pub fn query<'q>(&self, sql: String) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        bind_args(sqlx::query(sqlx::AssertSqlSafe(sql)), &self.args)
    }
}
