"""SQLite adapters: the durable tag store and print job store."""

from rtutils_adapters.sqlite.print_jobs import SqlitePrintJobStore
from rtutils_adapters.sqlite.tags import SqliteTagStore

__all__ = ["SqlitePrintJobStore", "SqliteTagStore"]
