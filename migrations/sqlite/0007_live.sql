-- Live events, notifications, tasks and comments (SQLite dialect).

-- Who is told about which event, and whether they have read it. Written with the event.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    event_id    INTEGER NOT NULL REFERENCES events(id),
    created_at  INTEGER NOT NULL,
    read_at     INTEGER
);
CREATE UNIQUE INDEX notifications_user_event ON notifications(user_id, event_id);
CREATE INDEX notifications_unread ON notifications(user_id, read_at, id);
CREATE INDEX notifications_event ON notifications(event_id);

-- Which groups of notifications a user wants (a missing row means yes).
CREATE TABLE notification_settings (
    user_id  INTEGER NOT NULL REFERENCES users(id),
    kind     TEXT    NOT NULL,
    enabled  INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Tasks: the assignee is the owner (and the unit follows the assignee), so managers reach their
-- units' tasks through the policy like any record; the creator keeps sight of what they assigned.
CREATE TABLE tasks (
    id                INTEGER PRIMARY KEY,
    title             TEXT    NOT NULL,
    description       TEXT    NOT NULL DEFAULT '',
    owner_id          INTEGER NOT NULL REFERENCES users(id),
    unit_id           INTEGER NOT NULL REFERENCES org_units(id),
    creator_id        INTEGER NOT NULL REFERENCES users(id),
    due_at            INTEGER,
    priority          TEXT    NOT NULL DEFAULT 'normal',
    progress          INTEGER NOT NULL DEFAULT 0,
    status            TEXT    NOT NULL DEFAULT 'open',
    linked_object     TEXT,
    linked_record_id  INTEGER,
    reminded_at       INTEGER,
    completed_at      INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    created_by        INTEGER
);
CREATE INDEX tasks_owner ON tasks(owner_id, status, due_at);
CREATE INDEX tasks_creator ON tasks(creator_id, id);
CREATE INDEX tasks_unit ON tasks(unit_id, id);
CREATE INDEX tasks_linked ON tasks(linked_object, linked_record_id);
CREATE INDEX tasks_due ON tasks(status, due_at);

-- Comments on any record, and the people they mention.
CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    object      TEXT    NOT NULL,
    record_id   INTEGER NOT NULL,
    author_id   INTEGER NOT NULL REFERENCES users(id),
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX comments_record ON comments(object, record_id, id);

CREATE TABLE comment_mentions (
    comment_id  INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (comment_id, user_id)
);
