//! Times and money as people read them. Times are shown in UTC, as the server stores them.

/// UTC time as "YYYY-MM-DD HH:MM:SS UTC" from epoch milliseconds.
pub fn format_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The UTC date "YYYY-MM-DD" of epoch milliseconds; empty for none (0 or less).
pub fn format_day(ms: i64) -> String {
    if ms <= 0 {
        return String::new();
    }
    format_utc(ms)[..10].to_string()
}

/// An amount in minor units as people write it: "¥12,345.60" for CNY, "12,345.60 USD" otherwise.
pub fn format_money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let (units, cents) = (minor.unsigned_abs() / 100, minor.unsigned_abs() % 100);
    let digits = units.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match currency {
        "CNY" => format!("{sign}¥{grouped}.{cents:02}"),
        other => format!("{sign}{grouped}.{cents:02} {other}"),
    }
}

/// A typed amount ("5000", "5,000.5", "¥5000.50") in minor units; None unless it is a
/// non-negative number with at most two decimals. Percentages parse the same way into basis points.
pub fn parse_minor(text: &str) -> Option<i64> {
    let t: String = text.trim().trim_start_matches('¥').chars().filter(|c| *c != ',').collect();
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
        return None;
    }
    let cents = format!("{frac:0<2}").parse::<i64>().ok()?;
    whole.parse::<i64>().ok()?.checked_mul(100)?.checked_add(cents)
}

/// Minor units as an input shows them: "5000", or "5000.50" when there are cents.
pub fn minor_text(minor: i64) -> String {
    if minor % 100 == 0 {
        (minor / 100).to_string()
    } else {
        format!("{}.{:02}", minor / 100, minor % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::{format_utc, minor_text, parse_minor};

    #[test]
    fn typed_amounts_parse_to_minor_units_and_back() {
        assert_eq!(parse_minor("5000"), Some(500_000));
        assert_eq!(parse_minor(" ¥5,000.5 "), Some(500_050));
        assert_eq!(parse_minor("0.07"), Some(7));
        for bad in ["", "abc", "5.123", "-3", "1e5", ".5", "5..0", "3 200", "99999999999999999999"] {
            assert_eq!(parse_minor(bad), None, "{bad:?}");
        }
        for m in [0, 7, 500_000, 500_050, 123_456_789] {
            assert_eq!(parse_minor(&minor_text(m)), Some(m));
        }
    }

    #[test]
    fn utc_times_are_formatted() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_utc(1_795_339_801_582), "2026-11-22 09:30:01 UTC");
    }
}
