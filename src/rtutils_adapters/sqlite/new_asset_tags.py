"""The SQLite tag store, able to hold numbers for assets that are about to be created."""

from __future__ import annotations

from rtutils_adapters.sqlite.tags import SqliteTagStore
from rtutils_core.ports import Reservation
from rtutils_core.sequences import needs_binding


class SqliteNewAssetTagStore(SqliteTagStore):
    """:class:`SqliteTagStore` plus :class:`~rtutils_core.intake_ports.TagBinding` (same file)."""

    def bind(
        self,
        reservation: Reservation,
        asset_id: int,
        *,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> bool:
        """Give the number held for a stand-in to ``asset_id``, in one transaction."""
        res = reservation
        with self._transaction() as tx:
            where = (res.prefix, res.number)
            row = tx.execute(
                "SELECT state, asset_id FROM tags WHERE prefix = ? AND number = ?", where
            ).fetchone()
            state, holder = row if row else (None, None)
            if not needs_binding(res, state, holder, asset_id):
                return False
            # The partial unique index refuses a second live number for the asset.
            tx.execute(
                "UPDATE tags SET asset_id = ?, state = 'assigned' WHERE prefix = ? AND number = ?",
                (asset_id, *where),
            )
            self._log(
                tx,
                "assigned",
                res.prefix,
                res.number,
                tag=res.tag,
                asset_id=asset_id,
                actor=actor,
                request_id=request_id,
                detail=detail,
            )
            return True
