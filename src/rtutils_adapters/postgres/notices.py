"""The notice log, in PostgreSQL (``STORE_URL``).

Shared by every instance; the table and statements are ``rtutils_adapters/sql/notices.py``,
the same that SQLite runs.
"""

from __future__ import annotations

from rtutils_adapters.postgres.connection import OnPostgres
from rtutils_adapters.sql.notices import SqlNoticeLog


class PostgresNoticeLog(OnPostgres, SqlNoticeLog):
    """The notice log in PostgreSQL; opening it upgrades its table."""
