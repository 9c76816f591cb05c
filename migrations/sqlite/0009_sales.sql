-- Sales to cash (SQLite dialect): product lines owned by units, products, contracts with their
-- lines and payment plan, receivables created at signing, and the receipts finance records.
-- Money is an integer in minor units (分) with a currency code; times are UTC milliseconds.

-- A top-level product category. Only people in its units (or below) see and sell its products.
CREATE TABLE product_lines (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    name_en     TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    created_by  INTEGER
);

CREATE TABLE product_line_units (
    line_id  INTEGER NOT NULL REFERENCES product_lines(id),
    unit_id  INTEGER NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (line_id, unit_id)
);
CREATE INDEX product_line_units_unit ON product_line_units(unit_id);

CREATE TABLE products (
    id                INTEGER PRIMARY KEY,
    line_id           INTEGER NOT NULL REFERENCES product_lines(id),
    code              TEXT    NOT NULL UNIQUE,
    name              TEXT    NOT NULL,
    name_en           TEXT    NOT NULL DEFAULT '',
    unit_price_minor  INTEGER NOT NULL,
    cost_minor        INTEGER NOT NULL DEFAULT 0,
    currency          TEXT    NOT NULL DEFAULT 'CNY',
    active            INTEGER NOT NULL DEFAULT 1,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    created_by        INTEGER
);
CREATE INDEX products_line ON products(line_id, id);

-- state: draft → pending (under approval) → approved → signed. A rejection returns it to draft.
CREATE TABLE contracts (
    id               INTEGER PRIMARY KEY,
    number           TEXT    NOT NULL UNIQUE,
    title            TEXT    NOT NULL,
    customer_id      INTEGER NOT NULL REFERENCES customers(id),
    state            TEXT    NOT NULL DEFAULT 'draft',
    amount_minor     INTEGER NOT NULL,
    currency         TEXT    NOT NULL DEFAULT 'CNY',
    max_discount_bp  INTEGER NOT NULL DEFAULT 0,
    product_line     TEXT,
    terms            TEXT    NOT NULL DEFAULT '',
    signed_at        INTEGER,
    reject_reason    TEXT,
    owner_id         INTEGER REFERENCES users(id),
    unit_id          INTEGER NOT NULL REFERENCES org_units(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    created_by       INTEGER
);
CREATE INDEX contracts_owner ON contracts(owner_id, id);
CREATE INDEX contracts_unit ON contracts(unit_id, id);
CREATE INDEX contracts_customer ON contracts(customer_id, id);

-- The product name and price are copied at the time of writing: a later price change or a
-- product the reader may not see does not change what was agreed.
CREATE TABLE contract_lines (
    id                INTEGER PRIMARY KEY,
    contract_id       INTEGER NOT NULL REFERENCES contracts(id),
    product_id        INTEGER NOT NULL REFERENCES products(id),
    product_name      TEXT    NOT NULL,
    quantity          INTEGER NOT NULL,
    unit_price_minor  INTEGER NOT NULL,
    discount_bp       INTEGER NOT NULL DEFAULT 0,
    amount_minor      INTEGER NOT NULL
);
CREATE INDEX contract_lines_contract ON contract_lines(contract_id, id);

-- The payment plan: instalments that add up to the contract amount.
CREATE TABLE contract_instalments (
    id            INTEGER PRIMARY KEY,
    contract_id   INTEGER NOT NULL REFERENCES contracts(id),
    seq           INTEGER NOT NULL,
    due_at        INTEGER NOT NULL,
    amount_minor  INTEGER NOT NULL,
    UNIQUE (contract_id, seq)
);

-- 回款计划: one per instalment of a signed contract. Owner and unit follow the contract, so the
-- policy's scopes apply to them as to any record. `received_minor` is the sum of the receipts
-- not reversed, kept in the same transaction as each receipt.
CREATE TABLE receivables (
    id                  INTEGER PRIMARY KEY,
    contract_id         INTEGER NOT NULL REFERENCES contracts(id),
    seq                 INTEGER NOT NULL,
    due_at              INTEGER NOT NULL,
    amount_minor        INTEGER NOT NULL,
    received_minor      INTEGER NOT NULL DEFAULT 0,
    currency            TEXT    NOT NULL DEFAULT 'CNY',
    overdue_flagged_at  INTEGER,
    owner_id            INTEGER REFERENCES users(id),
    unit_id             INTEGER NOT NULL REFERENCES org_units(id),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    created_by          INTEGER,
    UNIQUE (contract_id, seq)
);
CREATE INDEX receivables_due ON receivables(due_at, id);
CREATE INDEX receivables_unit ON receivables(unit_id, due_at, id);
CREATE INDEX receivables_owner ON receivables(owner_id, due_at, id);
-- The overdue list walks only what is still open; unit totals read amounts from the index alone.
CREATE INDEX receivables_open_due ON receivables(due_at, id) WHERE received_minor < amount_minor;
CREATE INDEX receivables_unit_money ON receivables(unit_id, amount_minor, received_minor);

-- 回款: recorded once per idempotency key; a mistaken one is reversed with a reason, never deleted.
CREATE TABLE receipts (
    id               INTEGER PRIMARY KEY,
    receivable_id    INTEGER NOT NULL REFERENCES receivables(id),
    contract_id      INTEGER NOT NULL REFERENCES contracts(id),
    amount_minor     INTEGER NOT NULL,
    currency         TEXT    NOT NULL,
    received_at      INTEGER NOT NULL,
    method           TEXT    NOT NULL,
    reference        TEXT    NOT NULL DEFAULT '',
    idempotency_key  TEXT    NOT NULL UNIQUE,
    fingerprint      TEXT    NOT NULL,
    reversed_at      INTEGER,
    reversed_by      INTEGER REFERENCES users(id),
    reverse_reason   TEXT,
    created_at       INTEGER NOT NULL,
    created_by       INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX receipts_receivable ON receipts(receivable_id, id);
CREATE INDEX receipts_contract ON receipts(contract_id, id);

-- 开票: sales requests an invoice on a signed contract; finance issues it (number, date) or
-- rejects it with a reason. Requested and issued amounts never exceed the contract's amount.
CREATE TABLE invoices (
    id             INTEGER PRIMARY KEY,
    contract_id    INTEGER NOT NULL REFERENCES contracts(id),
    amount_minor   INTEGER NOT NULL,
    currency       TEXT    NOT NULL,
    state          TEXT    NOT NULL DEFAULT 'requested',
    note           TEXT    NOT NULL DEFAULT '',
    number         TEXT,
    issued_on      INTEGER,
    reject_reason  TEXT,
    requested_by   INTEGER NOT NULL REFERENCES users(id),
    decided_by     INTEGER REFERENCES users(id),
    decided_at     INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX invoices_contract ON invoices(contract_id, id);
CREATE INDEX invoices_state ON invoices(state, id);

-- Settings of sales to cash (key, integer value): e.g. the discount (basis points) above which a
-- quote needs approval.
CREATE TABLE sales_settings (
    key    TEXT    PRIMARY KEY,
    value  INTEGER NOT NULL
);
INSERT INTO sales_settings (key, value) VALUES ('quote_discount_threshold_bp', 1000);

-- 报价: state draft → (pending, when a discount exceeds the threshold) → approved; a rejection
-- returns it to draft. An approved quote becomes a contract.
CREATE TABLE quotes (
    id               INTEGER PRIMARY KEY,
    number           TEXT    NOT NULL UNIQUE,
    title            TEXT    NOT NULL,
    customer_id      INTEGER NOT NULL REFERENCES customers(id),
    state            TEXT    NOT NULL DEFAULT 'draft',
    amount_minor     INTEGER NOT NULL,
    currency         TEXT    NOT NULL DEFAULT 'CNY',
    max_discount_bp  INTEGER NOT NULL DEFAULT 0,
    product_line     TEXT,
    valid_until      INTEGER,
    note             TEXT    NOT NULL DEFAULT '',
    reject_reason    TEXT,
    contract_id      INTEGER REFERENCES contracts(id),
    owner_id         INTEGER REFERENCES users(id),
    unit_id          INTEGER NOT NULL REFERENCES org_units(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    created_by       INTEGER
);
CREATE INDEX quotes_owner ON quotes(owner_id, id);
CREATE INDEX quotes_unit ON quotes(unit_id, id);
CREATE INDEX quotes_customer ON quotes(customer_id, id);

CREATE TABLE quote_lines (
    id                INTEGER PRIMARY KEY,
    quote_id          INTEGER NOT NULL REFERENCES quotes(id),
    product_id        INTEGER NOT NULL REFERENCES products(id),
    product_name      TEXT    NOT NULL,
    quantity          INTEGER NOT NULL,
    unit_price_minor  INTEGER NOT NULL,
    discount_bp       INTEGER NOT NULL DEFAULT 0,
    amount_minor      INTEGER NOT NULL
);
CREATE INDEX quote_lines_quote ON quote_lines(quote_id, id);
