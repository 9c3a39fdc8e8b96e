"""The TagStore port's rules written once, over the few reads and writes a store offers.

A store (SQLite, memory, ...) implements :class:`LedgerTransaction`, the reads and writes of
one transaction, and :meth:`TagLedger._transaction`; :class:`TagLedger` applies the rules of
:class:`~rtutils_core.tags.ports.TagStore` on top: a number is reserved once, belongs to its
asset until it is given up, and the stored next number is always one never handed out.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from typing import Protocol

import attrs
from attrs import frozen

from rtutils_core.tags.ports import Outcome, Reservation, SequenceMove, TagEventState
from rtutils_core.tags.sequences import check_set_next, describe_move, needs_binding, needs_record
from rtutils_core.tags.values import TagFormat


@frozen
class Entry:
    """An event as the rules write it; the store adds its id and time."""

    state: TagEventState
    prefix: str
    number: int
    tag: str  # "" for a move of the sequence
    asset_id: int | None
    actor: str
    request_id: str
    detail: str = ""

    @classmethod
    def of(
        cls,
        state: TagEventState,
        res: Reservation,
        *,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> Entry:
        """The event of what became of a reservation."""
        return cls(state, res.prefix, res.number, res.tag, res.asset_id, actor, request_id, detail)


class LedgerTransaction(Protocol):
    """What a store reads and writes inside one of its transactions."""

    def stored_next(self, prefix: str) -> int:
        """The stored next number of ``prefix`` (1 for a prefix never used)."""

    def store_next(self, prefix: str, number: int) -> None:
        """Store ``number`` as the next number of ``prefix``."""

    def is_taken(self, prefix: str, number: int) -> bool:
        """Whether ``number`` was ever handed out for ``prefix``, in any state."""

    def held(self, prefix: str, asset_id: int) -> Reservation | None:
        """The number ``asset_id`` holds for ``prefix`` (reserved or assigned), if any."""

    def holder(self, prefix: str, number: int) -> tuple[str | None, int | None]:
        """The state of ``number`` and the asset it was handed to; ``(None, None)`` if never."""

    def add(self, reservation: Reservation) -> None:
        """Store a new number, reserved for its asset."""

    def set_state(self, reservation: Reservation, state: Outcome) -> None:
        """Move a stored number to ``state``."""

    def highest(self, prefix: str) -> int:
        """The highest number ever handed out for ``prefix`` (0 if none)."""

    def give(self, reservation: Reservation, asset_id: int) -> None:
        """Hand the number held for a stand-in to ``asset_id``, as assigned; raise
        :class:`~rtutils_core.errors.TagConflict` if the asset holds another live number
        of the prefix."""

    def log(self, entry: Entry) -> None:
        """Append ``entry`` to the event log, stamped with the store's clock."""


def _free_from(tx: LedgerTransaction, prefix: str, number: int) -> int:
    while tx.is_taken(prefix, number):
        number += 1
    return number


class TagLedger(ABC):
    """The rules of the TagStore port (see :class:`~rtutils_core.tags.ports.TagStore`)."""

    @abstractmethod
    def _transaction(self, write: bool) -> AbstractContextManager[LedgerTransaction]:
        """One transaction; ``write`` ones exclude every other writer until they end."""

    def peek_next(self, prefix: str, after: int = 0) -> int:
        with self._transaction(write=False) as tx:
            return _free_from(tx, prefix, max(tx.stored_next(prefix), after + 1))

    def reservation_for(self, prefix: str, asset_id: int) -> Reservation | None:
        with self._transaction(write=False) as tx:
            return tx.held(prefix, asset_id)

    def reserve(self, fmt: TagFormat, asset_id: int, *, actor: str, request_id: str) -> Reservation:
        with self._transaction(write=True) as tx:
            held = tx.held(fmt.prefix, asset_id)
            if held is not None:
                return held
            number = tx.stored_next(fmt.prefix)
            tag = str(fmt.sequence_tag(number))
            reservation = Reservation(fmt.prefix, number, tag, asset_id, reserved_by=request_id)
            tx.add(reservation)
            tx.store_next(fmt.prefix, _free_from(tx, fmt.prefix, number + 1))
            tx.log(Entry.of("reserved", reservation, actor=actor, request_id=request_id))
            return reservation

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
        with self._transaction(write=True) as tx:
            if not needs_record(res, *tx.holder(res.prefix, res.number), outcome=state):
                return False
            if state != "failed":
                tx.set_state(res, state)
            tx.log(Entry.of(state, res, actor=actor, request_id=request_id, detail=detail))
            return True

    def highest_issued(self, prefix: str) -> int:
        with self._transaction(write=False) as tx:
            return tx.highest(prefix)

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
        with self._transaction(write=True) as tx:
            check_set_next(fmt, number, tx.highest(fmt.prefix), force=force)
            who = {"actor": actor, "request_id": request_id, "detail": detail}
            return _move(tx, fmt, number, "sequence-set", **who)

    def raise_floor(
        self, fmt: TagFormat, number: int, *, actor: str, request_id: str, detail: str = ""
    ) -> SequenceMove:
        with self._transaction(write=True) as tx:
            before = tx.stored_next(fmt.prefix)
            if number <= before:
                return SequenceMove(fmt.prefix, before, before)
            who = {"actor": actor, "request_id": request_id, "detail": detail}
            return _move(tx, fmt, number, "floor-raised", **who)

    def bind(
        self,
        reservation: Reservation,
        asset_id: int,
        *,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> bool:
        """Give the number held for a stand-in to ``asset_id``, in one transaction
        (:class:`~rtutils_core.intake.ports.TagBinding`); false if it was given already."""
        res = reservation
        with self._transaction(write=True) as tx:
            if not needs_binding(res, *tx.holder(res.prefix, res.number), asset_id):
                return False
            tx.give(res, asset_id)
            entry = Entry.of("assigned", res, actor=actor, request_id=request_id, detail=detail)
            tx.log(attrs.evolve(entry, asset_id=asset_id))
            return True


def _move(
    tx: LedgerTransaction,
    fmt: TagFormat,
    number: int,
    state: TagEventState,
    *,
    actor: str,
    request_id: str,
    detail: str,
) -> SequenceMove:
    before = tx.stored_next(fmt.prefix)
    after = _free_from(tx, fmt.prefix, number)
    tx.store_next(fmt.prefix, after)
    text = describe_move(fmt, before, after, note=detail)
    tx.log(Entry(state, fmt.prefix, after, "", None, actor, request_id, text))
    return SequenceMove(fmt.prefix, before, after)
