"""SQLite adapters: the durable tag store and the desk's live sessions."""

from rtutils_adapters.sqlite.sessions import SqliteSessionStore
from rtutils_adapters.sqlite.tags import SqliteTagStore

__all__ = ["SqliteSessionStore", "SqliteTagStore"]
