//! The words of the access vocabulary: object types, actions and scopes, as text keys.

/// The text key of an object type name.
pub fn object_key(object: &str) -> &'static str {
    match object {
        "customer" => "object.customer",
        "contact" => "object.contact",
        "lead" => "object.lead",
        "opportunity" => "object.opportunity",
        "quote" => "object.quote",
        "contract" => "object.contract",
        "receivable" => "object.receivable",
        "ticket" => "object.ticket",
        "product" => "object.product",
        "approval" => "object.approval",
        "task" => "object.task",
        "report" => "object.report",
        _ => "object.admin",
    }
}

/// The text key of a scope.
pub fn scope_key(s: &str) -> &'static str {
    match s {
        "own" => "scope.own",
        "own_and_subordinates" => "scope.own_and_subordinates",
        "unit" => "scope.unit",
        "unit_and_below" => "scope.unit_and_below",
        "all" => "scope.all",
        _ => "scope.none",
    }
}

/// The text key of an action.
pub fn action_key(a: &str) -> &'static str {
    match a {
        "read" => "action.read",
        "create" => "action.create",
        "update" => "action.update",
        "delete" => "action.delete",
        "assign" => "action.assign",
        "share" => "action.share",
        _ => "action.export",
    }
}
