"""SQLite adapters: the durable tag store and the loan log."""

from rtutils_adapters.sqlite.loans import SqliteLoanLog
from rtutils_adapters.sqlite.tags import SqliteTagStore

__all__ = ["SqliteLoanLog", "SqliteTagStore"]
