"""SQLite adapters: the durable tag store."""

from rtutils_adapters.sqlite.tags import SqliteTagStore

__all__ = ["SqliteTagStore"]
