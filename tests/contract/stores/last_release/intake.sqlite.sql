-- intake.sqlite3 as the last release before Alembic created it (schema version 1).
CREATE TABLE IF NOT EXISTS submissions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    key           TEXT NOT NULL UNIQUE,
    serial        TEXT NOT NULL UNIQUE,
    fingerprint   TEXT NOT NULL,
    opened_at     TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'created')),
    asset_id      INTEGER,
    tag           TEXT NOT NULL DEFAULT '',
    internal_name TEXT NOT NULL DEFAULT '',
    busy_until    TEXT,
    busy_by       TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS names (
    folded     TEXT PRIMARY KEY,
    submission INTEGER NOT NULL REFERENCES submissions (id)
);
CREATE INDEX IF NOT EXISTS names_by_submission ON names (submission);
PRAGMA user_version = 1;
