-- jobs.sqlite3 as the last release before Alembic created it (schema version 1).
CREATE TABLE IF NOT EXISTS jobs (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN
                         ('queued', 'running', 'succeeded', 'failed', 'interrupted')),
    created          TEXT NOT NULL,
    updated          TEXT NOT NULL,
    params           TEXT NOT NULL,
    done             INTEGER NOT NULL DEFAULT 0,
    total            INTEGER,
    result           TEXT NOT NULL DEFAULT 'null',
    error            TEXT,
    checkpoint       TEXT NOT NULL DEFAULT 'null',
    attempts         INTEGER NOT NULL DEFAULT 0,
    worker           TEXT,
    lease_until      TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    schedule         TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state);
CREATE INDEX IF NOT EXISTS jobs_by_kind ON jobs (kind);
CREATE TABLE IF NOT EXISTS schedule_slots (
    schedule TEXT NOT NULL,
    slot     INTEGER NOT NULL,
    claimed  TEXT NOT NULL,
    PRIMARY KEY (schedule, slot)
);
PRAGMA user_version = 1;
