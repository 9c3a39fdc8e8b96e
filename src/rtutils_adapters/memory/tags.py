"""An in-memory tag store: the fake the unit tests assert end state on."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime

from rtutils_core.ports import Reservation, TagEvent


class MemoryTagStore:
    """Sequences and events in dicts, one lock around each operation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, int] = {}
        self._open: dict[tuple[str, int], Reservation] = {}
        self._events: list[TagEvent] = []

    def _log(
        self,
        res: Reservation | None,
        prefix: str,
        number: int,
        state: str,
        *,
        actor: str,
        request_id: str,
        detail: str = "",
        tag: str = "",
    ) -> None:
        self._events.append(
            TagEvent(
                id=len(self._events) + 1,
                at=datetime.now(UTC),
                prefix=prefix,
                number=number,
                tag=tag or f"{prefix}{number}",
                state=state,
                asset_id=res.asset_id if res else None,
                actor=actor,
                request_id=request_id,
                detail=detail,
            )
        )

    def peek_next(self, prefix: str) -> int:
        with self._lock:
            return self._next.get(prefix, 1)

    def reserve(self, prefix: str, asset_id: int, *, actor: str, request_id: str) -> Reservation:
        with self._lock:
            held = self._open.get((prefix, asset_id))
            if held is not None:
                return Reservation(prefix, held.number, asset_id, is_new=False)
            number = self._next.get(prefix, 1)
            self._next[prefix] = number + 1
            res = Reservation(prefix, number, asset_id)
            self._open[(prefix, asset_id)] = res
            self._log(res, prefix, number, "reserved", actor=actor, request_id=request_id)
            return res

    def assign(self, reservation: Reservation, *, actor: str, request_id: str) -> None:
        with self._lock:
            self._open.pop((reservation.prefix, reservation.asset_id), None)
            self._log(
                reservation,
                reservation.prefix,
                reservation.number,
                "assigned",
                actor=actor,
                request_id=request_id,
            )

    def fail(self, reservation: Reservation, reason: str, *, actor: str, request_id: str) -> None:
        with self._lock:
            self._log(
                reservation,
                reservation.prefix,
                reservation.number,
                "failed",
                actor=actor,
                request_id=request_id,
                detail=reason,
            )

    def skip(self, reservation: Reservation, reason: str, *, actor: str, request_id: str) -> None:
        with self._lock:
            self._open.pop((reservation.prefix, reservation.asset_id), None)
            self._log(
                reservation,
                reservation.prefix,
                reservation.number,
                "skipped",
                actor=actor,
                request_id=request_id,
                detail=reason,
            )

    def events(
        self,
        *,
        tag: str | None = None,
        asset_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
    ) -> Sequence[TagEvent]:
        with self._lock:
            found = [
                e
                for e in reversed(self._events)
                if (tag is None or e.tag == tag)
                and (asset_id is None or e.asset_id == asset_id)
                and (since is None or e.at >= since)
                and (until is None or e.at <= until)
            ]
            return found[:limit]

    def highest_issued(self, prefix: str) -> int:
        with self._lock:
            return self._next.get(prefix, 1) - 1

    def set_next(self, prefix: str, number: int, *, actor: str, request_id: str) -> None:
        with self._lock:
            self._next[prefix] = number
            self._log(None, prefix, number, "sequence-set", actor=actor, request_id=request_id)
