"""The SQLite tag store, under the name intake knows it by."""

from __future__ import annotations

from rtutils_adapters.sqlite.tags import SqliteTagStore


class SqliteNewAssetTagStore(SqliteTagStore):
    """:class:`SqliteTagStore`: every tag store binds numbers to new assets
    (:meth:`~rtutils_core.tags.ledger.TagLedger.bind`); the name stays for code that imports it.
    """
