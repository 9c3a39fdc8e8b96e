"""An in-memory loan log (for the demo and for tests), held to the same contract as SQLite."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import attrs

from rtutils_adapters.memory.keyed import kept
from rtutils_core.clock import utc_now
from rtutils_core.errors import LoanConflict, LoanNotFound
from rtutils_core.loans import LoanEntry, LoanEvent, LoanFilter
from rtutils_core.loans.manual_checkins import UNDO, ManualEntry, ManualEvent, check_undo


class MemoryLoanLog:
    """The :class:`~rtutils_core.loans.ports.LoanLog` in a list; safe to share between threads."""

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._events: dict[int, LoanEvent] = {}
        self._ids = itertools.count(1)
        self._manual: list[ManualEvent] = []

    def record(self, entry: LoanEntry) -> LoanEvent:
        with self._lock:
            for event in self._events.values():
                same = (event.action, event.asset_id, event.based_on)
                if same == (entry.action, entry.asset_id, entry.based_on):
                    raise LoanConflict(
                        f"loan event {event.id} records this {entry.action} of asset"
                        f" {entry.asset_id} already"
                    )
            values = attrs.asdict(entry, recurse=False)
            event = LoanEvent(id=next(self._ids), at=self._clock().astimezone(UTC), **values)
            self._events[event.id] = event
            return event

    def get(self, event_id: int) -> LoanEvent:
        with self._lock:
            return kept(self._events, event_id, LoanNotFound(f"there is no loan {event_id}"))

    def attach_ticket(self, event_id: int, ticket_id: int) -> LoanEvent:
        with self._lock:
            event = self._events.get(event_id)
            if event is None:
                raise LoanNotFound(f"there is no loan {event_id}")
            if event.ticket_id is not None:
                raise LoanConflict(f"loan {event_id} has repair ticket {event.ticket_id} already")
            event = attrs.evolve(event, ticket_id=ticket_id, ticket_error="")
            self._events[event_id] = event
            return event

    def events(self, query: LoanFilter, limit: int | None = None) -> Sequence[LoanEvent]:
        with self._lock:
            found = [e for _, e in sorted(self._events.items()) if query.matches(e)]
        return found if limit is None else found[: max(0, limit)]

    # -- manual check-ins (the ManualCheckInLog port) ----------------------------------

    def record_manual(self, entry: ManualEntry) -> ManualEvent:
        with self._lock:
            if entry.kind == UNDO:
                target = next((e for e in self._manual if e.id == entry.undoes), None)
                check_undo(entry, target, self._manual)
            values = attrs.asdict(entry, recurse=False)
            at = self._clock().astimezone(UTC)
            event = ManualEvent(id=len(self._manual) + 1, at=at, **values)
            self._manual.append(event)
            return event

    def manual_events(
        self, since: datetime | None = None, student_id: str | None = None
    ) -> Sequence[ManualEvent]:
        with self._lock:
            return [
                e
                for e in self._manual
                if (since is None or e.at >= since)
                and (student_id is None or e.student_id == student_id)
            ]
