//! Time in the store is UTC epoch milliseconds: portable across SQLite and PostgreSQL.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, UTC.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub const SECOND_MS: i64 = 1_000;
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (UTC) of a time, as (year, month, day); the inverse of `days_from_civil`.
pub fn civil_date(ms: i64) -> (i64, i64, i64) {
    let z = ms.div_euclid(DAY_MS) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// "YYYY-MM-DD" (UTC).
pub fn format_date(ms: i64) -> String {
    let (y, m, d) = civil_date(ms);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The first millisecond (UTC) of a date written `YYYY-MM-DD`, or None when it is not a date.
pub fn start_of_day_ms(date: &str) -> Option<i64> {
    end_of_day_ms(date).map(|end| end + 1 - DAY_MS)
}

/// The last millisecond (UTC) of a date written `YYYY-MM-DD`, or None when it is not a date.
pub fn end_of_day_ms(date: &str) -> Option<i64> {
    let mut parts = date.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=days_in_month).contains(&d) || !(1970..=9999).contains(&y) {
        return None;
    }
    Some((days_from_civil(y, m, d) + 1) * DAY_MS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_end_at_the_last_millisecond_utc() {
        assert_eq!(end_of_day_ms("1970-01-01"), Some(DAY_MS - 1));
        assert_eq!(end_of_day_ms("2000-02-29"), Some(951_868_799_999));
        assert_eq!(end_of_day_ms("2001-02-29"), None);
        assert_eq!(end_of_day_ms("2026-13-01"), None);
        assert_eq!(end_of_day_ms("tomorrow"), None);
        assert_eq!(start_of_day_ms("1970-01-02"), Some(DAY_MS));
    }

    #[test]
    fn civil_dates_round_trip() {
        for date in ["1970-01-01", "2000-02-29", "2026-11-24", "2100-12-31"] {
            let start = start_of_day_ms(date).unwrap();
            assert_eq!(format_date(start), date);
            assert_eq!(format_date(end_of_day_ms(date).unwrap()), date);
        }
    }
}
