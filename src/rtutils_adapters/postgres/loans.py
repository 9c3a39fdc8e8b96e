"""The loan log and its manual check-ins, in PostgreSQL (``STORE_URL``).

Shared by every instance; the tables and statements are ``rtutils_adapters/sql/loans.py``,
the same that SQLite runs.
"""

from __future__ import annotations

from rtutils_adapters.postgres.connection import OnPostgres
from rtutils_adapters.sql.loans import SqlLoanLog


class PostgresLoanLog(OnPostgres, SqlLoanLog):
    """The loan log and its manual check-ins in PostgreSQL; opening it upgrades its tables."""
