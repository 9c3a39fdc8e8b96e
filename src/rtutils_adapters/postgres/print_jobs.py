"""Print jobs, in PostgreSQL (``STORE_URL``).

Shared by every instance; the tables and statements are ``rtutils_adapters/sql/print_jobs.py``,
the same that SQLite runs.
"""

from __future__ import annotations

from rtutils_adapters.postgres.connection import OnPostgres
from rtutils_adapters.sql.print_jobs import SqlPrintJobStore


class PostgresPrintJobStore(OnPostgres, SqlPrintJobStore):
    """Print jobs in PostgreSQL; opening it upgrades its tables."""
