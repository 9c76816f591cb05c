//! The period of a dashboard: a month, a quarter, a year or a range of days on the group's
//! calendar (its display time zone), turned once into UTC instants that every query uses.

use sqlx::Row;

use crate::clock::{civil_date, format_date, start_of_day_ms, DAY_MS, MINUTE_MS};
use crate::db::Db;
use crate::error::{DomainError, DomainResult};

pub use domain_types::reports::PeriodChoice;

/// The longest custom range: longer ones are refused rather than left to run for minutes.
const MAX_DAYS: i64 = 366 * 3;

/// A parsed period: [from_ms, to_ms) in UTC, the calendar dates it covers (both included), and
/// the months ("YYYY-MM") that start inside it, which is what targets are summed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub from_ms: i64,
    pub to_ms: i64,
    pub from_date: String,
    pub to_date: String,
    pub months: Vec<String>,
}

/// The group's display time zone, minutes east of UTC.
pub async fn display_offset_min(db: &Db) -> DomainResult<i64> {
    let row = sqlx::query("SELECT value FROM group_settings WHERE key = 'display_utc_offset_min'").fetch_optional(db.pool()).await?;
    Ok(match row {
        Some(r) => r.try_get("value")?,
        None => 480,
    })
}

fn bad() -> DomainError {
    DomainError::invalid("period", "format")
}

fn year_of(text: &str) -> DomainResult<i64> {
    let y: i64 = text.parse().map_err(|_| bad())?;
    if text.len() != 4 || !(1970..=9998).contains(&y) {
        return Err(bad());
    }
    Ok(y)
}

/// The calendar date `months` months after the first of (year, month), as "YYYY-MM-01".
fn first_of_month(year: i64, month: i64, months: i64) -> String {
    let index = year * 12 + (month - 1) + months;
    format!("{:04}-{:02}-01", index / 12, index % 12 + 1)
}

/// Today's (year, month) on the group's calendar.
fn this_month(now: i64, offset_min: i64) -> (i64, i64) {
    let (y, m, _) = civil_date(now + offset_min * MINUTE_MS);
    (y, m)
}

/// The first and the day after the last calendar date of the choice.
fn dates_of(choice: &PeriodChoice, now: i64, offset_min: i64) -> DomainResult<(String, String)> {
    let value = choice.value.trim();
    match choice.kind.trim() {
        "" => {
            let (y, m) = this_month(now, offset_min);
            Ok((first_of_month(y, m, 0), first_of_month(y, m, 1)))
        }
        "month" => {
            let (y, m) = crate::opportunities::forecast::parse_month(value).map_err(|_| bad())?;
            Ok((first_of_month(y, m, 0), first_of_month(y, m, 1)))
        }
        "quarter" => {
            let (y, q) = value.split_once("-Q").ok_or_else(bad)?;
            let y = year_of(y)?;
            let q: i64 = q.parse().map_err(|_| bad())?;
            if !(1..=4).contains(&q) {
                return Err(bad());
            }
            let m = (q - 1) * 3 + 1;
            Ok((first_of_month(y, m, 0), first_of_month(y, m, 3)))
        }
        "year" => {
            let y = year_of(value)?;
            Ok((first_of_month(y, 1, 0), first_of_month(y, 1, 12)))
        }
        "custom" => {
            let from = start_of_day_ms(&choice.from).ok_or_else(|| DomainError::invalid("from", "format"))?;
            let to = start_of_day_ms(&choice.to).ok_or_else(|| DomainError::invalid("to", "format"))?;
            if to < from {
                return Err(DomainError::invalid("to", "before_from"));
            }
            if (to - from) / DAY_MS >= MAX_DAYS {
                return Err(DomainError::invalid("to", "too_long"));
            }
            Ok((format_date(from), format_date(to + DAY_MS)))
        }
        _ => Err(DomainError::invalid("period", "unknown")),
    }
}

/// Parses the reader's choice on the group's calendar; an empty choice is the current month.
pub fn parse(choice: &PeriodChoice, now: i64, offset_min: i64) -> DomainResult<Period> {
    let (first, after) = dates_of(choice, now, offset_min)?;
    let shift = offset_min * MINUTE_MS;
    let start = start_of_day_ms(&first).ok_or_else(bad)?;
    let end = start_of_day_ms(&after).ok_or_else(bad)?;
    let mut months = Vec::new();
    let (mut y, mut m, d) = civil_date(start);
    if d != 1 {
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    loop {
        let first = first_of_month(y, m, 0);
        if start_of_day_ms(&first).is_none_or(|ms| ms >= end) {
            break;
        }
        months.push(first[..7].to_string());
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    Ok(Period { from_ms: start - shift, to_ms: end - shift, from_date: first, to_date: format_date(end - DAY_MS), months })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(kind: &str, value: &str) -> PeriodChoice {
        PeriodChoice { kind: kind.into(), value: value.into(), ..Default::default() }
    }

    #[test]
    fn a_month_starts_at_midnight_in_the_group_time_zone() {
        let p = parse(&choice("month", "2026-12"), 0, 480).unwrap();
        // 2026-12-01 00:00 in Beijing is 2026-11-30 16:00 UTC.
        assert_eq!(p.from_ms, start_of_day_ms("2026-12-01").unwrap() - 8 * 60 * MINUTE_MS);
        assert_eq!(p.to_ms, start_of_day_ms("2027-01-01").unwrap() - 8 * 60 * MINUTE_MS);
        assert_eq!((p.from_date.as_str(), p.to_date.as_str()), ("2026-12-01", "2026-12-31"));
        assert_eq!(p.months, vec!["2026-12"]);
    }

    #[test]
    fn quarters_years_and_custom_ranges() {
        let q = parse(&choice("quarter", "2026-Q4"), 0, 0).unwrap();
        assert_eq!(q.months, vec!["2026-10", "2026-11", "2026-12"]);
        assert_eq!(q.to_date, "2026-12-31");
        let y = parse(&choice("year", "2027"), 0, 0).unwrap();
        assert_eq!(y.months.len(), 12);
        assert_eq!(y.to_ms - y.from_ms, 365 * DAY_MS);
        let c = parse(&PeriodChoice { kind: "custom".into(), from: "2026-02-15".into(), to: "2026-04-01".into(), ..Default::default() }, 0, 0).unwrap();
        // Both days included; only months that start inside the range carry their target.
        assert_eq!(c.to_ms - c.from_ms, (14 + 31 + 1) * DAY_MS);
        assert_eq!(c.months, vec!["2026-03", "2026-04"]);
    }

    #[test]
    fn the_default_is_this_month_on_the_group_calendar() {
        // 2026-11-30 20:00 UTC is already December 1st in Beijing.
        let now = start_of_day_ms("2026-11-30").unwrap() + 20 * 60 * MINUTE_MS;
        assert_eq!(parse(&PeriodChoice::default(), now, 480).unwrap().months, vec!["2026-12"]);
        assert_eq!(parse(&PeriodChoice::default(), now, 0).unwrap().months, vec!["2026-11"]);
    }

    #[test]
    fn bad_choices_are_refused() {
        for (kind, value) in [("month", "2026-13"), ("quarter", "2026-Q5"), ("quarter", "2026"), ("year", "26"), ("week", "1")] {
            assert!(parse(&choice(kind, value), 0, 0).is_err(), "{kind} {value}");
        }
        let backwards = PeriodChoice { kind: "custom".into(), from: "2026-03-01".into(), to: "2026-02-01".into(), ..Default::default() };
        assert!(parse(&backwards, 0, 0).is_err());
        let long = PeriodChoice { kind: "custom".into(), from: "2020-01-01".into(), to: "2026-01-01".into(), ..Default::default() };
        assert!(parse(&long, 0, 0).is_err());
    }
}
