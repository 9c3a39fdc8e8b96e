"""Manual check-ins: a student's return recorded without a device (none, lost or paid for).

They are entries of the loan log of their own kind, never a second bookkeeping: a manual
check-in is one entry, and undoing it is another entry that names it (nothing is deleted).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

from attrs import field, frozen

from rtutils_core.errors import InvalidInput, LoanConflict, LoanNotFound

#: Why nothing came back: the student had no device, lost it, or paid for it.
ManualKind = Literal["no-device", "lost", "paid"]
MANUAL_KINDS: tuple[ManualKind, ...] = ("no-device", "lost", "paid")
#: The kind of the entry that undoes a manual check-in.
UNDO = "undo"
MAX_REASON = 500


@frozen
class ManualEntry:
    """A manual check-in (``kind`` one of :data:`MANUAL_KINDS`) or its undoing (``undo``).

    ``asset_id``/``tag`` name the lost or paid device when there is one; ``undoes`` is the id
    of the manual check-in an ``undo`` entry takes back.
    """

    kind: str
    student_id: str
    person: str
    reason: str
    operator: str
    request_id: str
    asset_id: int | None = None
    tag: str = ""
    undoes: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind not in (*MANUAL_KINDS, UNDO):
            kinds = ", ".join(MANUAL_KINDS)
            raise InvalidInput(f"a manual check-in is one of {kinds}, not {self.kind!r}")
        if not self.reason.strip():
            raise InvalidInput("a manual check-in and its undoing need a reason")
        if len(self.reason) > MAX_REASON:
            raise InvalidInput(f"the reason is longer than {MAX_REASON} characters")
        if (self.kind == UNDO) != (self.undoes is not None):
            raise InvalidInput("only an undo entry names the manual check-in it undoes")


@frozen
class ManualEvent(ManualEntry):
    """A manual entry as the loan log stored it, with its ``id`` and UTC time ``at``."""

    id: int = field(kw_only=True)
    at: datetime = field(kw_only=True)


def active_manual(events: Iterable[ManualEvent]) -> list[ManualEvent]:
    """The manual check-ins among ``events`` that no undo entry among them takes back."""
    listed = list(events)
    undone = {e.undoes for e in listed if e.kind == UNDO}
    return [e for e in listed if e.kind != UNDO and e.id not in undone]


def check_undo(
    entry: ManualEntry, target: ManualEvent | None, existing: Sequence[ManualEvent]
) -> None:
    """Refuse an undo of nothing, of an undo, of another student's or of one undone already.

    Every manual check-in log keeps this rule, inside the transaction that stores ``entry``.
    """
    if target is None:
        raise LoanNotFound(f"there is no manual check-in {entry.undoes}")
    if target.student_id != entry.student_id:
        raise LoanConflict(f"manual check-in {target.id} is not of student {entry.student_id!r}")
    if target.kind == UNDO:
        raise LoanConflict(f"entry {target.id} is an undo itself; record the check-in again")
    for event in existing:
        if event.undoes == target.id:
            raise LoanConflict(f"manual check-in {target.id} was undone already by {event.id}")
