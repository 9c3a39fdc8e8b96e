"""Ports of the tag feature: the durable tag sequences and their event log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from attrs import frozen

from rtutils_core.tags.event_query import NEWEST, EventQuery
from rtutils_core.tags.values import TagFormat

#: The states of the tag event log. The first five follow one number from reservation to its
#: end; the last two record moves of a prefix's sequence.
TagEventState = Literal[
    "reserved", "assigned", "failed", "skipped", "voided", "sequence-set", "floor-raised"
]

#: What can become of a reservation (see :meth:`TagStore.record`).
Outcome = Literal["assigned", "failed", "skipped", "voided"]


@frozen
class TagEvent:
    """One line of the tag event log; ``at`` is UTC."""

    id: int
    at: datetime
    prefix: str
    number: int
    tag: str  # the tag handed out, or "" for a sequence change
    state: TagEventState
    asset_id: int | None
    actor: str
    request_id: str
    detail: str = ""


@frozen
class Reservation:
    """The number that belongs to one asset: held for it (``reserved``) or ``assigned``.

    An asset has at most one such number per prefix, for good. ``is_new`` is false when the
    store handed back the asset's number from an earlier request instead of a fresh one.
    """

    prefix: str
    number: int
    tag: str
    asset_id: int
    is_new: bool = True
    reserved_by: str = ""  # request id of the reservation
    state: Literal["reserved", "assigned"] = "reserved"

    @property
    def is_assigned(self) -> bool:
        return self.state == "assigned"


@frozen
class SequenceMove:
    """A change of a prefix's next number; ``after`` is always a number never handed out."""

    prefix: str
    before: int
    after: int

    @property
    def is_changed(self) -> bool:
        return self.before != self.after


@runtime_checkable
class TagStore(Protocol):
    """Durable tag sequences and their event log.

    Every method is one transaction, safe against other threads and processes using the same
    store. Numbers are never handed out twice: once reserved, a number belongs to its asset
    (reserved, then assigned), or is given up for good (skipped, voided); an asset holds at
    most one number per prefix that is not given up. The stored next number of a prefix is
    always a number never handed out, so it is exactly what the next reservation gets.
    Unknown prefixes start at 1.
    """

    def peek_next(self, prefix: str, after: int = 0) -> int:
        """The next number a reservation gets, or the first free one above ``after``."""

    def reservation_for(self, prefix: str, asset_id: int) -> Reservation | None:
        """The number of ``asset_id`` for ``prefix`` (reserved or assigned), if it has one."""

    def reserve(self, fmt: TagFormat, asset_id: int, *, actor: str, request_id: str) -> Reservation:
        """Hold the next number for ``asset_id``, unless it has one: that is handed back.

        Raises :class:`~rtutils_core.errors.TagConflict` when the format's digits are used up.
        """

    def record(
        self,
        reservation: Reservation,
        state: Outcome,
        *,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> bool:
        """Log what became of ``reservation``; False if it had come to that already.

        ``assigned``: the backend carries the tag now (logged again when a reservation that
        was assigned already is written again). ``skipped``: given up for good, the backend
        carries it already. ``voided``: given up for good, its asset no longer needs it.
        ``failed``: a write failed; the number stays with its asset for a retry. Raises
        :class:`~rtutils_core.errors.TagConflict` if the number went another way or is held
        for another asset.
        """

    def events(self, query: EventQuery = NEWEST) -> Sequence[TagEvent]:
        """The events ``query`` asks for, newest first (see :class:`EventQuery`)."""

    def highest_issued(self, prefix: str) -> int:
        """The highest number ever reserved for ``prefix``, in any state (0 if none)."""

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
        """Move the sequence to the first free number from ``number`` on (logged).

        Without ``force``, refuses with :class:`~rtutils_core.errors.TagConflict` to go at or
        below the highest number issued, checked inside the same transaction.
        """

    def raise_floor(
        self, fmt: TagFormat, number: int, *, actor: str, request_id: str, detail: str = ""
    ) -> SequenceMove:
        """Make the next number at least ``number``; never lowers it (logged if it moved)."""
