//! Dashboards rolled up along the org tree. A reader opens a unit they may report on and sees its
//! key figures for a period, split into the units directly below it (each with everything under
//! it) and the people who own the records of the unit itself; they drill down by opening a unit
//! row. Every figure is computed over the records the reader may read, through the one policy
//! filter, so a figure never includes a record outside their scope; amounts whose field is hidden
//! from them are not computed at all.
//!
//! Which units a reader may open follows their scope on the `report` object: all → any unit; own
//! unit (and below) → their units and everything under them; own → their own units only.

pub mod period;
pub mod rollup;
pub mod targets;

use std::collections::{BTreeMap, HashMap};

use sqlx::Row;

use crate::acting::Actor;
use crate::clock::now_ms;
use crate::db::{bind_args, Arg, Db};
use crate::error::{DomainError, DomainResult};
use crate::exports::ExportTable;
use crate::objects::{Action, ObjectType, Scope};
use crate::policy::record_filter;

pub use domain_types::reports::{Dashboard, DashboardQuery, DashboardRow, Figures, RowKind, StageFigure, FIGURES};
pub use crate::sales::{parse_currency, DEFAULT_CURRENCY};
pub use period::Period;

/// How far down the tree the reader may open units, from their scope on reports.
fn report_scope(actor: &Actor) -> DomainResult<Scope> {
    match actor.scope(ObjectType::Report, Action::Read) {
        Scope::None => Err(DomainError::Forbidden),
        s => Ok(s),
    }
}

/// Whether the reader may open the dashboard of `unit`.
pub async fn may_open(db: &Db, actor: &Actor, unit: i64) -> DomainResult<bool> {
    Ok(match report_scope(actor)? {
        Scope::All => sqlx::query("SELECT id FROM org_units WHERE id = $1").bind(unit).fetch_optional(db.pool()).await?.is_some(),
        Scope::Unit | Scope::UnitAndBelow => under_my_units(db, actor, unit).await?,
        _ => actor.units.contains(&unit),
    })
}

/// Whether `unit` is one of the actor's units or below one.
async fn under_my_units(db: &Db, actor: &Actor, unit: i64) -> DomainResult<bool> {
    let rows = sqlx::query("SELECT ancestor_id FROM org_unit_closure WHERE descendant_id = $1").bind(unit).fetch_all(db.pool()).await?;
    for r in rows {
        if actor.units.contains(&r.try_get::<i64, _>("ancestor_id")?) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The unit a reader lands on: the top of the tree for those who may report on everything,
/// otherwise their primary unit.
async fn home_unit(db: &Db, actor: &Actor) -> DomainResult<i64> {
    if report_scope(actor)? == Scope::All {
        if let Some(r) = sqlx::query("SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY id LIMIT 1").fetch_optional(db.pool()).await? {
            return Ok(r.try_get("id")?);
        }
    }
    actor.units.first().copied().ok_or(DomainError::Forbidden)
}

/// Where a figure's records sit: a unit and the person they are counted for (None: nobody).
type Key = (i64, Option<i64>);

/// One aggregate query: records of `object` (aliased `r` in `from`) inside the shown unit's
/// subtree, counted for `person`, under `condition`. `$?0` is the shown unit, `$?1…` are `args`.
struct Measure {
    object: ObjectType,
    from: &'static str,
    person: &'static str,
    condition: &'static str,
    args: Vec<Arg>,
    /// (figure, aggregate, whether it needs the object's amount field)
    values: Vec<(&'static str, &'static str, bool)>,
    /// Whether its figures are kept summed (see `rollup`).
    rolled: Rolled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rolled {
    No,
    /// Per month of the period (`$?1`, `$?2` are then the period's bounds in instants).
    ByMonth,
    /// Per month of a calendar day inside the period (`$?1`, `$?2` are then its first and last
    /// days): the forecast, by expected close date.
    ByDay,
    /// Per month, summed up to now (`$?1`, `$?2` are then the bounds before now): overdue.
    BeforeNow,
    /// As they stand now, per stage (the open pipeline).
    ByStage,
}

/// What the reader may see of a measure's figures: the object's read right, and its amounts.
fn visible(actor: &Actor, m: &Measure) -> Vec<(&'static str, &'static str)> {
    if !actor.grants.can(m.object, Action::Read) {
        return Vec::new();
    }
    let amounts = actor.fields.can_read(m.object, "amount_minor");
    m.values.iter().filter(|(_, _, money)| amounts || !money).map(|(f, agg, _)| (*f, *agg)).collect()
}

/// Replaces `$?i` (highest first, so `$?1` does not eat `$?10`) with the real placeholder numbers.
fn number(sql: &str, first: usize, count: usize) -> String {
    let mut sql = sql.to_string();
    for i in (0..count).rev() {
        sql = sql.replace(&format!("$?{i}"), &format!("${}", first + i));
    }
    sql
}

type Grouped = Vec<(Key, Vec<(&'static str, i64)>)>;

/// How the measures are counted for one dashboard: from the monthly sums where they give the
/// same answer as counting records, record by record otherwise.
struct Plan {
    /// The period on the display calendar.
    split: rollup::Split,
    /// The period's days.
    days: (Option<(i64, i64)>, Vec<(String, String)>),
    /// Everything before now, on the calendar of the sums (None: there are no sums).
    before_now: Option<rollup::Split>,
    /// Whether the sums were built on the display calendar.
    usable: bool,
    /// The objects whose every record in the shown subtree the reader may read.
    covered: Vec<ObjectType>,
}

impl Plan {
    /// Whether sums were built (their calendar is recorded then) and the reader may read every
    /// record of `object` in the shown subtree.
    fn reads_sums(&self, object: ObjectType) -> bool {
        self.before_now.is_some() && self.covered.contains(&object)
    }
}

/// The whole months a measure reads from the sums and the bounds it still counts record by
/// record, or None when it is counted record by record over the whole period.
fn cut(m: &Measure, plan: &Plan) -> Option<((i64, i64), Vec<(Arg, Arg)>)> {
    if !plan.reads_sums(m.object) {
        return None;
    }
    let instants = |edges: &[(i64, i64)]| edges.iter().map(|(a, b)| (Arg::Int(*a), Arg::Int(*b))).collect();
    match m.rolled {
        Rolled::No => None,
        Rolled::ByStage => Some((rollup::EVERY_STAGE, Vec::new())),
        Rolled::ByMonth if plan.usable => plan.split.months.map(|months| (months, instants(&plan.split.edges))),
        Rolled::ByMonth => None,
        Rolled::ByDay => plan.days.0.map(|months| (months, plan.days.1.iter().map(|(a, b)| (Arg::Text(a.clone()), Arg::Text(b.clone()))).collect())),
        Rolled::BeforeNow => plan.before_now.as_ref().and_then(|s| s.months.map(|months| (months, instants(&s.edges)))),
    }
}

async fn gather(db: &Db, actor: &Actor, unit: i64, now: i64, m: &Measure, plan: &Plan, currency: &str) -> DomainResult<Grouped> {
    let Some((months, edges)) = cut(m, plan) else {
        return run(db, actor, unit, now, m).await;
    };
    let figures: Vec<&'static str> = visible(actor, m).into_iter().map(|(f, _)| f).collect();
    if figures.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: Grouped = rollup::sums(db, m.object, &figures, months, unit, currency).await?.into_iter().map(|s| ((s.unit, s.person), s.values)).collect();
    for (from, to) in edges {
        let mut edge = Measure { args: m.args.clone(), values: m.values.clone(), ..*m };
        edge.args[0] = from;
        edge.args[1] = to;
        out.extend(run(db, actor, unit, now, &edge).await?);
    }
    Ok(out)
}

async fn run(db: &Db, actor: &Actor, unit: i64, now: i64, m: &Measure) -> DomainResult<Grouped> {
    let values = visible(actor, m);
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let f = record_filter(actor, m.object, Action::Read, "r", 1, now);
    let first = f.next_param(1);
    let selects: Vec<String> = values.iter().enumerate().map(|(i, (_, agg))| format!("CAST({agg} AS BIGINT) AS v{i}")).collect();
    let template = format!(
        "SELECT r.unit_id AS unit_id, {person} AS person_id, {selects} FROM {from} \
         WHERE ({policy}) AND r.unit_id IN (SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = $?0) AND {condition} \
         GROUP BY r.unit_id, {person}",
        policy = f.sql,
        person = m.person,
        selects = selects.join(", "),
        from = m.from,
        condition = m.condition,
    );
    let mut args = vec![Arg::Int(unit)];
    args.extend(m.args.iter().cloned());
    // The policy's own placeholders are `$1…`, untouched by the numbering of `$?i`.
    let sql = number(&template, first, args.len());
    let mut all: Vec<Arg> = f.binds.iter().map(|b| Arg::Int(*b)).collect();
    all.extend(args);
    // Planned for these very values each time: a plan cached for any period and unit can be
    // hundreds of times slower on the large ones (PostgreSQL's generic plans).
    let rows = bind_args(sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false), &all).fetch_all(db.pool()).await?;
    rows.iter()
        .map(|r| {
            let key = (r.try_get::<i64, _>("unit_id")?, r.try_get::<Option<i64>, _>("person_id")?);
            let figures = values.iter().enumerate().map(|(i, (name, _))| Ok((*name, r.try_get::<Option<i64>, _>(format!("v{i}").as_str())?.unwrap_or(0)))).collect::<DomainResult<Vec<_>>>()?;
            Ok((key, figures))
        })
        .collect()
}

/// The measures behind the figures, for a period and a currency.
fn measures(p: &Period, currency: &str, now: i64) -> Vec<Measure> {
    use Arg::{Int, Text};
    let (from, to) = (Int(p.from_ms), Int(p.to_ms));
    let cur = || Text(currency.to_string());
    let in_period = |col: &'static str| -> &'static str {
        match col {
            "r.created_at" => "r.created_at >= $?1 AND r.created_at < $?2",
            "f.created_at" => "f.created_at >= $?1 AND f.created_at < $?2",
            "r.signed_at" => "r.signed_at >= $?1 AND r.signed_at < $?2",
            "f.at" => "f.at >= $?1 AND f.at < $?2",
            _ => unreachable!("a period column"),
        }
    };
    vec![
        Measure { object: ObjectType::Customer, from: "customers r", person: "r.owner_id", condition: in_period("r.created_at"), args: vec![from.clone(), to.clone()], values: vec![("customers_new", "COUNT(*)", false)], rolled: Rolled::ByMonth },
        Measure {
            object: ObjectType::Lead,
            from: "leads r",
            person: "r.owner_id",
            condition: in_period("r.created_at"),
            args: vec![from.clone(), to.clone()],
            values: vec![("leads_new", "COUNT(*)", false), ("leads_converted", "SUM(CASE WHEN r.status = 'converted' THEN 1 ELSE 0 END)", false)],
            rolled: Rolled::ByMonth,
        },
        // Follow-ups count for whoever logged them, in the unit of the record they are about.
        Measure { object: ObjectType::Customer, from: "follow_ups f JOIN customers r ON r.id = f.customer_id", person: "f.created_by", condition: in_period("f.created_at"), args: vec![from.clone(), to.clone()], values: vec![("follow_ups", "COUNT(*)", false)], rolled: Rolled::ByMonth },
        Measure { object: ObjectType::Lead, from: "lead_follow_ups f JOIN leads r ON r.id = f.lead_id", person: "f.created_by", condition: in_period("f.created_at"), args: vec![from.clone(), to.clone()], values: vec![("follow_ups", "COUNT(*)", false)], rolled: Rolled::ByMonth },
        Measure {
            object: ObjectType::Opportunity,
            from: "opportunities r JOIN opportunity_stages s ON s.id = r.stage_id",
            person: "r.owner_id",
            condition: "s.outcome = 'open'",
            args: vec![cur()],
            values: vec![("pipeline_count", "COUNT(*)", false), ("pipeline_minor", "SUM(CASE WHEN r.currency = $?1 THEN r.amount_minor ELSE 0 END)", true)],
            rolled: Rolled::ByStage,
        },
        // Expected close dates are days on the group's calendar, compared as text.
        Measure {
            object: ObjectType::Opportunity,
            from: "opportunities r JOIN opportunity_stages s ON s.id = r.stage_id",
            person: "r.owner_id",
            condition: "s.outcome <> 'lost' AND r.expected_close >= $?1 AND r.expected_close <= $?2 AND r.currency = $?3",
            args: vec![Text(p.from_date.clone()), Text(p.to_date.clone()), cur()],
            values: vec![("forecast_minor", "SUM(r.amount_minor / 10000 * s.probability_bp + r.amount_minor % 10000 * s.probability_bp / 10000)", true)],
            rolled: Rolled::ByDay,
        },
        Measure {
            object: ObjectType::Contract,
            from: "contracts r",
            person: "r.owner_id",
            condition: in_period("r.signed_at"),
            args: vec![from.clone(), to.clone(), cur()],
            values: vec![("contracts_signed", "COUNT(*)", false), ("signed_minor", "SUM(CASE WHEN r.currency = $?3 THEN r.amount_minor ELSE 0 END)", true)],
            rolled: Rolled::ByMonth,
        },
        Measure {
            object: ObjectType::Receivable,
            from: "receivables r",
            person: "r.owner_id",
            condition: "r.due_at >= $?1 AND r.due_at < $?2 AND r.currency = $?3",
            args: vec![from.clone(), to.clone(), cur()],
            values: vec![("planned_minor", "SUM(r.amount_minor)", true)],
            rolled: Rolled::ByMonth,
        },
        Measure {
            object: ObjectType::Receivable,
            from: "receipts f JOIN receivables r ON r.id = f.receivable_id",
            person: "r.owner_id",
            condition: "f.reversed_at IS NULL AND f.received_at >= $?1 AND f.received_at < $?2 AND f.currency = $?3",
            args: vec![from.clone(), to.clone(), cur()],
            values: vec![("received_minor", "SUM(f.amount_minor)", true)],
            rolled: Rolled::ByMonth,
        },
        Measure {
            object: ObjectType::Receivable,
            from: "receivables r",
            person: "r.owner_id",
            condition: "r.due_at >= $?1 AND r.due_at < $?2 AND r.received_minor < r.amount_minor AND r.currency = $?3",
            args: vec![Int(i64::MIN), Int(now), cur()],
            values: vec![("overdue_minor", "SUM(r.amount_minor - r.received_minor)", true)],
            rolled: Rolled::BeforeNow,
        },
        Measure {
            object: ObjectType::Ticket,
            from: "tickets r",
            person: "r.owner_id",
            condition: in_period("r.created_at"),
            args: vec![from.clone(), to.clone(), Int(now)],
            values: vec![("tickets_opened", "COUNT(*)", false), ("sla_breaches", "SUM(CASE WHEN COALESCE(r.resolved_at, $?3) > r.sla_due_at THEN 1 ELSE 0 END)", false)],
            rolled: Rolled::No,
        },
        // A claim counts for whoever claimed; a recycle for the owner who lost the customer.
        Measure { object: ObjectType::Customer, from: "pool_claims f JOIN customers r ON r.id = f.customer_id", person: "f.user_id", condition: in_period("f.at"), args: vec![from.clone(), to.clone()], values: vec![("pool_claims", "COUNT(*)", false)], rolled: Rolled::ByMonth },
        Measure {
            object: ObjectType::Customer,
            from: "customer_history f JOIN customers r ON r.id = f.customer_id",
            person: "CAST(f.old_value AS BIGINT)",
            condition: "f.kind = 'recycle' AND f.at >= $?1 AND f.at < $?2",
            args: vec![from, to],
            values: vec![("pool_recycles", "COUNT(*)", false)],
            rolled: Rolled::ByMonth,
        },
    ]
}

/// The figures the reader may see at all: those start at zero on every row, the others stay None.
fn visible_figures(actor: &Actor, measures: &[Measure]) -> Figures {
    let mut f = Figures::default();
    for m in measures {
        for (name, _) in visible(actor, m) {
            if let Some(slot) = f.slot(name) {
                *slot = Some(0);
            }
        }
    }
    // Targets are the reporting line's own figures: whoever may open the unit sees them.
    f.target_minor = Some(0);
    f
}

fn add(f: &mut Figures, name: &str, value: i64) {
    if let Some(Some(v)) = f.slot(name) {
        *v += value;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum RowKey {
    Unit(i64),
    Person(i64),
    Unassigned,
}

/// The dashboard of a unit for a period, now.
pub async fn dashboard(db: &Db, actor: &Actor, q: &DashboardQuery) -> DomainResult<Dashboard> {
    dashboard_at(db, actor, q, now_ms()).await
}

/// The dashboard as it stands at `now` (overdue, open pipeline and SLA are measured at `now`).
pub async fn dashboard_at(db: &Db, actor: &Actor, q: &DashboardQuery, now: i64) -> DomainResult<Dashboard> {
    let scope = report_scope(actor)?;
    let unit = match q.unit_id {
        Some(u) => u,
        None => home_unit(db, actor).await?,
    };
    if !may_open(db, actor, unit).await? {
        return Err(DomainError::Forbidden);
    }
    let currency = parse_currency(&q.currency)?;
    let offset = period::display_offset_min(db).await?;
    let period = period::parse(&q.period, now, offset)?;
    let measures = measures(&period, &currency, now);
    let zero = visible_figures(actor, &measures);

    let unit_name: String = sqlx::query("SELECT name FROM org_units WHERE id = $1").bind(unit).fetch_one(db.pool()).await?.try_get("name")?;
    // Each unit of the subtree, mapped to the child of the shown unit it lies under.
    let children = sqlx::query("SELECT ch.id, ch.name, c.descendant_id FROM org_units ch JOIN org_unit_closure c ON c.ancestor_id = ch.id WHERE ch.parent_id = $1 ORDER BY ch.id")
        .bind(unit)
        .fetch_all(db.pool())
        .await?;
    let mut under: HashMap<i64, i64> = HashMap::new();
    let mut rows: BTreeMap<RowKey, (String, Figures)> = BTreeMap::new();
    let drill = !matches!(scope, Scope::Own | Scope::OwnAndSubordinates);
    for r in &children {
        let child: i64 = r.try_get("id")?;
        under.insert(r.try_get("descendant_id")?, child);
        // Those who may open only their own units see no rows of the units below.
        if drill {
            rows.entry(RowKey::Unit(child)).or_insert_with(|| (r.try_get("name").unwrap_or_default(), zero.clone()));
        }
    }
    let mut total = zero.clone();
    // The measures are independent queries: they run side by side on the pool's connections.
    // Whether the reader reads the whole subtree, once per object rather than once per measure.
    let mut covered = Vec::new();
    for object in [ObjectType::Customer, ObjectType::Lead, ObjectType::Opportunity, ObjectType::Contract, ObjectType::Receivable] {
        if rollup::covers(db, actor, object, unit).await? {
            covered.push(object);
        }
    }
    let sums_offset = rollup::offset(db).await?;
    let plan = std::sync::Arc::new(Plan {
        split: rollup::split(period.from_ms, period.to_ms, offset),
        days: rollup::split_days(&period.from_date, &period.to_date),
        before_now: sums_offset.map(|o| rollup::before(now, o)),
        usable: sums_offset == Some(offset),
        covered,
    });
    let mut pending = tokio::task::JoinSet::new();
    for m in measures {
        let (db, actor, plan, currency) = (db.clone(), actor.clone(), plan.clone(), currency.clone());
        pending.spawn(async move { gather(&db, &actor, unit, now, &m, &plan, &currency).await });
    }
    let mut results = Vec::new();
    while let Some(done) = pending.join_next().await {
        results.push(done.map_err(|e| DomainError::Internal(format!("dashboard measure: {e}")))??);
    }
    for grouped in results {
        for ((record_unit, person), values) in grouped {
            let key = if record_unit == unit {
                person.map(RowKey::Person).unwrap_or(RowKey::Unassigned)
            } else {
                match under.get(&record_unit) {
                    Some(child) => RowKey::Unit(*child),
                    None => continue,
                }
            };
            if !drill && matches!(key, RowKey::Unit(_)) {
                // Still part of the unit's total, which the reader may see.
                for (name, v) in &values {
                    add(&mut total, name, *v);
                }
                continue;
            }
            let row = &mut rows.entry(key).or_insert_with(|| (String::new(), zero.clone())).1;
            for (name, v) in values {
                add(row, name, v);
                add(&mut total, name, v);
            }
        }
    }
    // The people of the unit are listed even on a quiet month, for those who may see them.
    if drill {
        for r in sqlx::query("SELECT id FROM users WHERE primary_unit_id = $1 AND active = 1").bind(unit).fetch_all(db.pool()).await? {
            rows.entry(RowKey::Person(r.try_get("id")?)).or_insert_with(|| (String::new(), zero.clone()));
        }
    } else if actor.units.first() == Some(&unit) {
        rows.entry(RowKey::Person(actor.user_id)).or_insert_with(|| (String::new(), zero.clone()));
    }
    let targets = targets::rolled_up(db, unit, &period.months, &currency).await?;
    for (key, (_, figures)) in rows.iter_mut() {
        figures.target_minor = Some(match key {
            RowKey::Unit(u) => targets.unit(*u),
            RowKey::Person(p) => targets.person(*p),
            RowKey::Unassigned => 0,
        });
    }
    total.target_minor = Some(targets.unit(unit));
    name_people(db, &mut rows).await?;
    let path = path_to(db, actor, unit).await?;
    let stages = stages(db, actor, unit, &currency, now, plan.reads_sums(ObjectType::Opportunity)).await?;
    Ok(Dashboard {
        unit_id: unit,
        unit_name,
        path,
        currency,
        from_ms: period.from_ms,
        to_ms: period.to_ms,
        from_date: period.from_date,
        to_date: period.to_date,
        rows: rows
            .into_iter()
            .map(|(key, (name, figures))| {
                let (kind, id) = match key {
                    RowKey::Unit(u) => (RowKind::Unit, u),
                    RowKey::Person(p) => (RowKind::Person, p),
                    RowKey::Unassigned => (RowKind::Unassigned, 0),
                };
                DashboardRow { kind, id, name, drillable: kind == RowKind::Unit, figures }
            })
            .collect(),
        total,
        stages,
        may_set_targets: targets::may_set(db, actor, unit).await?,
        may_export: actor.grants.can(ObjectType::Report, Action::Export),
    })
}

async fn name_people(db: &Db, rows: &mut BTreeMap<RowKey, (String, Figures)>) -> DomainResult<()> {
    let people: Vec<i64> = rows.keys().filter_map(|k| if let RowKey::Person(id) = k { Some(*id) } else { None }).collect();
    if people.is_empty() {
        return Ok(());
    }
    let list = (1..=people.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    let args: Vec<Arg> = people.iter().map(|p| Arg::Int(*p)).collect();
    let sql = format!("SELECT id, display_name FROM users WHERE id IN ({list})");
    for r in bind_args(sqlx::query(sqlx::AssertSqlSafe(sql)), &args).fetch_all(db.pool()).await? {
        if let Some((name, _)) = rows.get_mut(&RowKey::Person(r.try_get("id")?)) {
            *name = r.try_get("display_name")?;
        }
    }
    Ok(())
}

/// The units from the highest the reader may open down to `unit`.
async fn path_to(db: &Db, actor: &Actor, unit: i64) -> DomainResult<Vec<(i64, String)>> {
    let rows = sqlx::query("SELECT o.id, o.name FROM org_unit_closure c JOIN org_units o ON o.id = c.ancestor_id WHERE c.descendant_id = $1 ORDER BY c.depth DESC")
        .bind(unit)
        .fetch_all(db.pool())
        .await?;
    let mut path = Vec::new();
    for r in rows {
        let id: i64 = r.try_get("id")?;
        if may_open(db, actor, id).await? {
            path.push((id, r.try_get("name")?));
        }
    }
    Ok(path)
}

/// Open opportunities per stage of the pipeline, over the unit's subtree: from the sums when
/// `from_sums` (see `Plan::reads_sums`), else record by record.
async fn stages(db: &Db, actor: &Actor, unit: i64, currency: &str, now: i64, from_sums: bool) -> DomainResult<Vec<StageFigure>> {
    const OBJECT: ObjectType = ObjectType::Opportunity;
    if !actor.grants.can(OBJECT, Action::Read) {
        return Ok(Vec::new());
    }
    let amounts = actor.fields.can_read(OBJECT, "amount_minor");
    let mut out: Vec<StageFigure> = sqlx::query("SELECT id, name_zh, name_en FROM opportunity_stages WHERE outcome = 'open' ORDER BY position, id")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok(StageFigure { stage_id: r.try_get("id")?, name_zh: r.try_get("name_zh")?, name_en: r.try_get("name_en")?, count: 0, amount_minor: amounts.then_some(0) }))
        .collect::<DomainResult<_>>()?;
    if from_sums {
        for (stage, count, amount) in rollup::stage_sums(db, unit, currency).await? {
            if let Some(s) = out.iter_mut().find(|s| s.stage_id == stage) {
                s.count = count;
                if amounts {
                    s.amount_minor = Some(amount);
                }
            }
        }
        return Ok(out);
    }
    let f = record_filter(actor, OBJECT, Action::Read, "r", 1, now);
    let n = f.next_param(1);
    let sql = format!(
        "SELECT r.stage_id, COUNT(*) AS n, CAST(SUM(CASE WHEN r.currency = ${} THEN r.amount_minor ELSE 0 END) AS BIGINT) AS amount \
         FROM opportunities r WHERE {} AND r.unit_id IN (SELECT descendant_id FROM org_unit_closure WHERE ancestor_id = ${n}) GROUP BY r.stage_id",
        n + 1,
        f.sql
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
    for b in f.binds {
        query = query.bind(b);
    }
    for r in query.bind(unit).bind(currency.to_string()).fetch_all(db.pool()).await? {
        let id: Option<i64> = r.try_get("stage_id")?;
        if let Some(s) = out.iter_mut().find(|s| Some(s.stage_id) == id) {
            s.count = r.try_get("n")?;
            if amounts {
                s.amount_minor = Some(r.try_get::<Option<i64>, _>("amount")?.unwrap_or(0));
            }
        }
    }
    Ok(out)
}

/// The dashboard as a table for a CSV file: one line per row and one for the total, with only
/// the figures the reader may see (money in major units). Needs the export right on reports.
pub async fn export(db: &Db, actor: &Actor, q: &DashboardQuery) -> DomainResult<ExportTable> {
    if !actor.grants.can(ObjectType::Report, Action::Export) {
        return Err(DomainError::Forbidden);
    }
    let d = dashboard(db, actor, q).await?;
    let shown: Vec<&'static str> = FIGURES.iter().copied().filter(|f| d.total.get(f).is_some()).collect();
    let mut columns = vec!["name"];
    columns.extend(shown.iter().copied());
    let cells = |f: &Figures| -> Vec<String> {
        shown.iter().map(|name| match f.get(name) {
            Some(v) if Figures::is_money(name) => format!("{}{}.{:02}", if v < 0 { "-" } else { "" }, v.abs() / 100, v.abs() % 100),
            Some(v) => v.to_string(),
            None => String::new(),
        })
        .collect()
    };
    let mut rows: Vec<Vec<String>> = d.rows.iter().map(|r| std::iter::once(r.name.clone()).chain(cells(&r.figures)).collect()).collect();
    rows.push(std::iter::once(d.unit_name.clone()).chain(cells(&d.total)).collect());
    Ok(ExportTable { columns, rows, skipped: 0 })
}
