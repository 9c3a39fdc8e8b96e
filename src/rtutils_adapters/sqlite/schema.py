"""The tag store's tables in SQLite as numbered migrations (see ``schema_versions``).

Files written before the ``schema_version`` table existed carry their version only in
``PRAGMA user_version``; that is read as the tag schema's version. The pragma is kept equal
to the tag schema's version too, so that a build from before the table refuses a newer file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

from rtutils_adapters.schema_versions import (
    Migration,
    SchemaChange,
    latest,
    pending,
    split_statements as _split,
)

COMPONENT = "tags"

_V1 = """
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
CREATE INDEX IF NOT EXISTS events_by_time ON events (at)
"""

#: The tag schema, oldest first; append new migrations, never change an applied one.
MIGRATIONS: tuple[Migration, ...] = (Migration(1, _split(_V1)),)

_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " component TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
)


def found_version(tx: sqlite3.Connection) -> int:
    """The tag schema's version in this file (0 for a new one)."""
    legacy = int(tx.execute("PRAGMA user_version").fetchone()[0])
    table = tx.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if table is None:
        return legacy
    row = tx.execute(
        "SELECT version FROM schema_version WHERE component = ?", (COMPONENT,)
    ).fetchone()
    return max(legacy, int(row[0]) if row else 0)


def upgrade(
    tx: sqlite3.Connection, where: str, migrations: Sequence[Migration] = MIGRATIONS
) -> SchemaChange:
    """Bring the tag schema up to date inside the caller's write transaction."""
    before = found_version(tx)
    todo = pending(migrations, before, component=COMPONENT, where=where)
    for migration in todo:
        for statement in migration.statements:
            tx.execute(statement)
    after = latest(migrations) if todo else before
    tx.execute(_VERSION_TABLE)
    tx.execute(
        "INSERT INTO schema_version (component, version, applied_at) VALUES (?, ?, ?)"
        " ON CONFLICT (component) DO UPDATE SET version = excluded.version,"
        " applied_at = excluded.applied_at WHERE version <> excluded.version",
        (COMPONENT, after, datetime.now(UTC).isoformat(timespec="seconds")),
    )
    tx.execute(f"PRAGMA user_version = {int(after)}")
    return SchemaChange(COMPONENT, before, after)
