-- Leads (线索), their follow-ups and assignment rules, and a minimal opportunities table that the
-- lead conversion creates (SQLite dialect).

-- Deals on a customer. Money is an integer in minor units (分) with a currency code.
CREATE TABLE opportunities (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    name          TEXT    NOT NULL,
    amount_minor  INTEGER NOT NULL DEFAULT 0,
    currency      TEXT    NOT NULL DEFAULT 'CNY',
    stage         TEXT    NOT NULL DEFAULT 'open',
    owner_id      INTEGER REFERENCES users(id),
    unit_id       INTEGER NOT NULL REFERENCES org_units(id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    created_by    INTEGER
);
CREATE INDEX opportunities_customer ON opportunities(customer_id, id);
CREATE INDEX opportunities_owner ON opportunities(owner_id, id);
CREATE INDEX opportunities_unit ON opportunities(unit_id, id);

-- status: new (unassigned), assigned, following (at least one follow-up), converted, disqualified.
CREATE TABLE leads (
    id                        INTEGER PRIMARY KEY,
    name                      TEXT    NOT NULL DEFAULT '',
    company                   TEXT    NOT NULL DEFAULT '',
    title                     TEXT    NOT NULL DEFAULT '',
    phone                     TEXT    NOT NULL DEFAULT '',
    email                     TEXT    NOT NULL DEFAULT '',
    province                  TEXT    NOT NULL DEFAULT '',
    city                      TEXT    NOT NULL DEFAULT '',
    source                    TEXT    NOT NULL DEFAULT '',
    note                      TEXT    NOT NULL DEFAULT '',
    status                    TEXT    NOT NULL DEFAULT 'new',
    owner_id                  INTEGER REFERENCES users(id),
    unit_id                   INTEGER NOT NULL REFERENCES org_units(id),
    disqualify_reason         TEXT    NOT NULL DEFAULT '',
    converted_customer_id     INTEGER REFERENCES customers(id),
    converted_contact_id      INTEGER REFERENCES contacts(id),
    converted_opportunity_id  INTEGER REFERENCES opportunities(id),
    assigned_at               INTEGER,
    first_follow_up_at        INTEGER,
    last_follow_up_at         INTEGER,
    created_at                INTEGER NOT NULL,
    updated_at                INTEGER NOT NULL,
    created_by                INTEGER
);
CREATE INDEX leads_owner ON leads(owner_id, id);
CREATE INDEX leads_unit ON leads(unit_id, id);
CREATE INDEX leads_status ON leads(status, id);
CREATE INDEX leads_phone ON leads(phone);

CREATE TABLE lead_follow_ups (
    id          INTEGER PRIMARY KEY,
    lead_id     INTEGER NOT NULL REFERENCES leads(id),
    kind        TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    next_at     INTEGER,
    created_at  INTEGER NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX lead_follow_ups_lead ON lead_follow_ups(lead_id, created_at);

-- A new lead whose field matches (field '' matches every lead) goes round-robin to the active
-- people of the target unit and the units below it who may own leads; last_user_id is the
-- round-robin pointer. Lowest priority first.
CREATE TABLE lead_assignment_rules (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    field           TEXT    NOT NULL DEFAULT '',
    value           TEXT    NOT NULL DEFAULT '',
    target_unit_id  INTEGER NOT NULL REFERENCES org_units(id),
    priority        INTEGER NOT NULL DEFAULT 100,
    active          INTEGER NOT NULL DEFAULT 1,
    last_user_id    INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    created_by      INTEGER
);
CREATE INDEX lead_assignment_rules_priority ON lead_assignment_rules(active, priority, id);
