"""A fake asset backend in a SQLite file, so several processes share one "RT".

It implements the part of the AssetBackend port that TagService uses (get, search, update
with If-Match), with RT's behaviour there: versions change on every write, a stale version
is refused with AssetChanged, Names are not unique.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from rtutils_core.assets import Asset, AssetChanges, AssetPage, AssetQuery
from rtutils_core.errors import AssetChanged, AssetNotFound

CATALOG = "Devices"


class FileBackend:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)

    @classmethod
    def create(cls, path: Path, names: Iterable[str]) -> FileBackend:
        """A backend whose assets 1, 2, ... carry ``names``."""
        backend = cls(path)
        backend._db.execute("PRAGMA journal_mode = WAL")
        backend._db.execute(
            "CREATE TABLE assets (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " version INTEGER NOT NULL)"
        )
        backend._db.executemany(
            "INSERT INTO assets (name, version) VALUES (?, 1)", ((n,) for n in names)
        )
        return backend

    def names(self) -> dict[int, str]:
        return dict(self._db.execute("SELECT id, name FROM assets ORDER BY id").fetchall())

    def _asset(self, row: tuple[int, str, int]) -> Asset:
        return Asset(id=row[0], name=row[1], catalog=CATALOG, version=str(row[2]))

    def get_asset(self, asset_id: int) -> Asset:
        row = self._db.execute(
            "SELECT id, name, version FROM assets WHERE id = ?", (asset_id,)
        ).fetchone()
        if row is None:
            raise AssetNotFound(f"asset {asset_id} does not exist")
        return self._asset(row)

    def search_assets(self, query: AssetQuery, page: int = 1, per_page: int = 100) -> AssetPage:
        rows = self._db.execute("SELECT id, name, version FROM assets ORDER BY id").fetchall()
        found = [a for a in map(self._asset, rows) if query.matches(a)]
        start = (page - 1) * per_page
        return AssetPage(found[start : start + per_page], page, per_page, len(found))

    def iter_assets(self, query: AssetQuery, *, people: bool = True) -> Iterator[Asset]:
        yield from self.search_assets(query, per_page=10**9).items

    def update_asset(
        self, asset_id: int, changes: AssetChanges, if_version: str | None = None
    ) -> Asset:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            current = self.get_asset(asset_id)
            if if_version is not None and if_version != current.version:
                raise AssetChanged(f"asset {asset_id} changed since it was read")
            self._db.execute(
                "UPDATE assets SET name = ?, version = version + 1 WHERE id = ?",
                (changes.name or current.name, asset_id),
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return self.get_asset(asset_id)
