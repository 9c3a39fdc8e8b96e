"""CSV imports' files in PostgreSQL (``STORE_URL``), so that any instance can resume any
import; the table and statements are ``rtutils_adapters/sql/import_files.py``."""

from __future__ import annotations

from rtutils_adapters.postgres.connection import OnPostgres
from rtutils_adapters.sql.import_files import SqlImportFiles


class PostgresImportFiles(OnPostgres, SqlImportFiles):
    """Import files in PostgreSQL; opening it upgrades its table."""
