"""What sign-in needs of a session store (the container supplies one: SqliteSessionStore, or
PostgresSessionStore with STORE_URL, shared by every instance)."""

from __future__ import annotations

from typing import Protocol


class SessionStore(Protocol):
    """Live desk sessions: started at sign-in, checked on every request, ended at sign-out."""

    def start(self, principal: str, lifetime_seconds: float) -> str:
        """A new live session for ``principal``; its id goes into the signed cookie."""

    def is_live(self, session_id: str, principal: str) -> bool:
        """Whether the session was started for ``principal`` and has not ended or expired."""

    def end(self, session_id: str) -> None:
        """End the session for every copy of its cookie."""
