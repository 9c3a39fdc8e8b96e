-- print-jobs.sqlite3 as the last release before Alembic created it (schema version 1).
CREATE TABLE IF NOT EXISTS print_jobs (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    printer    TEXT NOT NULL,
    template   TEXT NOT NULL,
    items      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    copies     INTEGER NOT NULL CHECK (copies >= 1),
    state      TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    printed    INTEGER NOT NULL CHECK (printed >= 0),
    reason     TEXT NOT NULL,
    attempts   INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    skipped    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS print_jobs_by_state ON print_jobs (state, created_at);
PRAGMA user_version = 1;
