-- Approval flows, running approvals and the documents they decide (SQLite dialect).

-- One row per published (or draft) version of a document type's flow. A published version is
-- never edited: running approvals point at the version they started with.
CREATE TABLE approval_flows (
    id            INTEGER PRIMARY KEY,
    doc_type      TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    definition    TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'draft',
    published_at  INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    created_by    INTEGER,
    UNIQUE (doc_type, version)
);
CREATE INDEX approval_flows_current ON approval_flows(doc_type, status, version);

-- Documents that live only for approval (customer transfer, discount/expense request). Contracts
-- and quotes keep their own tables later and plug in through the same hooks.
CREATE TABLE approval_documents (
    id              INTEGER PRIMARY KEY,
    doc_type        TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'draft',
    owner_id        INTEGER NOT NULL REFERENCES users(id),
    unit_id         INTEGER NOT NULL REFERENCES org_units(id),
    amount_minor    INTEGER,
    currency        TEXT    NOT NULL DEFAULT 'CNY',
    discount_bp     INTEGER,
    product_line    TEXT,
    customer_id     INTEGER REFERENCES customers(id),
    target_unit_id  INTEGER REFERENCES org_units(id),
    target_owner_id INTEGER REFERENCES users(id),
    body            TEXT    NOT NULL DEFAULT '',
    reject_reason   TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    created_by      INTEGER
);
CREATE INDEX approval_documents_owner ON approval_documents(owner_id, id);
CREATE INDEX approval_documents_unit ON approval_documents(unit_id, id);
CREATE INDEX approval_documents_customer ON approval_documents(customer_id);

-- One running (or finished) approval of a document. `version` grows with every transition: a
-- decision applies only if the row is still the one it read (the guard against double decisions).
CREATE TABLE approvals (
    id                 INTEGER PRIMARY KEY,
    flow_id            INTEGER NOT NULL REFERENCES approval_flows(id),
    doc_type           TEXT    NOT NULL,
    object             TEXT    NOT NULL,
    record_id          INTEGER NOT NULL,
    subject_object     TEXT,
    subject_id         INTEGER,
    title              TEXT    NOT NULL,
    submitter_id       INTEGER NOT NULL REFERENCES users(id),
    submitter_unit_id  INTEGER NOT NULL REFERENCES org_units(id),
    facts              TEXT    NOT NULL,
    state              TEXT    NOT NULL,
    step_index         INTEGER NOT NULL,
    decisions          INTEGER NOT NULL DEFAULT 0,
    version            INTEGER NOT NULL DEFAULT 0,
    submitted_at       INTEGER NOT NULL,
    finished_at        INTEGER,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX approvals_submitter ON approvals(submitter_id, id);
CREATE INDEX approvals_record ON approvals(object, record_id, state);
CREATE INDEX approvals_subject ON approvals(subject_object, subject_id, state);
CREATE INDEX approvals_flow ON approvals(flow_id, state);

-- Who is asked at a step. The inbox reads this table by (approver, state, id); the document type
-- and submission time are copied here so its filters need no join.
CREATE TABLE approval_tasks (
    id              INTEGER PRIMARY KEY,
    approval_id     INTEGER NOT NULL REFERENCES approvals(id),
    step_index      INTEGER NOT NULL,
    approver_id     INTEGER NOT NULL REFERENCES users(id),
    state           TEXT    NOT NULL,
    via             TEXT    NOT NULL,
    delegated_from  INTEGER REFERENCES users(id),
    doc_type        TEXT    NOT NULL,
    submitted_at    INTEGER NOT NULL,
    due_at          INTEGER,
    escalate_at     INTEGER,
    reminded_at     INTEGER,
    decided_at      INTEGER,
    comment         TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX approval_tasks_inbox ON approval_tasks(approver_id, state, id);
CREATE INDEX approval_tasks_approval ON approval_tasks(approval_id, step_index, state);
CREATE INDEX approval_tasks_due ON approval_tasks(state, due_at);
CREATE INDEX approval_tasks_decided ON approval_tasks(approver_id, decided_at, id);

-- Everything that happened to an approval, in order: the history shown on the document.
CREATE TABLE approval_history (
    id           INTEGER PRIMARY KEY,
    approval_id  INTEGER NOT NULL REFERENCES approvals(id),
    step_index   INTEGER NOT NULL,
    actor_id     INTEGER REFERENCES users(id),
    action       TEXT    NOT NULL,
    target_id    INTEGER REFERENCES users(id),
    comment      TEXT    NOT NULL DEFAULT '',
    at           INTEGER NOT NULL
);
CREATE INDEX approval_history_approval ON approval_history(approval_id, id);
