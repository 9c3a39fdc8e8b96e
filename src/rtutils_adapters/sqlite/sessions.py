"""Desk sessions that the server can end: the signed cookie names a session, this file says
whether it is still live.

A cookie alone cannot be taken back: a copy made before sign-out would stay valid until it
expires. Here, sign-out deletes the session's row, so every copy of its cookie stops working
at once; a session also ends at its expiry whatever the cookie says.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from rtutils_adapters.sqlite.files import private_file

FILE_NAME = "sessions.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    principal TEXT NOT NULL,
    expires REAL NOT NULL
)
"""


class SqliteSessionStore:
    """Live sessions in one SQLite file, shared by the threads and processes of a service."""

    def __init__(self, path: Path) -> None:
        self.path = private_file(path)
        self._time = time.time
        with self._connection() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    @classmethod
    def in_dir(cls, working_dir: Path) -> SqliteSessionStore:
        return cls(working_dir / FILE_NAME)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10.0)) as db, db:
            yield db

    def start(self, principal: str, lifetime_seconds: float) -> str:
        """A new live session for ``principal``; returns its id for the cookie."""
        session_id = secrets.token_urlsafe(32)
        now = self._time()
        with self._connection() as db:
            db.execute("DELETE FROM sessions WHERE expires <= ?", (now,))
            db.execute(
                "INSERT INTO sessions (id, principal, expires) VALUES (?, ?, ?)",
                (session_id, principal, now + lifetime_seconds),
            )
        return session_id

    def is_live(self, session_id: str, principal: str) -> bool:
        """Whether ``session_id`` was started for ``principal``, not ended and not expired."""
        with self._connection() as db:
            row = db.execute(
                "SELECT 1 FROM sessions WHERE id = ? AND principal = ? AND expires > ?",
                (session_id, principal, self._time()),
            ).fetchone()
        return row is not None

    def end(self, session_id: str) -> None:
        """End the session: every copy of its cookie is signed out."""
        with self._connection() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
