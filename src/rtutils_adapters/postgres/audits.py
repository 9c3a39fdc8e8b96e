"""The audit store in PostgreSQL (``STORE_URL``), shared by every instance; the tables and
statements are ``rtutils_adapters/sql/audits.py``, the same that SQLite runs."""

from __future__ import annotations

from rtutils_adapters.postgres.connection import OnPostgres
from rtutils_adapters.sql.audits import SqlAuditStore


class PostgresAuditStore(OnPostgres, SqlAuditStore):
    """The audit store in PostgreSQL; opening it upgrades its tables."""
