//! Lists of records: how many rows a page loads, and where counting stops being exact.

/// Rows per page of a list (customers, leads, contacts).
pub const PAGE_SIZE: i64 = 50;

/// Counts above this are shown as "10,000+".
pub const COUNT_CAP: i64 = 10_000;

/// A count as a list shows it: exact up to [`COUNT_CAP`], "10,000+" above.
pub fn capped_count(total: i64) -> String {
    if total > COUNT_CAP {
        "10,000+".to_string()
    } else {
        total.to_string()
    }
}
