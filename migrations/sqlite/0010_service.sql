-- Service tickets (工单) with a response-time policy per priority (SQLite dialect).

-- Hours from opening to the SLA due time, per priority. Administrators may change them.
CREATE TABLE ticket_sla (
    priority  TEXT    PRIMARY KEY,
    hours     INTEGER NOT NULL
);
INSERT INTO ticket_sla (priority, hours) VALUES ('urgent', 4), ('high', 8), ('normal', 24), ('low', 72);

-- category: complaint, request, fault. status: open → in_progress → resolved (→ closed).
-- The owner is the assignee, the unit their service unit, so scopes apply as to any record.
CREATE TABLE tickets (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    contact_id   INTEGER REFERENCES contacts(id),
    contract_id  INTEGER REFERENCES contracts(id),
    category     TEXT    NOT NULL,
    priority     TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL DEFAULT 'open',
    resolution   TEXT    NOT NULL DEFAULT '',
    sla_due_at   INTEGER NOT NULL,
    breached_at  INTEGER,
    resolved_at  INTEGER,
    owner_id     INTEGER REFERENCES users(id),
    unit_id      INTEGER NOT NULL REFERENCES org_units(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    created_by   INTEGER
);
CREATE INDEX tickets_unit ON tickets(unit_id, id);
CREATE INDEX tickets_owner ON tickets(owner_id, id);
CREATE INDEX tickets_customer ON tickets(customer_id, id);
CREATE INDEX tickets_sla ON tickets(status, sla_due_at);
