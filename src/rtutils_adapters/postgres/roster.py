"""The student roster, in PostgreSQL (``STORE_URL``).

Shared by every instance; the tables and statements are ``rtutils_adapters/sql/roster.py``,
the same that SQLite runs.
"""

from __future__ import annotations

from rtutils_adapters.postgres.connection import OnPostgres
from rtutils_adapters.sql.roster import SqlRoster


class PostgresRoster(OnPostgres, SqlRoster):
    """The student roster in PostgreSQL; opening it upgrades its tables."""
