//! Which object types are stored in which table, and which of their fields exist. The policy
//! engine works on any table registered here: each has `id`, `owner_id` and `unit_id`.

use crate::objects::ObjectType;

#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    pub name: &'static str,
    /// Identifying fields stay visible to anyone who may see the record at all.
    pub hideable: bool,
}

#[derive(Debug)]
pub struct RecordTable {
    pub object: ObjectType,
    pub table: &'static str,
    pub fields: &'static [FieldDef],
}

const fn f(name: &'static str) -> FieldDef {
    FieldDef { name, hideable: true }
}
const fn id_field(name: &'static str) -> FieldDef {
    FieldDef { name, hideable: false }
}

pub const CUSTOMER_FIELDS: &[FieldDef] = &[
    id_field("name"),
    f("kind"),
    f("industry"),
    f("province"),
    f("city"),
    f("address"),
    f("phone"),
    f("level"),
    f("source"),
    f("status"),
    f("tags"),
    id_field("owner_id"),
    id_field("unit_id"),
];

pub const TASK_FIELDS: &[FieldDef] = &[
    id_field("title"),
    f("description"),
    f("due_at"),
    f("priority"),
    f("progress"),
    f("status"),
    id_field("owner_id"),
    id_field("unit_id"),
];

pub const LEAD_FIELDS: &[FieldDef] = &[
    id_field("name"),
    id_field("company"),
    f("title"),
    f("phone"),
    f("email"),
    f("province"),
    f("city"),
    f("source"),
    f("note"),
    id_field("status"),
    id_field("owner_id"),
    id_field("unit_id"),
];

/// Documents that exist to be approved (customer transfers, discount/expense requests).
pub const APPROVAL_DOCUMENT_FIELDS: &[FieldDef] = &[
    id_field("title"),
    id_field("doc_type"),
    id_field("state"),
    f("amount_minor"),
    f("currency"),
    f("discount_bp"),
    f("product_line"),
    f("customer_id"),
    f("target_unit_id"),
    f("target_owner_id"),
    f("body"),
    f("reject_reason"),
    id_field("owner_id"),
    id_field("unit_id"),
];

/// Contracts (and orders). Service roles do not see amounts by default.
pub const CONTRACT_FIELDS: &[FieldDef] = &[
    id_field("number"),
    id_field("title"),
    id_field("state"),
    id_field("customer_id"),
    f("amount_minor"),
    f("terms"),
    id_field("owner_id"),
    id_field("unit_id"),
];

/// Receivables (one per instalment of a signed contract) and what was received on them.
pub const RECEIVABLE_FIELDS: &[FieldDef] = &[
    id_field("contract_id"),
    id_field("due_at"),
    f("amount_minor"),
    f("received_minor"),
    id_field("owner_id"),
    id_field("unit_id"),
];

/// Quotes. Like contracts, their amounts may be hidden from a role.
pub const QUOTE_FIELDS: &[FieldDef] = &[
    id_field("number"),
    id_field("title"),
    id_field("state"),
    id_field("customer_id"),
    f("amount_minor"),
    f("note"),
    id_field("owner_id"),
    id_field("unit_id"),
];

/// Opportunities (商机). Their amounts may be hidden from a role.
pub const OPPORTUNITY_FIELDS: &[FieldDef] = &[
    id_field("name"),
    id_field("customer_id"),
    id_field("stage_id"),
    f("amount_minor"),
    f("competitors"),
    f("lost_reason"),
    id_field("owner_id"),
    id_field("unit_id"),
];

/// Service tickets.
pub const TICKET_FIELDS: &[FieldDef] = &[
    id_field("title"),
    id_field("category"),
    id_field("priority"),
    id_field("status"),
    id_field("customer_id"),
    f("description"),
    f("resolution"),
    id_field("owner_id"),
    id_field("unit_id"),
];

pub const TABLES: &[RecordTable] = &[
    RecordTable { object: ObjectType::Customer, table: "customers", fields: CUSTOMER_FIELDS },
    RecordTable { object: ObjectType::Task, table: "tasks", fields: TASK_FIELDS },
    RecordTable { object: ObjectType::Lead, table: "leads", fields: LEAD_FIELDS },
    RecordTable { object: ObjectType::Approval, table: "approval_documents", fields: APPROVAL_DOCUMENT_FIELDS },
    RecordTable { object: ObjectType::Contract, table: "contracts", fields: CONTRACT_FIELDS },
    RecordTable { object: ObjectType::Receivable, table: "receivables", fields: RECEIVABLE_FIELDS },
    RecordTable { object: ObjectType::Ticket, table: "tickets", fields: TICKET_FIELDS },
    RecordTable { object: ObjectType::Quote, table: "quotes", fields: QUOTE_FIELDS },
    RecordTable { object: ObjectType::Opportunity, table: "opportunities", fields: OPPORTUNITY_FIELDS },
];

/// Products are not owned records (their product line decides who sees them) but have fields
/// roles may hide: the cost price.
pub const PRODUCT_FIELDS: &[FieldDef] = &[id_field("name"), id_field("unit_price_minor"), f("cost_minor")];

/// The field of an object type that roles may restrict, for owned records and products alike.
pub fn field_def(object: ObjectType, name: &str) -> Option<&'static FieldDef> {
    let fields = match table_of(object) {
        Some(t) => t.fields,
        None if object == ObjectType::Product => PRODUCT_FIELDS,
        None => return None,
    };
    fields.iter().find(|f| f.name == name)
}

pub fn table_of(object: ObjectType) -> Option<&'static RecordTable> {
    TABLES.iter().find(|t| t.object == object)
}

impl RecordTable {
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }
}
