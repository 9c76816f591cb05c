-- Customer pools (公海), follow-ups, customer history and events (SQLite dialect).

CREATE TABLE pools (
    id                       INTEGER PRIMARY KEY,
    unit_id                  INTEGER NOT NULL REFERENCES org_units(id),
    name                     TEXT    NOT NULL,
    name_en                  TEXT    NOT NULL DEFAULT '',
    max_held_per_user        INTEGER NOT NULL DEFAULT 0,
    max_claims_per_day       INTEGER NOT NULL DEFAULT 0,
    cooldown_days            INTEGER NOT NULL DEFAULT 0,
    recycle_no_followup_days INTEGER NOT NULL DEFAULT 0,
    recycle_no_deal_days     INTEGER NOT NULL DEFAULT 0,
    skip_if_open_deal        INTEGER NOT NULL DEFAULT 1,
    remind_days_before       INTEGER NOT NULL DEFAULT 0,
    active                   INTEGER NOT NULL DEFAULT 1,
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL,
    created_by               INTEGER
);
CREATE INDEX pools_unit ON pools(unit_id);

-- Recycle periods by customer level, overriding the pool's defaults.
CREATE TABLE pool_level_rules (
    pool_id          INTEGER NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    level            TEXT    NOT NULL,
    no_followup_days INTEGER NOT NULL DEFAULT 0,
    no_deal_days     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pool_id, level)
);

-- Who may see and claim a pool's customers besides the pool's own unit and the units below it.
CREATE TABLE pool_members (
    id       INTEGER PRIMARY KEY,
    pool_id  INTEGER NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    unit_id  INTEGER REFERENCES org_units(id),
    user_id  INTEGER REFERENCES users(id),
    CHECK ((unit_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX pool_members_pool ON pool_members(pool_id);

-- Entry rules: a new or released customer whose field matches goes to the pool (lowest priority first).
CREATE TABLE pool_entry_rules (
    id        INTEGER PRIMARY KEY,
    pool_id   INTEGER NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    field     TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    priority  INTEGER NOT NULL DEFAULT 100
);

CREATE TABLE pool_claims (
    id           INTEGER PRIMARY KEY,
    pool_id      INTEGER NOT NULL,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    at           INTEGER NOT NULL
);
CREATE INDEX pool_claims_user ON pool_claims(user_id, at);

ALTER TABLE customers ADD COLUMN pool_id INTEGER REFERENCES pools(id);
ALTER TABLE customers ADD COLUMN owned_since INTEGER;
ALTER TABLE customers ADD COLUMN previous_owner_id INTEGER;
ALTER TABLE customers ADD COLUMN released_at INTEGER;
ALTER TABLE customers ADD COLUMN last_follow_up_at INTEGER;
-- Maintained by the sales modules: time of the last won deal, and how many deals are open.
ALTER TABLE customers ADD COLUMN last_deal_at INTEGER;
ALTER TABLE customers ADD COLUMN open_deals INTEGER NOT NULL DEFAULT 0;
CREATE INDEX customers_pool ON customers(pool_id, id);

CREATE TABLE follow_ups (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    kind         TEXT    NOT NULL,
    note         TEXT    NOT NULL,
    next_at      INTEGER,
    created_at   INTEGER NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX follow_ups_customer ON follow_ups(customer_id, created_at);

-- What happened to a customer: pool moves, ownership, field changes.
CREATE TABLE customer_history (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    actor_id     INTEGER,
    kind         TEXT    NOT NULL,
    field        TEXT,
    old_value    TEXT,
    new_value    TEXT,
    note         TEXT
);
CREATE INDEX customer_history_customer ON customer_history(customer_id, at);

-- Changes others may care about, written with the change; delivered live by the event hub.
CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    at              INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    object          TEXT    NOT NULL,
    record_id       INTEGER NOT NULL,
    actor_id        INTEGER,
    target_user_id  INTEGER,
    payload         TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX events_target ON events(target_user_id, id);
CREATE INDEX events_record ON events(object, record_id, id);
