"""The tag store's tables in SQLite, and how an event row reads back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rtutils_core.ports import TagEvent

SCHEMA = """
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
"""


EVENT_COLUMNS = "id, at, prefix, number, tag, state, asset_id, actor, request_id, detail"


def event_of(row: Any) -> TagEvent:
    """The event of a row selected with :data:`EVENT_COLUMNS`."""
    return TagEvent(
        id=row[0],
        at=datetime.fromisoformat(row[1]),
        prefix=row[2],
        number=row[3],
        tag=row[4],
        state=row[5],
        asset_id=row[6],
        actor=row[7],
        request_id=row[8],
        detail=row[9],
    )
