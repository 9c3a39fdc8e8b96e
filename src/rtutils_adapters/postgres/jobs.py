"""The state of background jobs (the queue stays with huey), in PostgreSQL (``STORE_URL``).

Shared by every instance; the tables and statements are ``rtutils_adapters/sql/jobs.py``,
the same that SQLite runs.
"""

from __future__ import annotations

from rtutils_adapters.postgres.connection import OnPostgres
from rtutils_adapters.sql.jobs import SqlJobStore


class PostgresJobStore(OnPostgres, SqlJobStore):
    """The state of background jobs in PostgreSQL; opening it upgrades its tables."""
