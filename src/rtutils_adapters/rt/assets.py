"""``RTAssets``: the :class:`~rtutils_core.assets.ports.AssetBackend` port over RT's REST 2.0.

Reads go through the shared :class:`~rtutils_adapters.rt.reader.RTReader`. Every write is
checked first (catalog, custom-field names, users) and read back and compared after, so that
a change RT skipped is reported instead of assumed.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from rtutils_adapters.port_parts import ReadsThrough
from rtutils_adapters.rt import wire
from rtutils_adapters.rt.readback import unapplied
from rtutils_adapters.rt.reader import RTReader
from rtutils_core.assets import Asset, AssetChanges, AssetDraft, Catalog, TicketDraft
from rtutils_core.errors import AssetChanged, AssetNotFound, BackendRejected


class RTAssets(ReadsThrough[RTReader]):
    """Assets, users, catalogs and tickets in one RT 5, through REST 2.0. Thread-safe."""

    def ping(self) -> None:
        wire.check_root(self.reader.client.get("/rt", what="the connection check").data)

    def asset_url(self, asset_id: int) -> str:
        return self.reader.asset_url(asset_id)

    def get_asset(self, asset_id: int) -> Asset:
        return self.reader.get_asset(asset_id)

    def list_catalogs(self) -> Sequence[Catalog]:
        return list(self.reader.metadata.catalogs())

    def catalog_custom_fields(self, catalog: str) -> Sequence[str]:
        return self.reader.metadata.custom_fields(catalog)

    # -- writing -----------------------------------------------------------------------

    def create_asset(self, draft: AssetDraft) -> Asset:
        catalog = self.reader.metadata.catalog(draft.catalog)
        self.reader.check_fields(draft.custom_fields, catalog.name)
        owner = self.reader.user_name(draft.owner, "owner") if draft.owner else None
        body = wire.create_asset_body(attrs.evolve(draft, owner=owner))
        body["Catalog"] = catalog.id  # the id: a catalog may be named like a number
        reply = self.reader.client.post("/asset", body, what=f"creating asset {draft.name!r}")
        created = wire.structure(reply.data, wire.Created, "creating an asset")
        asset = self.get_asset(created.id)
        expected = AssetChanges(
            name=draft.name,
            status=draft.status,
            owner=owner or "",
            custom_fields={k: v for k, v in draft.custom_fields.items() if v},
        )
        missing = unapplied(expected, asset)
        if missing:
            raise BackendRejected(
                f"RT created asset {asset.id} ({asset.name!r}) but did not store its"
                f" {', '.join(missing)}; correct it at {self.asset_url(asset.id)}"
            )
        return asset

    def update_asset(
        self, asset_id: int, changes: AssetChanges, if_version: str | None = None
    ) -> Asset:
        if changes.is_empty():
            current = self.get_asset(asset_id)
            if if_version is not None and if_version != current.version:
                raise AssetChanged(f"asset {asset_id} changed since it was read")
            return current
        # Check what can be checked first, so that a refused change writes nothing.
        if changes.owner:
            changes = attrs.evolve(changes, owner=self.reader.user_name(changes.owner, "owner"))
        if changes.held_by is not None:
            held = tuple(self.reader.user_name(n, "holder") for n in changes.held_by)
            changes = attrs.evolve(changes, held_by=held)
        if changes.custom_fields is not None:
            self.reader.check_fields(changes.custom_fields, self.get_asset(asset_id).catalog)
        rest = attrs.evolve(changes, status=None)
        if changes.status is None or rest.is_empty():
            return self._put(asset_id, changes, if_version)
        # RT applies the other fields even when it refuses a status (lifecycle rules only it
        # knows), so the status goes first, alone: if it is refused, nothing was written.
        moved = self._put(asset_id, AssetChanges(status=changes.status), if_version)
        return self._put(asset_id, rest, moved.version if if_version is not None else None)

    def _put(self, asset_id: int, changes: AssetChanges, if_version: str | None) -> Asset:
        what = f"the update of asset {asset_id}"
        reply = self.reader.client.put(
            f"/asset/{int(asset_id)}",
            wire.update_asset_body(changes),
            what=what,
            if_match=if_version,
            on_404=AssetNotFound(f"asset {asset_id} does not exist"),
        )
        if reply.status == 412:
            if reply.attempts > 1:  # an earlier try may have landed before its answer was lost
                asset = self.get_asset(asset_id)
                if not unapplied(changes, asset):
                    return asset
            raise AssetChanged(
                f"asset {asset_id} changed in RT since it was read; read it again and retry"
            )
        # RT answers 200 with a list of messages whether or not it applied anything.
        asset = self.get_asset(asset_id)
        missing = unapplied(changes, asset)
        if missing:
            said = "; ".join(wire.messages(reply.data)) or "no reason given"
            raise BackendRejected(
                f"RT did not change the {', '.join(missing)} of asset {asset_id}: {said}"
            )
        return asset

    def create_ticket(self, draft: TicketDraft) -> int:
        if draft.asset_id is not None:
            self.get_asset(draft.asset_id)  # a link to a missing asset would be dropped
        body = wire.create_ticket_body(draft)
        what = f"creating a ticket in queue {draft.queue!r}"
        reply = self.reader.client.post("/ticket", body, what=what)
        ticket_id = wire.structure(reply.data, wire.Created, what).id
        if draft.asset_id is not None:
            got = self.reader.client.get(f"/ticket/{ticket_id}", what=f"ticket {ticket_id}")
            ticket = wire.structure(got.data, wire.TicketRecord, f"ticket {ticket_id}")
            if not wire.links_to_asset(ticket, draft.asset_id):
                raise BackendRejected(
                    f"RT created ticket {ticket_id} but did not link it to asset"
                    f" {draft.asset_id}; link them in RT"
                )
        return ticket_id
