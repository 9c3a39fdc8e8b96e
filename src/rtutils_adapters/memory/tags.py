"""An in-memory tag store: the fake the unit tests assert end state on.

The rules are the core's (:class:`~rtutils_core.tags.ledger.TagLedger`), the same the SQLite
store applies; the contract suite in ``tests/contract/test_tag_store.py`` holds both to
them. One lock stands in for SQLite's write transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import attrs
from attrs import define

from rtutils_core.clock import utc_now
from rtutils_core.errors import TagConflict
from rtutils_core.tags.event_query import NEWEST, EventQuery
from rtutils_core.tags.ledger import Entry, LedgerTransaction, TagLedger
from rtutils_core.tags.ports import Outcome, Reservation, TagEvent
from rtutils_core.tags.sequences import LIVE, OPEN


@define
class _Number:
    """One number ever handed out: who holds it and how far it got."""

    tag: str
    asset_id: int
    state: str
    reserved_by: str


class MemoryTagStore(TagLedger):
    """Sequences, numbers and events in dicts, one lock around each operation."""

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._next: dict[str, int] = {}
        self._numbers: dict[tuple[str, int], _Number] = {}
        self._live_by_asset: dict[tuple[str, int], int] = {}  # (prefix, asset) -> number
        self._events: list[TagEvent] = []

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[LedgerTransaction]:
        with self._lock:
            yield self

    # -- LedgerTransaction: called with the lock held -------------------------------------

    def stored_next(self, prefix: str) -> int:
        return self._next.get(prefix, 1)

    def store_next(self, prefix: str, number: int) -> None:
        self._next[prefix] = number

    def is_taken(self, prefix: str, number: int) -> bool:
        return (prefix, number) in self._numbers

    def held(self, prefix: str, asset_id: int) -> Reservation | None:
        number = self._live_by_asset.get((prefix, asset_id))
        if number is None:
            return None
        held = self._numbers[(prefix, number)]
        assigned = held.state == "assigned"
        return Reservation(
            prefix,
            number,
            held.tag,
            asset_id,
            False,
            held.reserved_by,
            "assigned" if assigned else "reserved",
        )

    def holder(self, prefix: str, number: int) -> tuple[str | None, int | None]:
        held = self._numbers.get((prefix, number))
        return (held.state, held.asset_id) if held else (None, None)

    def add(self, reservation: Reservation) -> None:
        res = reservation
        self._numbers[(res.prefix, res.number)] = _Number(
            res.tag, res.asset_id, OPEN, res.reserved_by
        )
        self._live_by_asset[(res.prefix, res.asset_id)] = res.number

    def set_state(self, reservation: Reservation, state: Outcome) -> None:
        res = reservation
        self._numbers[(res.prefix, res.number)].state = state
        if state not in LIVE:
            del self._live_by_asset[(res.prefix, res.asset_id)]

    def highest(self, prefix: str) -> int:
        return max((n for p, n in self._numbers if p == prefix), default=0)

    def give(self, reservation: Reservation, asset_id: int) -> None:
        res = reservation
        if (res.prefix, asset_id) in self._live_by_asset:
            raise TagConflict(
                f"asset {asset_id} holds another {res.prefix!r} tag; {res.tag} stays held"
            )
        held = self._numbers[(res.prefix, res.number)]
        del self._live_by_asset[(res.prefix, res.asset_id)]
        self._live_by_asset[(res.prefix, asset_id)] = res.number
        held.asset_id, held.state = asset_id, "assigned"

    def log(self, entry: Entry) -> None:
        at = self._clock().astimezone(UTC)
        self._events.append(TagEvent(id=len(self._events) + 1, at=at, **attrs.asdict(entry)))

    # -- reading the log ------------------------------------------------------------------

    def events(self, query: EventQuery = NEWEST) -> Sequence[TagEvent]:
        with self._lock:
            found = [e for e in reversed(self._events) if query.matches(e.tag, e.asset_id, e.at)]
        return found if query.limit is None else found[: query.limit]
