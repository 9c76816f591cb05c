-- Customer list views and the customer 360 page (SQLite dialect): tags, saved views, per-unit
-- assessments, private and shared notes, and indexes for sorted, scoped keyset paging.

-- "Never followed up" is 0, not NULL, so the column sorts and pages like any other.
UPDATE customers SET last_follow_up_at = 0 WHERE last_follow_up_at IS NULL;

CREATE TABLE customer_tags (
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    tag          TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    created_by   INTEGER,
    PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_tag ON customer_tags(tag, customer_id);

-- A user's named list views (filters, sort, columns as JSON), and the last state of each list.
CREATE TABLE saved_views (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    object      TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    spec        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (user_id, object, name)
);

-- Each unit's rating of a customer; a new rating adds a row, so earlier ones stay.
CREATE TABLE customer_assessments (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    unit_id      INTEGER NOT NULL REFERENCES org_units(id),
    author_id    INTEGER NOT NULL REFERENCES users(id),
    rating       TEXT    NOT NULL,
    comment      TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE INDEX customer_assessments_customer ON customer_assessments(customer_id, unit_id, id);

-- Notes on a customer: private ones are seen by their author only.
CREATE TABLE customer_notes (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    author_id    INTEGER NOT NULL REFERENCES users(id),
    body         TEXT    NOT NULL,
    private      INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX customer_notes_customer ON customer_notes(customer_id, id);

-- Sorted keyset paging: one index per sort key, unscoped and per scope bucket (unit, owner).
DROP INDEX customers_name;
CREATE INDEX customers_name_id ON customers(name, id);
CREATE INDEX customers_updated ON customers(updated_at, id);
CREATE INDEX customers_follow ON customers(last_follow_up_at, id);
CREATE INDEX customers_unit_name ON customers(unit_id, name, id);
CREATE INDEX customers_unit_updated ON customers(unit_id, updated_at, id);
CREATE INDEX customers_unit_follow ON customers(unit_id, last_follow_up_at, id);
CREATE INDEX customers_owner_name ON customers(owner_id, name, id);
CREATE INDEX customers_owner_updated ON customers(owner_id, updated_at, id);
CREATE INDEX customers_owner_follow ON customers(owner_id, last_follow_up_at, id);
CREATE INDEX customer_history_field ON customer_history(customer_id, field, at);
CREATE INDEX contacts_name ON contacts(name, id);
CREATE INDEX follow_ups_author ON follow_ups(created_by, created_at);
