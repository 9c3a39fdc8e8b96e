"""An in-memory tag store: the fake the unit tests assert end state on.

It keeps the same rules as :class:`~rtutils_adapters.sqlite.tags.SqliteTagStore` (the contract
suite in ``tests/contract/test_tag_store.py`` holds both to them), with one lock standing in
for SQLite's write transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from attrs import define

from rtutils_core.errors import TagConflict
from rtutils_core.ports import Outcome, Reservation, SequenceMove, TagEvent, TagEventState
from rtutils_core.sequences import (
    LIVE,
    OPEN,
    check_set_next,
    describe_move,
    needs_binding,
    needs_record,
)
from rtutils_core.tags import TagFormat


@define
class _Number:
    """One number ever handed out: who holds it and how far it got."""

    tag: str
    asset_id: int
    state: str
    reserved_by: str


def _now() -> datetime:
    return datetime.now(UTC)


class MemoryTagStore:
    """Sequences, numbers and events in dicts, one lock around each operation."""

    def __init__(self, clock: Callable[[], datetime] = _now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._next: dict[str, int] = {}
        self._numbers: dict[tuple[str, int], _Number] = {}
        self._live_by_asset: dict[tuple[str, int], int] = {}  # (prefix, asset) -> number
        self._events: list[TagEvent] = []

    def _log(
        self,
        state: TagEventState,
        prefix: str,
        number: int,
        *,
        tag: str,
        asset_id: int | None,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> None:
        self._events.append(
            TagEvent(
                id=len(self._events) + 1,
                at=self._clock().astimezone(UTC),
                prefix=prefix,
                number=number,
                tag=tag,
                state=state,
                asset_id=asset_id,
                actor=actor,
                request_id=request_id,
                detail=detail,
            )
        )

    def _free_from(self, prefix: str, number: int) -> int:
        while (prefix, number) in self._numbers:
            number += 1
        return number

    def peek_next(self, prefix: str, after: int = 0) -> int:
        with self._lock:
            return self._free_from(prefix, max(self._next.get(prefix, 1), after + 1))

    def reservation_for(self, prefix: str, asset_id: int) -> Reservation | None:
        with self._lock:
            return self._held(prefix, asset_id)

    def _held(self, prefix: str, asset_id: int) -> Reservation | None:
        number = self._live_by_asset.get((prefix, asset_id))
        if number is None:
            return None
        held = self._numbers[(prefix, number)]
        state = "assigned" if held.state == "assigned" else "reserved"
        return Reservation(prefix, number, held.tag, asset_id, False, held.reserved_by, state)

    def reserve(self, fmt: TagFormat, asset_id: int, *, actor: str, request_id: str) -> Reservation:
        with self._lock:
            held = self._held(fmt.prefix, asset_id)
            if held is not None:
                return held
            number = self._next.get(fmt.prefix, 1)
            tag = str(fmt.sequence_tag(number))
            self._numbers[(fmt.prefix, number)] = _Number(tag, asset_id, OPEN, request_id)
            self._live_by_asset[(fmt.prefix, asset_id)] = number
            self._next[fmt.prefix] = self._free_from(fmt.prefix, number + 1)
            self._log(
                "reserved",
                fmt.prefix,
                number,
                tag=tag,
                asset_id=asset_id,
                actor=actor,
                request_id=request_id,
            )
            return Reservation(fmt.prefix, number, tag, asset_id, reserved_by=request_id)

    def record(
        self,
        reservation: Reservation,
        state: Outcome,
        *,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> bool:
        res = reservation
        with self._lock:
            held = self._numbers.get((res.prefix, res.number))
            now = (held.state, held.asset_id) if held else (None, None)
            if not needs_record(res, *now, outcome=state):
                return False
            if held is not None and state != "failed":
                held.state = state
                if state not in LIVE:
                    del self._live_by_asset[(res.prefix, res.asset_id)]
            self._log(
                state,
                res.prefix,
                res.number,
                tag=res.tag,
                asset_id=res.asset_id,
                actor=actor,
                request_id=request_id,
                detail=detail,
            )
            return True

    def events(
        self,
        *,
        tag: str | None = None,
        asset_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = 100,
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
        return found if limit is None else found[:limit]

    def highest_issued(self, prefix: str) -> int:
        with self._lock:
            return self._highest(prefix)

    def _highest(self, prefix: str) -> int:
        return max((n for p, n in self._numbers if p == prefix), default=0)

    def set_next(
        self,
        fmt: TagFormat,
        number: int,
        *,
        force: bool,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> SequenceMove:
        with self._lock:
            check_set_next(fmt, number, self._highest(fmt.prefix), force=force)
            return self._move(
                fmt, number, "sequence-set", actor=actor, request_id=request_id, detail=detail
            )

    def raise_floor(
        self, fmt: TagFormat, number: int, *, actor: str, request_id: str, detail: str = ""
    ) -> SequenceMove:
        with self._lock:
            before = self._next.get(fmt.prefix, 1)
            if number <= before:
                return SequenceMove(fmt.prefix, before, before)
            return self._move(
                fmt, number, "floor-raised", actor=actor, request_id=request_id, detail=detail
            )

    def _move(
        self,
        fmt: TagFormat,
        number: int,
        state: TagEventState,
        *,
        actor: str,
        request_id: str,
        detail: str,
    ) -> SequenceMove:
        before = self._next.get(fmt.prefix, 1)
        after = self._free_from(fmt.prefix, number)
        self._next[fmt.prefix] = after
        self._log(
            state,
            fmt.prefix,
            after,
            tag="",
            asset_id=None,
            actor=actor,
            request_id=request_id,
            detail=describe_move(fmt, before, after, note=detail),
        )
        return SequenceMove(fmt.prefix, before, after)

    # -- TagBinding: numbers for assets about to be created -------------------------------

    def bind(
        self,
        reservation: Reservation,
        asset_id: int,
        *,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> bool:
        res = reservation
        with self._lock:
            held = self._numbers.get((res.prefix, res.number))
            now = (held.state, held.asset_id) if held else (None, None)
            if not needs_binding(res, *now, asset_id=asset_id) or held is None:
                return False
            if (res.prefix, asset_id) in self._live_by_asset:
                raise TagConflict(
                    f"asset {asset_id} holds another {res.prefix!r} tag; {res.tag} stays held"
                )
            del self._live_by_asset[(res.prefix, res.asset_id)]
            self._live_by_asset[(res.prefix, asset_id)] = res.number
            held.asset_id, held.state = asset_id, "assigned"
            self._log(
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
