"""The SQLite tag store, able to hold numbers for assets that are about to be created."""

from __future__ import annotations

from rtutils_adapters.sqlite.tags import SqliteTagStore


class SqliteNewAssetTagStore(SqliteTagStore):
    """:class:`SqliteTagStore` under the name intake knows it by.

    Every tag store binds numbers to new assets
    (:meth:`~rtutils_core.tags.ledger.TagLedger.bind`); the name stays for code that imports it.
    """
