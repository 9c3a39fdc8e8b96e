"""Desk sessions that the server can end, written once for SQLite and PostgreSQL: the
signed cookie names a session, the ``desk_sessions`` table says whether it is still live.

A cookie alone cannot be taken back: a copy made before sign-out would stay valid until it
expires. Here sign-out deletes the session's row, so every copy of its cookie stops working
at once (on every instance sharing the database); a session also ends at its expiry
whatever the cookie says. Expiry is measured by the database's clock
(:meth:`Database.now`), which all instances on it share.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, insert, select

from rtutils_adapters.sql.store import SqlStore, table
from rtutils_core.errors import BackendUnavailable, RtutilsError

desk_sessions = table("desk_sessions", "id principal expires", key="id", times="expires")


def _refused(exc: Exception) -> RtutilsError:
    return BackendUnavailable(f"the session store refused a change: {exc}; nothing was changed")


class SqlSessionStore(SqlStore):
    """The desk's :class:`~rtutils_web.access.sessions.SessionStore` in a :class:`Database`."""

    COMPONENT = "sessions"

    def start(self, principal: str, lifetime_seconds: float) -> str:
        """A new live session for ``principal``; returns its id for the cookie."""
        session_id = secrets.token_urlsafe(32)
        with self._db.transaction(refused=_refused) as tx:
            now = self._db.now(tx)
            tx.execute(delete(desk_sessions).where(desk_sessions.c.expires <= now))
            tx.execute(
                insert(desk_sessions).values(
                    id=session_id,
                    principal=principal,
                    expires=now + timedelta(seconds=float(lifetime_seconds)),
                )
            )
        return session_id

    def is_live(self, session_id: str, principal: str) -> bool:
        """Whether ``session_id`` was started for ``principal``, not ended and not expired."""
        with self._db.transaction(refused=_refused) as tx:
            row = tx.execute(
                select(desk_sessions.c.id).where(
                    desk_sessions.c.id == session_id,
                    desk_sessions.c.principal == principal,
                    desk_sessions.c.expires > self._db.now(tx),
                )
            ).first()
        return row is not None

    def end(self, session_id: str) -> None:
        """End the session: every copy of its cookie is signed out."""
        with self._db.transaction(refused=_refused) as tx:
            tx.execute(delete(desk_sessions).where(desk_sessions.c.id == session_id))
