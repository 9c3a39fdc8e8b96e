"""Counts of failed credentials in PostgreSQL (``STORE_URL``), shared by every instance; the
table and statements are ``rtutils_adapters/sql/throttle.py``, the same that SQLite runs."""

from __future__ import annotations

from rtutils_adapters.postgres.connection import OnPostgres
from rtutils_adapters.sql.throttle import SqlThrottleCounts


class PostgresThrottleCounts(OnPostgres, SqlThrottleCounts):
    """The throttle's counts in PostgreSQL; opening it upgrades its table."""
