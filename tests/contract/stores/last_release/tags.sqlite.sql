-- tags.sqlite3 as the last release before Alembic created it (schema version 1).
-- The tag file of that release also kept its version in a table:
CREATE TABLE schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TEXT NOT NULL);
INSERT INTO schema_version VALUES ('tags', 1, '2026-01-01T00:00:00+00:00');
CREATE TABLE IF NOT EXISTS sequences (
    prefix      TEXT PRIMARY KEY,
    next_number INTEGER NOT NULL CHECK (next_number >= 1)
);
CREATE TABLE IF NOT EXISTS tags (
    prefix      TEXT NOT NULL,
    number      INTEGER NOT NULL CHECK (number >= 1),
    tag         TEXT NOT NULL UNIQUE,
    asset_id    INTEGER NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('reserved', 'assigned', 'skipped', 'voided')),
    reserved_by TEXT NOT NULL,
    PRIMARY KEY (prefix, number)
);
CREATE UNIQUE INDEX IF NOT EXISTS tags_one_live_per_asset
    ON tags (prefix, asset_id) WHERE state IN ('reserved', 'assigned');
CREATE TABLE IF NOT EXISTS events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    number     INTEGER NOT NULL,
    tag        TEXT NOT NULL,
    state      TEXT NOT NULL,
    asset_id   INTEGER,
    actor      TEXT NOT NULL,
    request_id TEXT NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_tag ON events (tag);
CREATE INDEX IF NOT EXISTS events_by_asset ON events (asset_id);
CREATE INDEX IF NOT EXISTS events_by_time ON events (at);
PRAGMA user_version = 1;
