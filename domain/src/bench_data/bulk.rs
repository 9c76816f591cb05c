//! Writing many rows fast: multi-row INSERTs as large as the engine allows, the secondary indexes
//! of the big tables dropped during the load and recreated from their stored definitions.

use sqlx::{AnyConnection, Row};

use crate::db::Dialect;
use crate::error::DomainResult;

#[derive(Debug, Clone)]
pub(super) enum Value {
    Int(i64),
    Maybe(Option<i64>),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Maybe(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}

/// Collects rows of one table and writes them as multi-row INSERTs, as many rows per statement
/// as the engine's limit on bound values allows.
pub(super) struct Inserter {
    dialect: Dialect,
    table: &'static str,
    columns: &'static [&'static str],
    per_statement: usize,
    values: Vec<Value>,
    full_sql: Option<String>,
    pub(super) written: usize,
}

impl Inserter {
    pub(super) fn new(dialect: Dialect, table: &'static str, columns: &'static [&'static str]) -> Inserter {
        let max_binds = match dialect {
            Dialect::Sqlite => 32_766,
            Dialect::Postgres => 65_535,
        };
        let per_statement = (max_binds / columns.len()).min(4_000);
        Inserter { dialect, table, columns, per_statement, values: Vec::new(), full_sql: None, written: 0 }
    }

    fn sql(dialect: Dialect, table: &str, columns: &[&str], rows: usize) -> String {
        let width = columns.len();
        // SQLite binds plain `?` slots far faster than tens of thousands of numbered `$n` ones.
        let tuple = |r: usize| match dialect {
            Dialect::Sqlite => format!("({})", vec!["?"; width].join(",")),
            Dialect::Postgres => {
                let slots: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
                format!("({})", slots.join(","))
            }
        };
        let tuples: Vec<String> = (0..rows).map(tuple).collect();
        format!("INSERT INTO {table} ({}) VALUES {}", columns.join(", "), tuples.join(","))
    }

    /// Queues a row; nothing is written before [`Inserter::flush`], so parents can be written
    /// before the rows that refer to them.
    pub(super) fn push<const N: usize>(&mut self, row: [Value; N]) {
        debug_assert_eq!(N, self.columns.len(), "{}", self.table);
        self.values.extend(row);
    }

    /// Writes the queued rows, as many per statement as allowed.
    pub(super) async fn flush(&mut self, conn: &mut AnyConnection) -> DomainResult<()> {
        let width = self.columns.len();
        let mut values = std::mem::take(&mut self.values).into_iter().peekable();
        while values.peek().is_some() {
            let batch: Vec<Value> = values.by_ref().take(self.per_statement * width).collect();
            let rows = batch.len() / width;
            let sql = if rows == self.per_statement {
                self.full_sql.get_or_insert_with(|| Self::sql(self.dialect, self.table, self.columns, rows)).clone()
            } else {
                Self::sql(self.dialect, self.table, self.columns, rows)
            };
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for v in batch {
                q = match v {
                    Value::Int(i) => q.bind(i),
                    Value::Maybe(i) => q.bind(i),
                    Value::Text(t) => q.bind(t),
                };
            }
            q.execute(&mut *conn).await?;
            self.written += rows;
        }
        Ok(())
    }
}

/// The secondary indexes of a table as (name, definition), read from the catalog.
pub(super) async fn secondary_indexes(conn: &mut AnyConnection, dialect: Dialect, table: &str) -> DomainResult<Vec<(String, String)>> {
    let sql = match dialect {
        Dialect::Sqlite => "SELECT name, sql AS def FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL ORDER BY name",
        Dialect::Postgres => {
            "SELECT indexname::text AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 \
             AND indexname NOT IN (SELECT conname::text FROM pg_constraint) ORDER BY indexname"
        }
    };
    let rows = sqlx::query(sql).bind(table).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok((r.try_get("name")?, r.try_get("def")?))).collect()
}

pub(super) async fn exec(conn: &mut AnyConnection, sql: &str) -> DomainResult<()> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&mut *conn).await?;
    Ok(())
}

/// Tables whose secondary indexes are dropped during the load.
pub(super) const BULK_TABLES: &[&str] = &["customers", "contacts", "follow_ups", "customer_tags", "shares"];
/// Tables written with explicit ids (PostgreSQL's identity sequences are moved past them).
pub(super) const ID_TABLES: &[&str] = &["org_units", "users", "pools", "pool_entry_rules", "customers", "contacts", "follow_ups", "shares"];

pub(super) fn info(line: String) {
    tracing::info!(target: "bench_data", "{line}");
}
