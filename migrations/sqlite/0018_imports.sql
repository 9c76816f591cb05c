-- CSV imports of customers and contacts: the decoded file, the column mapping, and how the
-- background run stands (progress, and per-line outcomes when it ends).
CREATE TABLE import_jobs (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    kind            TEXT    NOT NULL,
    file_name       TEXT    NOT NULL DEFAULT '',
    encoding        TEXT    NOT NULL,
    content         TEXT    NOT NULL,
    mapping         TEXT    NOT NULL DEFAULT '[]',
    good_rows_only  INTEGER NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL DEFAULT 'staged',
    total_rows      INTEGER NOT NULL DEFAULT 0,
    processed_rows  INTEGER NOT NULL DEFAULT 0,
    created_rows    INTEGER NOT NULL DEFAULT 0,
    problem_rows    INTEGER NOT NULL DEFAULT 0,
    report          TEXT    NOT NULL DEFAULT '[]',
    created_at      INTEGER NOT NULL,
    started_at      INTEGER,
    finished_at     INTEGER
);
CREATE INDEX import_jobs_status ON import_jobs(status, id);
