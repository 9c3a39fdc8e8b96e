"""``RTLoans``: the loan desk's port over RT: one read, one write, links read back.

An asset's ``GET /asset/{id}`` carries, besides the asset and its ETag, the moves its
lifecycle offers and the tickets that refer to it (read by the shared
:class:`~rtutils_adapters.rt.reader.RTReader`), so one read serves the conflict check, the
lifecycle check and the verification of a repair ticket's link.

People are written into roles by user id: RT reads an e-mail address it does not know as
"create this user", so the desk resolves people first and never sends an address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rtutils_adapters.port_parts import ReadsThrough
from rtutils_adapters.rt import assetsql, wire
from rtutils_adapters.rt.reader import RTReader
from rtutils_core.assets import Asset, AssetPage, AssetQuery, TicketDraft, User, page_size
from rtutils_core.errors import (
    AssetChanged,
    AssetNotFound,
    NotFound,
    UntrustworthyResult,
)
from rtutils_core.loans import AssetState, LoanRole

#: AssetSQL for "someone is in the role" (checked on RT 5.0.3): Owner is never empty in RT
#: (Nobody stands in), and ``HeldBy.id > 0`` finds nothing while ``IS NOT NULL`` works.
_ON_LOAN: Mapping[str, str] = {
    "Owner": "Owner.Name != 'Nobody'",
    "HeldBy": "HeldBy IS NOT NULL",
}


class RTLoans(ReadsThrough[RTReader]):
    """The :class:`~rtutils_core.loans.ports.LoanBackend` port over RT, on the shared reader."""

    def read_asset_state(self, asset_id: int) -> AssetState:
        return self.reader.read_state(asset_id)

    def write_loan(
        self, asset_id: int, role: LoanRole, person: User | None, status: str, *, if_version: str
    ) -> None:
        if role == "Owner":
            body: dict[str, Any] = {"Owner": person.id if person else wire.NOBODY}
        else:
            body = {"HeldBy": [person.id] if person else []}
        body["Status"] = status
        reply = self.reader.client.put(
            f"/asset/{int(asset_id)}",
            body,
            what=f"the loan of asset {asset_id}",
            if_match=if_version,
            on_404=AssetNotFound(f"asset {asset_id} does not exist"),
        )
        # After a lost answer the repeat meets our own change: the read-back decides.
        if reply.status == 412 and reply.attempts == 1:
            raise AssetChanged(f"asset {asset_id} changed in RT since it was read")

    def open_ticket(self, draft: TicketDraft) -> int:
        body = wire.create_ticket_body(draft)
        what = f"creating a ticket in queue {draft.queue!r}"
        reply = self.reader.client.post("/ticket", body, what=what)
        return wire.structure(reply.data, wire.Created, what).id

    def ticket_subject(self, ticket_id: int) -> str:
        what = f"ticket {ticket_id}"
        missing = NotFound(f"there is no ticket {ticket_id}")
        reply = self.reader.client.get(f"/ticket/{int(ticket_id)}", what=what, on_404=missing)
        return wire.structure(reply.data, wire.TicketRecord, what).subject

    def search_on_loan(
        self, role: LoanRole, catalog: str | None, page: int = 1, per_page: int = 100
    ) -> AssetPage:
        per_page = page_size(page, per_page)
        sql = _ON_LOAN[role]
        if catalog is not None:
            self.reader.metadata.catalog(catalog)  # CatalogNotFound before RT is asked
            sql = f"Catalog = {assetsql.quote(catalog, 'catalog')} AND {sql}"
        # The catalog condition is checked on every answer as a plain search's would be.
        items, _, answer = self.reader.search_page(AssetQuery(catalog=catalog), sql, page, per_page)
        for asset in items:
            _check_on_loan(asset, role, sql)
        total = answer.total
        if total is None:  # RT hides the total from users who may not see every asset
            total = (page - 1) * per_page + len(items) + (1 if answer.count >= per_page else 0)
        return AssetPage(items, page, per_page, total)


def _check_on_loan(asset: Asset, role: LoanRole, sql: str) -> None:
    held = asset.owner if role == "Owner" else asset.held_by
    if not held:
        raise UntrustworthyResult(
            f"RT answered the search [{sql}] with asset {asset.id}, which does not match it"
        )
