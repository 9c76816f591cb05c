-- Customer segments (客户分群): a named rule over customer fields and tags (JSON), private to its
-- author; its count is taken within the scope of whoever reads it.
CREATE TABLE segments (
    id          INTEGER PRIMARY KEY,
    owner_id    INTEGER  NOT NULL REFERENCES users(id),
    name        TEXT    NOT NULL,
    rule        TEXT    NOT NULL,
    created_at  INTEGER  NOT NULL,
    updated_at  INTEGER  NOT NULL,
    UNIQUE (owner_id, name)
);
