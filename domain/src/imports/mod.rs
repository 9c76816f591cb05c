//! CSV imports of customers and contacts. A file is staged first: its bytes decoded
//! ([`encoding`]), read as CSV, kept with a preview and a guessed column mapping. The user fixes
//! the mapping and starts it; the import then runs in the background ([`run`], driven by the
//! server) with its progress in `import_jobs`. Every row is checked first — required fields,
//! formats, duplicates against existing records (reported with whom to ask) and within the file;
//! all-or-nothing (the default) writes nothing when any row has a problem, "good rows only"
//! writes the rest. Rows are written in batches of short transactions that count what they wrote.

pub mod encoding;

use std::collections::HashMap;

use serde_json::json;
use sqlx::Row;

use crate::acting::Actor;
use crate::activity::{find_duplicate, normalize_phone};
use crate::clock::now_ms;
use crate::customers::NewCustomer;
use crate::db::Db;
use crate::error::{DomainError, DomainResult};
use crate::leads::csv;
use crate::objects::{Action, ObjectType, Scope};

pub use domain_types::imports::{ImportJob, ImportPreview, ImportProblem, CONTACT_FIELDS, CUSTOMER_FIELDS};

/// Largest file accepted (bytes) and most rows.
pub const MAX_BYTES: usize = 30 * 1024 * 1024;
pub const MAX_ROWS: usize = 200_000;
/// Rows checked between two progress writes.
const PROGRESS_EVERY: usize = 1000;
const SAMPLE_ROWS: usize = 10;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Customers,
    Contacts,
}

impl Kind {
    pub fn parse(s: &str) -> DomainResult<Kind> {
        match s {
            "customers" => Ok(Kind::Customers),
            "contacts" => Ok(Kind::Contacts),
            _ => Err(DomainError::invalid("kind", "unknown_kind")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Customers => "customers",
            Kind::Contacts => "contacts",
        }
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Customers => CUSTOMER_FIELDS,
            Kind::Contacts => CONTACT_FIELDS,
        }
    }

    fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Customers => &["name"],
            Kind::Contacts => &["customer", "name"],
        }
    }

    fn may_import(self, actor: &Actor) -> bool {
        match self {
            Kind::Customers => actor.scope(ObjectType::Customer, Action::Create) != Scope::None,
            Kind::Contacts => actor.scope(ObjectType::Customer, Action::Update) != Scope::None,
        }
    }
}

/// The field a header names, in Chinese or English.
fn guess(kind: Kind, header: &str) -> &'static str {
    let h = header.trim().to_lowercase();
    let field = match (kind, h.as_str()) {
        (Kind::Customers, "客户名称" | "客户" | "公司" | "公司名称" | "名称" | "name" | "customer" | "company") => "name",
        (Kind::Customers, "类型" | "客户类型" | "kind" | "type") => "kind",
        (Kind::Customers, "级别" | "客户级别" | "等级" | "level") => "level",
        (Kind::Customers, "行业" | "industry") => "industry",
        (Kind::Contacts, "客户" | "客户名称" | "公司" | "公司名称" | "customer" | "company") => "customer",
        (Kind::Contacts, "姓名" | "联系人" | "name" | "contact") => "name",
        (Kind::Contacts, "职务" | "职位" | "title") => "title",
        (Kind::Contacts, "邮箱" | "电子邮件" | "email" | "e-mail") => "email",
        (_, "省份" | "省" | "province") => "province",
        (_, "城市" | "市" | "city") => "city",
        (_, "电话" | "手机" | "手机号" | "联系电话" | "phone" | "mobile" | "tel") => "phone",
        (_, "来源" | "source") => "source",
        _ => "",
    };
    if kind.fields().contains(&field) {
        field
    } else {
        ""
    }
}

fn read_csv(text: &str) -> DomainResult<Vec<csv::Record>> {
    let records = csv::parse(text).map_err(|_| DomainError::invalid("file", "unterminated_quote"))?;
    if records.is_empty() {
        return Err(DomainError::invalid("file", "empty"));
    }
    if records.len() - 1 > MAX_ROWS {
        return Err(DomainError::LimitReached { what: "import_rows", limit: MAX_ROWS as i64 });
    }
    Ok(records)
}

/// Keeps an uploaded file for import and answers its preview. Nothing is imported yet.
pub async fn stage(db: &Db, actor: &Actor, kind: &str, file_name: &str, bytes: &[u8]) -> DomainResult<ImportPreview> {
    let kind = Kind::parse(kind)?;
    if !kind.may_import(actor) {
        return Err(DomainError::Forbidden);
    }
    if bytes.len() > MAX_BYTES {
        return Err(DomainError::LimitReached { what: "import_bytes", limit: MAX_BYTES as i64 });
    }
    let (text, enc) = encoding::decode(bytes)?;
    let records = read_csv(&text)?;
    let header = records[0].fields.clone();
    let mapping: Vec<String> = header.iter().map(|h| guess(kind, h).to_string()).collect();
    let total = (records.len() - 1) as i64;
    let file_name: String = file_name.chars().take(200).collect();
    let id: i64 = sqlx::query(
        "INSERT INTO import_jobs (user_id, kind, file_name, encoding, content, mapping, status, total_rows, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'staged', $7, $8) RETURNING id",
    )
    .bind(actor.user_id)
    .bind(kind.as_str())
    .bind(&file_name)
    .bind(enc.as_str())
    .bind(&text)
    .bind(json!(mapping).to_string())
    .bind(total)
    .bind(now_ms())
    .fetch_one(db.pool())
    .await?
    .try_get("id")?;
    Ok(ImportPreview {
        job_id: id,
        kind: kind.as_str().into(),
        encoding: enc.as_str().into(),
        header,
        sample: records.iter().skip(1).take(SAMPLE_ROWS).map(|r| r.fields.clone()).collect(),
        total_rows: total,
        mapping,
    })
}

/// Starts a staged import of the actor's with the mapping chosen (one field or "" per column);
/// the server then runs it in the background. Answers the job as queued.
pub async fn start(db: &Db, actor: &Actor, job_id: i64, mapping: &[String], good_rows_only: bool) -> DomainResult<ImportJob> {
    let row = sqlx::query("SELECT kind, status, content FROM import_jobs WHERE id = $1 AND user_id = $2")
        .bind(job_id)
        .bind(actor.user_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(DomainError::NotFound)?;
    let kind = Kind::parse(&row.try_get::<String, _>("kind")?)?;
    if row.try_get::<String, _>("status")? != "staged" {
        return Err(DomainError::Conflict("import_started".into()));
    }
    let mut seen = Vec::new();
    for m in mapping.iter().filter(|m| !m.is_empty()) {
        if !kind.fields().contains(&m.as_str()) {
            return Err(DomainError::invalid("mapping", "unknown_field"));
        }
        if seen.contains(m) {
            return Err(DomainError::invalid("mapping", "field_twice"));
        }
        seen.push(m.clone());
    }
    if kind.required().iter().any(|r| !seen.iter().any(|s| s == r)) {
        return Err(DomainError::invalid("mapping", "required_field_missing"));
    }
    let won = sqlx::query("UPDATE import_jobs SET mapping = $2, good_rows_only = $3, status = 'queued' WHERE id = $1 AND status = 'staged'")
        .bind(job_id)
        .bind(json!(mapping).to_string())
        .bind(good_rows_only as i64)
        .execute(db.pool())
        .await?
        .rows_affected();
    if won == 0 {
        return Err(DomainError::Conflict("import_started".into()));
    }
    job(db, actor, job_id).await
}

/// An import job of the actor's.
pub async fn job(db: &Db, actor: &Actor, job_id: i64) -> DomainResult<ImportJob> {
    let r = sqlx::query(
        "SELECT id, kind, file_name, status, good_rows_only, total_rows, processed_rows, created_rows, problem_rows, report, created_at, started_at, finished_at \
         FROM import_jobs WHERE id = $1 AND user_id = $2",
    )
    .bind(job_id)
    .bind(actor.user_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(DomainError::NotFound)?;
    Ok(ImportJob {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        file_name: r.try_get("file_name")?,
        status: r.try_get("status")?,
        good_rows_only: r.try_get::<i64, _>("good_rows_only")? == 1,
        total_rows: r.try_get("total_rows")?,
        processed_rows: r.try_get("processed_rows")?,
        created_rows: r.try_get("created_rows")?,
        problem_rows: r.try_get("problem_rows")?,
        problems: serde_json::from_str(&r.try_get::<String, _>("report")?).unwrap_or_default(),
        created_at: r.try_get("created_at")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
    })
}

/// Claims the oldest queued import (for this caller alone) and answers its id.
pub async fn claim_next(db: &Db) -> DomainResult<Option<i64>> {
    let Some(id) = sqlx::query("SELECT id FROM import_jobs WHERE status = 'queued' ORDER BY id LIMIT 1")
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.try_get::<i64, _>("id"))
        .transpose()?
    else {
        return Ok(None);
    };
    let won = sqlx::query("UPDATE import_jobs SET status = 'running', started_at = $2, processed_rows = 0 WHERE id = $1 AND status = 'queued'")
        .bind(id)
        .bind(now_ms())
        .execute(db.pool())
        .await?
        .rows_affected();
    Ok((won == 1).then_some(id))
}

/// After a restart: imports that were still checking (nothing written) go back in the queue;
/// those stopped while writing end as failed, with how many rows they had written.
pub async fn requeue_interrupted(db: &Db) -> DomainResult<u64> {
    let report = json!([invalid(0, "", "file", "interrupted")]).to_string();
    sqlx::query("UPDATE import_jobs SET status = 'failed', report = $1, finished_at = $2 WHERE status = 'running' AND created_rows > 0")
        .bind(report)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    Ok(sqlx::query("UPDATE import_jobs SET status = 'queued', processed_rows = 0 WHERE status = 'running'").execute(db.pool()).await?.rows_affected())
}

/// A checked row ready to write.
enum Good {
    Customer(NewCustomer),
    Contact { customer_id: i64, name: String, title: String, phone: String, email: String },
}

struct Checker<'a> {
    db: &'a Db,
    actor: &'a Actor,
    kind: Kind,
    /// Names and phones of earlier rows (normalized), with their lines.
    seen: HashMap<String, i64>,
    /// Customers by exact name the importer may update (contacts files), looked up once each.
    customers: HashMap<String, Option<i64>>,
    /// Existing customers' names (spacing and case ignored) and phones, read once: only rows
    /// that hit one ask the database whom to name.
    known: std::collections::HashSet<String>,
}

fn name_key(name: &str) -> String {
    format!("n:{}", name.to_lowercase().split_whitespace().collect::<String>())
}

async fn known_customers(db: &Db) -> DomainResult<std::collections::HashSet<String>> {
    let mut known = std::collections::HashSet::new();
    for r in sqlx::query("SELECT name, phone FROM customers").fetch_all(db.pool()).await? {
        known.insert(name_key(&r.try_get::<String, _>("name")?));
        let phone: String = r.try_get("phone")?;
        if !phone.is_empty() {
            known.insert(format!("p:{phone}"));
        }
    }
    Ok(known)
}

fn problem(line: i64, label: &str, kind: &str) -> ImportProblem {
    ImportProblem { line, label: label.chars().take(80).collect(), kind: kind.into(), field: String::new(), code: String::new(), ask: String::new(), earlier_line: None }
}

fn invalid(line: i64, label: &str, field: &str, code: &str) -> ImportProblem {
    ImportProblem { field: field.into(), code: code.into(), ..problem(line, label, "invalid") }
}

fn too_long(values: &[(&str, &str, usize)]) -> Option<&'static str> {
    values.iter().find(|(_, v, max)| v.chars().count() > *max).map(|(f, _, _)| match *f {
        "name" => "name",
        "industry" => "industry",
        "province" => "province",
        "city" => "city",
        "source" => "source",
        "title" => "title",
        _ => "field",
    })
}

impl Checker<'_> {
    async fn check(&mut self, line: i64, get: impl Fn(&str) -> String) -> DomainResult<Result<Good, ImportProblem>> {
        match self.kind {
            Kind::Customers => {
                let name = get("name").trim().to_string();
                if name.is_empty() {
                    return Ok(Err(invalid(line, "", "name", "required")));
                }
                let kind = match get("kind").trim() {
                    "" | "company" | "企业" | "公司" | "单位" => "company",
                    "person" | "个人" => "person",
                    _ => return Ok(Err(invalid(line, &name, "kind", "unknown_kind"))),
                };
                let level = match get("level").trim().to_uppercase().as_str() {
                    "" => 'C',
                    l @ ("A" | "B" | "C" | "D") => l.chars().next().unwrap_or('C'),
                    _ => return Ok(Err(invalid(line, &name, "level", "unknown_level"))),
                };
                let phone = normalize_phone(&get("phone"));
                if !get("phone").trim().is_empty() && !(5..=20).contains(&phone.len()) {
                    return Ok(Err(invalid(line, &name, "phone", "format")));
                }
                let (industry, province, city, source) = (get("industry").trim().to_string(), get("province").trim().to_string(), get("city").trim().to_string(), get("source").trim().to_string());
                if let Some(f) = too_long(&[("name", &name, 200), ("industry", &industry, 50), ("province", &province, 50), ("city", &city, 50), ("source", &source, 50)]) {
                    return Ok(Err(invalid(line, &name, f, "too_long")));
                }
                let keys = [Some(name_key(&name)), (!phone.is_empty()).then(|| format!("p:{phone}"))];
                for k in keys.iter().flatten() {
                    if let Some(earlier) = self.seen.get(k) {
                        return Ok(Err(ImportProblem { earlier_line: Some(*earlier), ..problem(line, &name, "duplicate_in_file") }));
                    }
                }
                if keys.iter().flatten().any(|k| self.known.contains(k)) {
                    if let Some(d) = find_duplicate(self.db, self.actor, &name, &phone).await? {
                        return Ok(Err(ImportProblem { ask: d.ask, ..problem(line, &name, "duplicate") }));
                    }
                }
                for k in keys.into_iter().flatten() {
                    self.seen.insert(k, line);
                }
                Ok(Ok(Good::Customer(NewCustomer {
                    name,
                    kind,
                    industry,
                    province,
                    city,
                    phone,
                    level,
                    source,
                    owner_id: Some(self.actor.user_id),
                    unit_id: self.actor.units[0],
                })))
            }
            Kind::Contacts => {
                let (customer, name) = (get("customer").trim().to_string(), get("name").trim().to_string());
                let label = format!("{customer} / {name}");
                if customer.is_empty() {
                    return Ok(Err(invalid(line, &label, "customer", "required")));
                }
                if name.is_empty() {
                    return Ok(Err(invalid(line, &label, "name", "required")));
                }
                let title = get("title").trim().to_string();
                let phone = normalize_phone(&get("phone"));
                if !get("phone").trim().is_empty() && !(5..=20).contains(&phone.len()) {
                    return Ok(Err(invalid(line, &label, "phone", "format")));
                }
                let email = match get("email").trim() {
                    "" => String::new(),
                    e => match crate::accounts::users::Email::parse(e) {
                        Ok(e) => e.as_str().to_string(),
                        Err(_) => return Ok(Err(invalid(line, &label, "email", "format"))),
                    },
                };
                if let Some(f) = too_long(&[("name", &name, 100), ("title", &title, 100)]) {
                    return Ok(Err(invalid(line, &label, f, "too_long")));
                }
                let customer_id = match self.customers.get(&customer) {
                    Some(c) => *c,
                    None => {
                        let found = self.customer_to_update(&customer).await?;
                        self.customers.insert(customer.clone(), found);
                        found
                    }
                };
                let Some(customer_id) = customer_id else {
                    return Ok(Err(invalid(line, &label, "customer", "not_found_or_not_yours")));
                };
                let key = format!("{customer_id}:{}", name.to_lowercase());
                if let Some(earlier) = self.seen.get(&key) {
                    return Ok(Err(ImportProblem { earlier_line: Some(*earlier), ..problem(line, &label, "duplicate_in_file") }));
                }
                let exists = sqlx::query("SELECT COUNT(*) AS n FROM contacts WHERE customer_id = $1 AND (LOWER(name) = LOWER($2) OR ($3 <> '' AND phone = $3))")
                    .bind(customer_id)
                    .bind(&name)
                    .bind(&phone)
                    .fetch_one(self.db.pool())
                    .await?
                    .try_get::<i64, _>("n")?;
                if exists > 0 {
                    return Ok(Err(problem(line, &label, "duplicate")));
                }
                self.seen.insert(key, line);
                Ok(Ok(Good::Contact { customer_id, name, title, phone, email }))
            }
        }
    }

    /// The customer with exactly this name that the importer may update, if one.
    async fn customer_to_update(&self, name: &str) -> DomainResult<Option<i64>> {
        let ids: Vec<i64> = sqlx::query("SELECT id FROM customers WHERE name = $1 ORDER BY id LIMIT 5")
            .bind(name)
            .fetch_all(self.db.pool())
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        let mut conn = self.db.pool().acquire().await?;
        for id in ids {
            if crate::policy::decide_on(&mut conn, self.actor, ObjectType::Customer, Action::Update, id).await?.allowed {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }
}

/// Runs a claimed import to its end: checks every row (progress written as it goes), then writes
/// in one transaction what may be written. Answers the finished job's status.
pub async fn run(db: &Db, job_id: i64) -> DomainResult<String> {
    let r = sqlx::query("SELECT user_id, kind, content, mapping, good_rows_only FROM import_jobs WHERE id = $1 AND status = 'running'")
        .bind(job_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(DomainError::NotFound)?;
    let actor = Actor::load(db, r.try_get("user_id")?).await?;
    let kind = Kind::parse(&r.try_get::<String, _>("kind")?)?;
    let mapping: Vec<String> = serde_json::from_str(&r.try_get::<String, _>("mapping")?).unwrap_or_default();
    let good_rows_only = r.try_get::<i64, _>("good_rows_only")? == 1;
    let records = read_csv(&r.try_get::<String, _>("content")?)?;
    if !kind.may_import(&actor) {
        return finish(db, job_id, "failed", 0, &[invalid(0, "", "file", "forbidden")]).await;
    }
    let known = if kind == Kind::Customers { known_customers(db).await? } else { Default::default() };
    let mut checker = Checker { db, actor: &actor, kind, seen: HashMap::new(), customers: HashMap::new(), known };
    let (mut good, mut problems) = (Vec::new(), Vec::new());
    for (i, rec) in records.iter().enumerate().skip(1) {
        // Blank rows (every field empty) are skipped, as spreadsheets leave them.
        if rec.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |field: &str| mapping.iter().position(|m| m == field).and_then(|c| rec.fields.get(c)).cloned().unwrap_or_default();
        match checker.check(rec.line as i64, get).await? {
            Ok(g) => good.push(g),
            Err(p) => problems.push(p),
        }
        if i % PROGRESS_EVERY == 0 {
            sqlx::query("UPDATE import_jobs SET processed_rows = $2 WHERE id = $1").bind(job_id).bind(i as i64).execute(db.pool()).await?;
        }
    }
    if !problems.is_empty() && !good_rows_only {
        return finish(db, job_id, "failed", 0, &problems).await;
    }
    // Written in batches, each its own short transaction that also counts what it wrote: other
    // people's writes never wait long behind an import (SQLite has one writer), and a server
    // stopped midway leaves whole batches and an exact count, never a row twice.
    let now = now_ms();
    let customers: Vec<&NewCustomer> = good.iter().filter_map(|g| if let Good::Customer(c) = g { Some(c) } else { None }).collect();
    for batch in customers.chunks(WRITE_BATCH) {
        let mut tx = db.begin_write().await?;
        insert_customers(&mut tx, batch, actor.user_id, now).await?;
        count_written(&mut tx, job_id, batch.len()).await?;
        tx.commit().await?;
    }
    let contacts: Vec<&Good> = good.iter().filter(|g| matches!(g, Good::Contact { .. })).collect();
    for batch in contacts.chunks(WRITE_BATCH) {
        let mut tx = db.begin_write().await?;
        for g in batch {
            if let Good::Contact { customer_id, name, title, phone, email } = g {
                sqlx::query("INSERT INTO contacts (customer_id, name, title, phone, email, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)")
                    .bind(customer_id)
                    .bind(name)
                    .bind(title)
                    .bind(phone)
                    .bind(email)
                    .bind(now)
                    .bind(actor.user_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        count_written(&mut tx, job_id, batch.len()).await?;
        tx.commit().await?;
    }
    let mut tx = db.begin_write().await?;
    crate::audit::record(&mut tx, Some(actor.user_id), "import", Some(job_id), kind.as_str(), None, Some(json!({ "created": good.len(), "problems": problems.len() }))).await?;
    tx.commit().await?;
    finish(db, job_id, "done", good.len() as i64, &problems).await
}

async fn count_written(tx: &mut crate::db::Tx, job_id: i64, n: usize) -> DomainResult<()> {
    sqlx::query("UPDATE import_jobs SET created_rows = created_rows + $2 WHERE id = $1").bind(job_id).bind(n as i64).execute(&mut **tx).await?;
    Ok(())
}

/// Rows per multi-row INSERT (16 values each, well under either engine's limit on parameters).
const WRITE_BATCH: usize = 500;

/// Writes checked customers owned by the importer, each with the "created" line of its history.
async fn insert_customers(tx: &mut crate::db::Tx, batch: &[&NewCustomer], actor_id: i64, now: i64) -> DomainResult<()> {
    const COLUMNS: usize = 13;
    let rows: Vec<String> = (0..batch.len())
        .map(|i| {
            let p: Vec<String> = (1..=COLUMNS).map(|c| format!("${}", i * COLUMNS + c)).collect();
            format!("({}, {}, {}, {}, {}, {}, {}, {}, 'active', {}, {}, 0, {}, {}, {}, {})", p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[10], p[11], p[12])
        })
        .collect();
    let sql = format!(
        "INSERT INTO customers (name, kind, industry, province, city, phone, level, source, status, owner_id, unit_id, \
         last_follow_up_at, created_at, updated_at, created_by, owned_since) VALUES {} RETURNING id",
        rows.join(", ")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for c in batch {
        q = q
            .bind(c.name.clone())
            .bind(c.kind)
            .bind(c.industry.clone())
            .bind(c.province.clone())
            .bind(c.city.clone())
            .bind(c.phone.clone())
            .bind(c.level.to_string())
            .bind(c.source.clone())
            .bind(c.owner_id)
            .bind(c.unit_id)
            .bind(now)
            .bind(actor_id)
            .bind(now);
    }
    let ids: Vec<i64> = q.fetch_all(&mut **tx).await?.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?;
    let history: Vec<String> = (0..ids.len()).map(|i| format!("(${}, $1, $2, 'create', NULL, NULL, NULL, 'import')", i + 3)).collect();
    let sql = format!("INSERT INTO customer_history (customer_id, at, actor_id, kind, field, old_value, new_value, note) VALUES {}", history.join(", "));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now).bind(actor_id);
    for id in ids {
        q = q.bind(id);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

async fn finish(db: &Db, job_id: i64, status: &str, created: i64, problems: &[ImportProblem]) -> DomainResult<String> {
    sqlx::query(
        "UPDATE import_jobs SET status = $2, created_rows = CASE WHEN $2 = 'done' THEN $3 ELSE created_rows END, problem_rows = $4, report = $5, \
         processed_rows = total_rows, finished_at = $6 WHERE id = $1",
    )
    .bind(job_id)
    .bind(status)
    .bind(created)
    .bind(problems.len() as i64)
    .bind(json!(problems).to_string())
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(status.to_string())
}

/// Ends an import that could not run (a database failure, say) as failed, nothing written.
pub async fn mark_failed(db: &Db, job_id: i64) -> DomainResult<String> {
    finish(db, job_id, "failed", 0, &[invalid(0, "", "file", "internal")]).await
}
