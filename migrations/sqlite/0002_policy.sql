-- Sharing and the audit log (SQLite dialect).

-- A share gives a user, or everyone in a unit and the units below it, read or edit access to one
-- record, optionally until a time.
CREATE TABLE shares (
    id               INTEGER PRIMARY KEY,
    object           TEXT    NOT NULL,
    record_id        INTEGER NOT NULL,
    grantee_user_id  INTEGER REFERENCES users(id),
    grantee_unit_id  INTEGER REFERENCES org_units(id),
    access           TEXT    NOT NULL,
    expires_at       INTEGER,
    created_at       INTEGER NOT NULL,
    created_by       INTEGER,
    CHECK ((grantee_user_id IS NULL) <> (grantee_unit_id IS NULL))
);
CREATE INDEX shares_record ON shares(object, record_id);
CREATE INDEX shares_user ON shares(grantee_user_id);
CREATE INDEX shares_unit ON shares(grantee_unit_id);

-- Every change to org units, users, roles and shares: who, when, what, before and after (JSON).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    entity      TEXT    NOT NULL,
    entity_id   INTEGER,
    action      TEXT    NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

CREATE INDEX user_units_unit ON user_units(unit_id);
