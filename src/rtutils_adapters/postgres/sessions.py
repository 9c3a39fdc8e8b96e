"""The desk's sign-in sessions, honoured by every instance, in PostgreSQL (``STORE_URL``).

Shared by every instance; the tables and statements are ``rtutils_adapters/sql/sessions.py``,
the same that SQLite runs.
"""

from __future__ import annotations

from rtutils_adapters.postgres.connection import OnPostgres
from rtutils_adapters.sql.sessions import SqlSessionStore


class PostgresSessionStore(OnPostgres, SqlSessionStore):
    """The desk's sign-in sessions in PostgreSQL; opening it upgrades its tables."""
