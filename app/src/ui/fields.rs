//! The text keys of record fields, for column heads, labels and history lines.

/// The text key of a field (or list column) of a customer record; "field" for unknown ones.
pub fn column_key(c: &str) -> &'static str {
    match c {
        "id" => "cust.id",
        "name" => "cust.name",
        "level" => "cust.level",
        "city" => "cust.city",
        "province" => "field.province",
        "industry" => "cust.industry",
        "phone" => "cust.phone",
        "tags" => "cust.tags",
        "status" => "admin.status",
        "source" => "field.source",
        "owner" => "cust.owner",
        "unit" => "cust.unit",
        "kind" => "admin.kind",
        "address" => "field.address",
        "last_follow_up" | "last_follow_up_at" => "cust.last_follow_up",
        "updated" => "cust.updated",
        _ => "admin.field",
    }
}
