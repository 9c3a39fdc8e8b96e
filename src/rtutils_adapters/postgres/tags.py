"""The tag store in PostgreSQL, shared by any number of service instances; its tables and
statements are ``rtutils_adapters/sql/tags.py``, the same that SQLite runs.

A change holds its prefix's advisory lock (``pg_advisory_xact_lock(LOCK_SPACE,
lock_key(prefix_lock(prefix)))``) from its first read or write of that prefix to its end.
``PostgresTagStore(conninfo, lock_timeout=10, connect_timeout=10, pool_size=4,
password="")`` takes a libpq URL or key/value string, or a :class:`Connections` shared with
other stores; a password given apart from the URL never shows in messages.
"""

from __future__ import annotations

from rtutils_adapters.postgres.connection import OnPostgres
from rtutils_adapters.sql.tags import SqlTagStore, prefix_lock

__all__ = ["PostgresTagStore", "prefix_lock"]


class PostgresTagStore(OnPostgres, SqlTagStore):
    """Tag sequences and the event log in PostgreSQL; share it between instances freely."""
