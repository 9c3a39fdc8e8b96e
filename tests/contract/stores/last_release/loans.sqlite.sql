-- loans.sqlite3 as the last release before Alembic created it (schema version 2).
CREATE TABLE IF NOT EXISTS loan_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('check-out', 'check-in')),
    asset_id     INTEGER NOT NULL,
    tag          TEXT NOT NULL,
    person       TEXT NOT NULL,
    person_key   TEXT NOT NULL,
    operator     TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    based_on     TEXT NOT NULL,
    condition    TEXT CHECK (condition IS NULL OR condition IN ('ok', 'damaged')),
    damages      TEXT NOT NULL,
    note         TEXT NOT NULL,
    ticket_id    INTEGER,
    ticket_error TEXT NOT NULL,
    due          TEXT,
    forced       INTEGER NOT NULL,
    UNIQUE (action, asset_id, based_on)
);
CREATE INDEX IF NOT EXISTS loan_events_by_time ON loan_events (at);
CREATE INDEX IF NOT EXISTS loan_events_by_asset ON loan_events (asset_id);
CREATE INDEX IF NOT EXISTS loan_events_by_person ON loan_events (person_key);
-- Version 2: the manual check-ins (no device, lost, paid for) and the entries undoing them.
CREATE TABLE IF NOT EXISTS manual_checkins (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('no-device', 'lost', 'paid', 'undo')),
    student_id TEXT NOT NULL,
    person     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    operator   TEXT NOT NULL,
    request_id TEXT NOT NULL,
    asset_id   INTEGER,
    tag        TEXT NOT NULL,
    undoes     INTEGER UNIQUE REFERENCES manual_checkins (id),
    CHECK ((kind = 'undo') = (undoes IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS manual_checkins_by_time ON manual_checkins (at);
PRAGMA user_version = 2;
