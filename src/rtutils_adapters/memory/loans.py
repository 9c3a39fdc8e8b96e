"""The loan desk's part of the in-memory backend, behaving like RT 5 where the desk can tell.

Like RT: a write with a stale version changes nothing; a status the lifecycle does not
allow is skipped while the role is still written (only a read-back shows it); tickets link
to assets and the asset shows the tickets that refer to it.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Mapping

import attrs

from rtutils_core.assets import Asset, AssetPage, Catalog, TicketDraft, User
from rtutils_core.errors import (
    AssetChanged,
    AssetNotFound,
    BackendRejected,
    CatalogNotFound,
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


class MemoryLoanMethods:
    """The :class:`~rtutils_core.loans.ports.LoanBackend` methods of ``MemoryBackend``."""

    _lock: threading.RLock
    _assets: dict[int, Asset]
    _tickets: dict[int, TicketDraft]
    _ticket_ids: itertools.count[int]
    _versions: itertools.count[int]
    _catalogs: dict[str, Catalog]
    _users: dict[str, User]
    calls: dict[str, int]

    # Provided by MemoryBackend.
    _count: Callable[[str], None]
    get_asset: Callable[[int], Asset]

    def read_asset_state(self, asset_id: int) -> AssetState:
        with self._lock:
            asset = self.get_asset(asset_id)
            moves = TRANSITIONS.get(asset.status, frozenset()) & ACTIONS
            tickets = frozenset(t for t, d in self._tickets.items() if d.asset_id == asset_id)
            return AssetState(asset, moves, tickets)

    def write_loan(
        self,
        asset_id: int,
        role: LoanRole,
        person: User | None,
        status: str,
        *,
        if_version: str,
    ) -> None:
        with self._lock:
            self._count("write_loan")
            current = self.get_asset(asset_id)
            if current.version != if_version:
                raise AssetChanged(f"asset {asset_id} changed since it was read")
            if person is not None and self._users.get(person.name) != person:
                raise InvalidInput(f"{person.name!r} is not a user in RT")
            name = person.name if person else None
            if role == "Owner":
                changed = attrs.evolve(current, owner=name)
            else:
                changed = attrs.evolve(current, held_by=(name,) if name else ())
            # RT writes the role even when its lifecycle refuses the status.
            if status == current.status or status in TRANSITIONS.get(current.status, ()):
                changed = attrs.evolve(changed, status=status)
            self._assets[asset_id] = attrs.evolve(changed, version=str(next(self._versions)))

    def open_ticket(self, draft: TicketDraft) -> int:
        with self._lock:
            self._count("open_ticket")
            if draft.queue not in self.queues:
                raise BackendRejected(f"RT refused creating a ticket: no queue {draft.queue!r}")
            if draft.asset_id is not None and draft.asset_id not in self._assets:
                raise AssetNotFound(f"asset {draft.asset_id} does not exist")
            ticket_id = next(self._ticket_ids)
            self._tickets[ticket_id] = draft
            return ticket_id

    def ticket_subject(self, ticket_id: int) -> str:
        with self._lock:
            self._count("ticket_subject")
            if ticket_id not in self._tickets:
                raise NotFound(f"there is no ticket {ticket_id}")
            return self._tickets[ticket_id].subject

    #: Queues that accept tickets (RT's default "General" and the repair queue).
    queues: frozenset[str] = frozenset({"General", "Device Repair"})

    def search_on_loan(
        self, role: LoanRole, catalog: str | None, page: int = 1, per_page: int = 100
    ) -> AssetPage:
        if page < 1 or per_page < 1:
            raise InvalidInput("page and per_page must be 1 or more")
        per_page = min(per_page, 100)
        with self._lock:
            self._count("search_on_loan")
            if catalog is not None and catalog not in self._catalogs:
                raise CatalogNotFound(f"catalog {catalog!r} does not exist")
            out = [
                a
                for _, a in sorted(self._assets.items())
                if a.status != "deleted"
                and (catalog is None or a.catalog == catalog)
                and (a.owner if role == "Owner" else a.held_by)
            ]
        start = (page - 1) * per_page
        return AssetPage(out[start : start + per_page], page, per_page, len(out))
