"""Intake's keys, serial claims and internal names, in PostgreSQL (``STORE_URL``).

Shared by every instance; the tables and statements are ``rtutils_adapters/sql/intake.py``,
the same that SQLite runs.
"""

from __future__ import annotations

from rtutils_adapters.postgres.connection import OnPostgres
from rtutils_adapters.sql.intake import SqlIntakeStore


class PostgresIntakeStore(OnPostgres, SqlIntakeStore):
    """Intake's keys in PostgreSQL; opening it upgrades its tables."""
