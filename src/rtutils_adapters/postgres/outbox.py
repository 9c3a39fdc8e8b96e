"""The outbox and the assets last seen, in PostgreSQL (``STORE_URL``).

Shared by every instance, which claim its operations without replaying one twice; the
tables and statements are ``rtutils_adapters/sql/outbox.py``, the same that SQLite runs.
"""

from __future__ import annotations

from rtutils_adapters.postgres.connection import OnPostgres
from rtutils_adapters.sql.outbox import SqlOutbox


class PostgresOutbox(OnPostgres, SqlOutbox):
    """The outbox in PostgreSQL; opening it upgrades its tables."""
