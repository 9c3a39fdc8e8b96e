"""``MemoryLoans``: the loan desk's port in memory, behaving like RT 5 where the desk can tell.

Like RT: a write with a stale version changes nothing; a status the lifecycle does not
allow is skipped while the role is still written (only a read-back shows it); tickets link
to assets and the asset shows the tickets that refer to it.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from rtutils_adapters.memory.assets import MemoryAssets
from rtutils_adapters.port_parts import ReadsThrough
from rtutils_core.assets import AssetPage, TicketDraft, User, page_size
from rtutils_core.errors import (
    AssetChanged,
    AssetNotFound,
    BackendRejected,
    InvalidInput,
    NotFound,
)
from rtutils_core.loans import AssetState, LoanRole

#: RT 5's default asset lifecycle: status -> statuses it may move to.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    "new": frozenset({"allocated", "in-use", "stolen", "deleted"}),
    "allocated": frozenset({"in-use", "recycled", "stolen", "deleted"}),
    "in-use": frozenset({"allocated", "recycled", "stolen", "deleted"}),
    "recycled": frozenset({"allocated"}),
    "stolen": frozenset({"allocated"}),
    "deleted": frozenset({"allocated"}),
}
#: The moves RT offers as actions (and so tells through REST 2.0): not "deleted".
ACTIONS = frozenset({"allocated", "in-use", "recycled", "stolen"})


class MemoryLoans(ReadsThrough[MemoryAssets]):
    """The :class:`~rtutils_core.loans.ports.LoanBackend` port over the memory asset port."""

    def read_asset_state(self, asset_id: int) -> AssetState:
        records = self.reader.records
        with records.lock:
            asset = self.reader.get_asset(asset_id)
            moves = TRANSITIONS.get(asset.status, frozenset()) & ACTIONS
            tickets = frozenset(t for t, d in records.tickets.items() if d.asset_id == asset_id)
            return AssetState(asset, moves, tickets)

    def write_loan(
        self, asset_id: int, role: LoanRole, person: User | None, status: str, *, if_version: str
    ) -> None:
        records = self.reader.records
        with records.lock:
            records.count("write_loan")
            current = self.reader.get_asset(asset_id)
            if current.version != if_version:
                raise AssetChanged(f"asset {asset_id} changed since it was read")
            if person is not None and records.users.get(person.name) != person:
                raise InvalidInput(f"{person.name!r} is not a user in RT")
            name = person.name if person else None
            if role == "Owner":
                changed = attrs.evolve(current, owner=name)
            else:
                changed = attrs.evolve(current, held_by=(name,) if name else ())
            # RT writes the role even when its lifecycle refuses the status.
            if status == current.status or status in TRANSITIONS.get(current.status, ()):
                changed = attrs.evolve(changed, status=status)
            records.assets[asset_id] = attrs.evolve(changed, version=records.next_version())

    def open_ticket(self, draft: TicketDraft) -> int:
        records = self.reader.records
        with records.lock:
            records.count("open_ticket")
            if draft.queue not in records.queues:
                raise BackendRejected(f"RT refused creating a ticket: no queue {draft.queue!r}")
            if draft.asset_id is not None and draft.asset_id not in records.assets:
                raise AssetNotFound(f"asset {draft.asset_id} does not exist")
            ticket_id = next(records.ticket_ids)
            records.tickets[ticket_id] = draft
            return ticket_id

    def ticket_subject(self, ticket_id: int) -> str:
        records = self.reader.records
        with records.lock:
            records.count("ticket_subject")
            if ticket_id not in records.tickets:
                raise NotFound(f"there is no ticket {ticket_id}")
            return records.tickets[ticket_id].subject

    def search_on_loan(
        self, role: LoanRole, catalog: str | None, page: int = 1, per_page: int = 100
    ) -> AssetPage:
        per_page = page_size(page, per_page)
        records = self.reader.records
        with records.lock:
            records.count("search_on_loan")
            if catalog is not None:
                records.catalog(catalog)
            out = [
                a
                for a in records.live_assets()
                if (catalog is None or a.catalog == catalog)
                and (a.owner if role == "Owner" else a.held_by)
            ]
        start = (page - 1) * per_page
        return AssetPage(out[start : start + per_page], page, per_page, len(out))
