"""Creating or checking the tables of a SQLite file in ``WORKING_DIR`` by schema version."""

from __future__ import annotations

import sqlite3

from rtutils_core.errors import ConfigError


def apply_schema(tx: sqlite3.Connection, schema: str, version: int, what: str) -> None:
    """Create the tables of ``schema`` inside the open transaction ``tx``.

    A file written by a newer version (a higher ``user_version``) is refused, not changed.
    ``what`` names the file in the message, e.g. "the tag database /var/lib/.../tags.sqlite3".
    """
    found = tx.execute("PRAGMA user_version").fetchone()[0]
    if found > version:
        raise ConfigError(
            f"{what} was written by a newer version (schema {found}, this one knows"
            f" {version}); refusing to touch it"
        )
    for statement in filter(str.strip, schema.split(";")):
        tx.execute(statement)
    tx.execute(f"PRAGMA user_version = {version}")
