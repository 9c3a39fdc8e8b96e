"""The SQLite tag store, able to hold numbers for assets that are about to be created."""

from __future__ import annotations

from rtutils_adapters.sqlite.tags import SqliteTagStore, _stamp
from rtutils_adapters.tag_tables import SqlLedgerTransaction
from rtutils_core.ports import Reservation
from rtutils_core.sequences import needs_binding
from rtutils_core.tag_ledger import Entry


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
        with self._sql() as db:
            tx = SqlLedgerTransaction(db, self._clock, stamp=_stamp)
            if not needs_binding(res, *tx.holder(res.prefix, res.number), asset_id):
                return False
            # The partial unique index refuses a second live number for the asset.
            db.execute(
                "UPDATE tags SET asset_id = ?, state = 'assigned' WHERE prefix = ? AND number = ?",
                (asset_id, res.prefix, res.number),
            )
            tx.log(
                Entry(
                    "assigned", res.prefix, res.number, res.tag, asset_id, actor, request_id, detail
                )
            )
            return True
