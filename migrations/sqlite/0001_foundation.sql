-- Foundation schema (SQLite dialect). Times are UTC epoch milliseconds; flags are 0/1 integers
-- so that the same queries decode identically on SQLite and PostgreSQL through sqlx's Any driver.

CREATE TABLE org_units (
    id            INTEGER PRIMARY KEY,
    parent_id     INTEGER REFERENCES org_units(id),
    kind          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    name_en       TEXT    NOT NULL DEFAULT '',
    head_user_id  INTEGER,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    created_by    INTEGER
);
CREATE INDEX org_units_parent ON org_units(parent_id);

-- Closure table: one row per (ancestor, descendant) pair, depth 0 for the unit itself.
CREATE TABLE org_unit_closure (
    ancestor_id   INTEGER NOT NULL REFERENCES org_units(id),
    descendant_id INTEGER NOT NULL REFERENCES org_units(id),
    depth         INTEGER NOT NULL,
    PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX org_unit_closure_descendant ON org_unit_closure(descendant_id, ancestor_id);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    login            TEXT    NOT NULL UNIQUE,
    email            TEXT    UNIQUE,
    display_name     TEXT    NOT NULL,
    password_hash    TEXT    NOT NULL,
    primary_unit_id  INTEGER NOT NULL REFERENCES org_units(id),
    manager_id       INTEGER REFERENCES users(id),
    active           INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    created_by       INTEGER
);
CREATE INDEX users_primary_unit ON users(primary_unit_id);
CREATE INDEX users_manager ON users(manager_id);

CREATE TABLE user_units (
    user_id  INTEGER NOT NULL REFERENCES users(id),
    unit_id  INTEGER NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (user_id, unit_id)
);

CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    key         TEXT    UNIQUE,
    name        TEXT    NOT NULL,
    name_en     TEXT    NOT NULL DEFAULT '',
    builtin     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    created_by  INTEGER
);

CREATE TABLE role_grants (
    role_id  INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    object   TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    scope    TEXT    NOT NULL,
    PRIMARY KEY (role_id, object, action)
);

CREATE TABLE role_field_rights (
    role_id  INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    object   TEXT    NOT NULL,
    field    TEXT    NOT NULL,
    access   TEXT    NOT NULL,
    PRIMARY KEY (role_id, object, field)
);

CREATE TABLE user_roles (
    user_id  INTEGER NOT NULL REFERENCES users(id),
    role_id  INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role ON user_roles(role_id);

-- Only a hash of the session token is stored: a leaked table does not yield usable cookies.
CREATE TABLE sessions (
    token_hash    TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    ip            TEXT    NOT NULL DEFAULT '',
    user_agent    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed sign-ins per key ("account:<login>" or "address:<ip>").
CREATE TABLE login_throttle (
    key              TEXT    PRIMARY KEY,
    failures         INTEGER NOT NULL,
    first_failure_at INTEGER NOT NULL,
    last_failure_at  INTEGER NOT NULL
);

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL DEFAULT 'company',
    industry    TEXT    NOT NULL DEFAULT '',
    province    TEXT    NOT NULL DEFAULT '',
    city        TEXT    NOT NULL DEFAULT '',
    address     TEXT    NOT NULL DEFAULT '',
    phone       TEXT    NOT NULL DEFAULT '',
    level       TEXT    NOT NULL DEFAULT 'C',
    source      TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL DEFAULT 'active',
    owner_id    INTEGER REFERENCES users(id),
    unit_id     INTEGER NOT NULL REFERENCES org_units(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    created_by  INTEGER
);
CREATE INDEX customers_unit ON customers(unit_id, id);
CREATE INDEX customers_owner ON customers(owner_id, id);
