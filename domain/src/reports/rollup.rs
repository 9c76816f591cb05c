//! The monthly sums behind the dashboard (table `report_rollup`, kept by triggers: see migrations
//! 0019 and 0020). They replace counting records one by one where that would give the same
//! answer: the reader may read every record of the shown subtree (so the policy filter removes
//! nothing), and only for whole months: of the period on the calendar the sums were built on
//! (instants), of the period's days (the forecast's close dates, whatever the calendar), or the
//! months before the current one (overdue). The rest is still counted record by record.

use sqlx::Row;

use crate::acting::Actor;
use crate::clock::{civil_date, format_date, start_of_day_ms, DAY_MS, MINUTE_MS};
use crate::db::{bind_args, Arg, Db};
use crate::error::DomainResult;
use crate::objects::{Action, ObjectType, Scope};

/// A period cut into the whole months the sums answer for and the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// First and last whole month, as YYYYMM, if there is any.
    pub months: Option<(i64, i64)>,
    /// The instants [from, to) outside those months.
    pub edges: Vec<(i64, i64)>,
}

fn month_start(year: i64, month: i64) -> i64 {
    start_of_day_ms(&format!("{year:04}-{month:02}-01")).unwrap_or(i64::MAX)
}

fn next(year: i64, month: i64) -> (i64, i64) {
    if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    }
}

/// Cuts [from, to) into whole months on the calendar `offset_min` minutes east of UTC.
pub fn split(from: i64, to: i64, offset_min: i64) -> Split {
    let shift = offset_min * MINUTE_MS;
    let (mut y, mut m, _) = civil_date(from + shift);
    if month_start(y, m) - shift < from {
        (y, m) = next(y, m);
    }
    let first = (y, m);
    let mut last = None;
    loop {
        let (ny, nm) = next(y, m);
        if month_start(ny, nm) - shift > to {
            break;
        }
        last = Some((y, m));
        (y, m) = (ny, nm);
    }
    let Some(last) = last else {
        return Split { months: None, edges: vec![(from, to)] };
    };
    let start = month_start(first.0, first.1) - shift;
    let end = {
        let (ny, nm) = next(last.0, last.1);
        month_start(ny, nm) - shift
    };
    let edges = [(from, start), (end, to)].into_iter().filter(|(a, b)| a < b).collect();
    Split { months: Some((first.0 * 100 + first.1, last.0 * 100 + last.1)), edges }
}

/// The whole range of the open pipeline's rows, which hold the stage where others hold the month.
pub const EVERY_STAGE: (i64, i64) = (0, i32::MAX as i64);

/// Cuts the calendar days `from_date..=to_date` ("YYYY-MM-DD") into whole months and the rest,
/// for figures dated by a day rather than an instant (the expected close of an opportunity).
/// The edges are ranges of days, both ends included.
pub fn split_days(from_date: &str, to_date: &str) -> (Option<(i64, i64)>, Vec<(String, String)>) {
    let (Some(from), Some(to)) = (start_of_day_ms(from_date), start_of_day_ms(to_date)) else {
        return (None, vec![(from_date.to_string(), to_date.to_string())]);
    };
    let s = split(from, to + DAY_MS, 0);
    (s.months, s.edges.into_iter().map(|(a, b)| (format_date(a), format_date(b - DAY_MS))).collect())
}

/// Everything before `now`, cut on the calendar of the sums (`offset_min`): every month before
/// the current one, and the current month up to `now`.
pub fn before(now: i64, offset_min: i64) -> Split {
    let shift = offset_min * MINUTE_MS;
    let (y, m, _) = civil_date(now + shift);
    let start = month_start(y, m) - shift;
    let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    Split { months: Some((0, py * 100 + pm)), edges: [(start, now)].into_iter().filter(|(a, b)| a < b).collect() }
}

/// The calendar the sums were built on (minutes east of UTC), if they were built.
pub async fn offset(db: &Db) -> DomainResult<Option<i64>> {
    let row = sqlx::query("SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'").fetch_optional(db.pool()).await?;
    Ok(match row {
        Some(r) => Some(r.try_get::<i64, _>("value")?),
        None => None,
    })
}

/// Whether the actor may read every record of `object` in `unit` and every unit below it. Their
/// units are read from the tables, as the policy filter reads them.
pub async fn covers(db: &Db, actor: &Actor, object: ObjectType, unit: i64) -> DomainResult<bool> {
    const MY_UNITS: &str = "(SELECT primary_unit_id FROM users WHERE id = $2 UNION SELECT unit_id FROM user_units WHERE user_id = $2)";
    let sql = match actor.scope(object, Action::Read) {
        Scope::All => return Ok(true),
        Scope::UnitAndBelow => format!("SELECT 1 AS hit FROM org_unit_closure c WHERE c.descendant_id = $1 AND c.ancestor_id IN {MY_UNITS}"),
        // Only a subtree made of the actor's own units.
        Scope::Unit => format!(
            "SELECT 1 AS hit FROM org_units o WHERE o.id = $1 AND NOT EXISTS (SELECT 1 FROM org_unit_closure c WHERE c.ancestor_id = $1 AND c.descendant_id NOT IN {MY_UNITS})"
        ),
        _ => return Ok(false),
    };
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(unit).bind(actor.user_id).fetch_optional(db.pool()).await?.is_some())
}

/// One group of sums: the unit and person they count for, the figures, and how many records
/// are behind the first figure (a group with none is not there when counting record by record).
pub struct Sums {
    pub unit: i64,
    pub person: Option<i64>,
    pub values: Vec<(&'static str, i64)>,
    pub records: i64,
}

/// The sums of `figures` of `object` over months `first..=last` in `unit`'s subtree: per unit
/// (each unit's total row) below `unit`, and per person in `unit` itself, which is what the
/// dashboard shows; amounts in `currency`, counts over every currency.
pub async fn sums(db: &Db, object: ObjectType, figures: &[&'static str], months: (i64, i64), unit: i64, currency: &str) -> DomainResult<Vec<Sums>> {
    let list = (0..figures.len()).map(|i| format!("${}", 6 + i)).collect::<Vec<_>>().join(", ");
    let common = format!("object = $1 AND month >= $2 AND month <= $3 AND currency IN ('', $4) AND figure IN ({list})");
    let below = format!(
        "SELECT r.unit_id, -1 AS person_id, r.figure, CAST(SUM(r.value) AS BIGINT) AS v, CAST(SUM(r.records) AS BIGINT) AS n \
         FROM org_unit_closure c JOIN report_rollup r ON r.unit_id = c.descendant_id \
         WHERE c.ancestor_id = $5 AND c.descendant_id <> $5 AND r.person_id = -1 AND {common} GROUP BY r.unit_id, r.figure"
    );
    let own = format!(
        "SELECT unit_id, person_id, figure, CAST(SUM(value) AS BIGINT) AS v, CAST(SUM(records) AS BIGINT) AS n FROM report_rollup \
         WHERE unit_id = $5 AND person_id <> -1 AND {common} GROUP BY unit_id, person_id, figure"
    );
    let mut args = vec![Arg::Text(object.as_str().to_string()), Arg::Int(months.0), Arg::Int(months.1), Arg::Text(currency.to_string()), Arg::Int(unit)];
    args.extend(figures.iter().map(|f| Arg::Text(f.to_string())));
    let mut out: Vec<Sums> = Vec::new();
    let mut index: std::collections::HashMap<(i64, i64), usize> = std::collections::HashMap::new();
    for sql in [below, own] {
        // Not a cached plan: one made for a small subtree reads a large one row by row.
        for r in bind_args(sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false), &args).fetch_all(db.pool()).await? {
            let key = (r.try_get::<i64, _>("unit_id")?, r.try_get::<i64, _>("person_id")?);
            let figure: String = r.try_get("figure")?;
            let Some(pos) = figures.iter().position(|f| *f == figure) else { continue };
            let at = *index.entry(key).or_insert_with(|| {
                out.push(Sums { unit: key.0, person: (key.1 > 0).then_some(key.1), values: figures.iter().map(|f| (*f, 0)).collect(), records: 0 });
                out.len() - 1
            });
            out[at].values[pos].1 += r.try_get::<Option<i64>, _>("v")?.unwrap_or(0);
            if pos == 0 {
                out[at].records += r.try_get::<Option<i64>, _>("n")?.unwrap_or(0);
            }
        }
    }
    out.retain(|s| s.records > 0);
    Ok(out)
}

/// Open opportunities per stage in `unit` and everything below it: (stage, count, amount in
/// `currency`).
pub async fn stage_sums(db: &Db, unit: i64, currency: &str) -> DomainResult<Vec<(i64, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT CAST(r.month AS BIGINT) AS stage_id, CAST(SUM(CASE WHEN r.figure = 'pipeline_count' THEN r.value ELSE 0 END) AS BIGINT) AS n, \
                CAST(SUM(CASE WHEN r.figure = 'pipeline_minor' THEN r.value ELSE 0 END) AS BIGINT) AS amount \
         FROM org_unit_closure c JOIN report_rollup r ON r.unit_id = c.descendant_id \
         WHERE c.ancestor_id = $1 AND r.person_id = -1 AND r.object = 'opportunity' AND r.figure IN ('pipeline_count', 'pipeline_minor') \
           AND r.currency IN ('', $2) GROUP BY r.month",
    )
    .persistent(false)
    .bind(unit)
    .bind(currency.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<i64, _>("stage_id")?, r.try_get::<Option<i64>, _>("n")?.unwrap_or(0), r.try_get::<Option<i64>, _>("amount")?.unwrap_or(0))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::HOUR_MS;

    fn at(date: &str) -> i64 {
        start_of_day_ms(date).unwrap()
    }

    #[test]
    fn a_month_on_the_groups_calendar_is_one_whole_month() {
        let shift = 8 * HOUR_MS;
        let s = split(at("2026-06-01") - shift, at("2026-07-01") - shift, 480);
        assert_eq!(s, Split { months: Some((202606, 202606)), edges: vec![] });
    }

    #[test]
    fn a_year_is_twelve_months() {
        let shift = 8 * HOUR_MS;
        let s = split(at("2026-01-01") - shift, at("2027-01-01") - shift, 480);
        assert_eq!(s, Split { months: Some((202601, 202612)), edges: vec![] });
    }

    #[test]
    fn days_around_whole_months_are_edges() {
        let s = split(at("2026-05-20"), at("2026-08-10"), 0);
        assert_eq!(s, Split { months: Some((202606, 202607)), edges: vec![(at("2026-05-20"), at("2026-06-01")), (at("2026-08-01"), at("2026-08-10"))] });
    }

    #[test]
    fn a_range_inside_one_month_is_all_edge() {
        let s = split(at("2026-05-02"), at("2026-05-30"), 0);
        assert_eq!(s, Split { months: None, edges: vec![(at("2026-05-02"), at("2026-05-30"))] });
        // A month on another calendar is not a whole month of this one.
        let s = split(at("2026-06-01"), at("2026-07-01"), 480);
        assert_eq!(s.months, None);
    }

    #[test]
    fn days_are_cut_into_whole_months_and_ranges_of_days() {
        assert_eq!(split_days("2026-06-01", "2026-06-30"), (Some((202606, 202606)), vec![]));
        assert_eq!(split_days("2026-01-01", "2026-12-31"), (Some((202601, 202612)), vec![]));
        assert_eq!(
            split_days("2026-05-20", "2026-08-10"),
            (Some((202606, 202607)), vec![("2026-05-20".to_string(), "2026-05-31".to_string()), ("2026-08-01".to_string(), "2026-08-10".to_string())])
        );
        assert_eq!(split_days("2026-02-02", "2026-02-28"), (None, vec![("2026-02-02".to_string(), "2026-02-28".to_string())]));
        assert_eq!(split_days("2026-06-15", "2026-06-15"), (None, vec![("2026-06-15".to_string(), "2026-06-15".to_string())]));
    }

    #[test]
    fn before_now_is_the_months_before_and_this_month_so_far() {
        let shift = 8 * HOUR_MS;
        let now = at("2026-06-20") + 3 * HOUR_MS;
        assert_eq!(before(now, 480), Split { months: Some((0, 202605)), edges: vec![(at("2026-06-01") - shift, now)] });
        // January looks back to December of the year before.
        assert_eq!(before(at("2026-01-10"), 0).months, Some((0, 202512)));
        // At the very start of a month nothing of it has passed.
        assert_eq!(before(at("2026-03-01"), 0), Split { months: Some((0, 202602)), edges: vec![] });
    }
}
