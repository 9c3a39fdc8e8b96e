"""Desk sessions in PostgreSQL, so that every instance behind a proxy honours a sign-in.

The same promises as the SQLite store (``rtutils_adapters/sqlite/sessions.py``): sign-out
deletes the session's row, so every copy of its cookie stops working on every instance at
once, and a session ends at its expiry. Expiry is measured by the database's clock, the one
clock all instances share, so that instances whose clocks drift still agree.
"""

from __future__ import annotations

import secrets

import psycopg

from rtutils_adapters.postgres.component import PostgresComponent
from rtutils_adapters.schema_versions import Migration, split_statements as _split
from rtutils_core.errors import BackendUnavailable, RtutilsError

COMPONENT = "sessions"
_V1 = """
CREATE TABLE desk_sessions (
    id        text PRIMARY KEY,
    principal text NOT NULL,
    expires   timestamptz NOT NULL
);
CREATE INDEX desk_sessions_by_expiry ON desk_sessions (expires)
"""
#: The sessions' schema, oldest first; append new migrations, never change an applied one.
MIGRATIONS: tuple[Migration, ...] = (Migration(1, _split(_V1)),)


def _refused(exc: psycopg.Error) -> RtutilsError:
    return BackendUnavailable(f"the session store refused a change: {exc}; nothing was changed")


class PostgresSessionStore(PostgresComponent):
    """The desk's :class:`~rtutils_web.access.sessions.SessionStore` in PostgreSQL, shared
    by every instance on the same ``STORE_URL``; opening upgrades its table."""

    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    def start(self, principal: str, lifetime_seconds: float) -> str:
        """A new live session for ``principal``; returns its id for the cookie."""
        session_id = secrets.token_urlsafe(32)
        with self._db.transaction(_refused) as tx:
            tx.execute("DELETE FROM desk_sessions WHERE expires <= clock_timestamp()")
            tx.execute(
                "INSERT INTO desk_sessions (id, principal, expires)"
                " VALUES (%s, %s, clock_timestamp() + make_interval(secs => %s))",
                (session_id, principal, float(lifetime_seconds)),
            )
        return session_id

    def is_live(self, session_id: str, principal: str) -> bool:
        """Whether ``session_id`` was started for ``principal``, not ended and not expired."""
        with self._db.transaction(_refused) as tx:
            row = tx.execute(
                "SELECT 1 FROM desk_sessions WHERE id = %s AND principal = %s"
                " AND expires > clock_timestamp()",
                (session_id, principal),
            ).fetchone()
        return row is not None

    def end(self, session_id: str) -> None:
        """End the session: every copy of its cookie is signed out, on every instance."""
        with self._db.transaction(_refused) as tx:
            tx.execute("DELETE FROM desk_sessions WHERE id = %s", (session_id,))
