//! A lead's status and its words, shared by the lead list and the lead page.

/// The text key of a lead status.
pub fn status_key(status: &str) -> &'static str {
    match status {
        "new" => "lead.status_new",
        "assigned" => "lead.status_assigned",
        "following" => "lead.status_following",
        "converted" => "lead.status_converted",
        _ => "lead.status_disqualified",
    }
}

pub const STATUSES: &[&str] = &["new", "assigned", "following", "converted", "disqualified"];
