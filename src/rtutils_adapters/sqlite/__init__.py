"""SQLite adapters: the durable tag store, the loan log and the desk's live sessions."""

from rtutils_adapters.sqlite.loans import SqliteLoanLog
from rtutils_adapters.sqlite.sessions import SqliteSessionStore
from rtutils_adapters.sqlite.tags import SqliteTagStore

__all__ = ["SqliteLoanLog", "SqliteSessionStore", "SqliteTagStore"]
