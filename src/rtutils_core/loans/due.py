"""Due dates of loans: which check-out a device still out belongs to, and when it is due.

A due date is written with the check-out in the loan log; RT knows who holds a device, not
until when. A device out belongs to the desk's loan when the last event the log holds for
it is a check-out to one of its holders now; a device handed over in RT directly, or whose
last check-out was checked in since, has no due date here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Literal

from attrs import frozen

from rtutils_core.assets import Asset
from rtutils_core.loans.values import LoanEvent

#: overdue: the due date passed; due-soon: due today or within the due-soon days;
#: due-later: a due date further off; no-due: no due date (or no loan the desk recorded).
DueState = Literal["overdue", "due-soon", "due-later", "no-due"]
DUE_STATES: tuple[DueState, ...] = ("overdue", "due-soon", "due-later", "no-due")
#: Longest "due soon" window a district may set, in days.
MAX_SOON_DAYS = 365


def due_state(due: date | None, today: date, soon_days: int) -> DueState:
    """Where a loan due on ``due`` stands ``today``; "soon" is today to ``soon_days`` ahead."""
    if due is None:
        return "no-due"
    if due < today:
        return "overdue"
    return "due-soon" if (due - today).days <= soon_days else "due-later"


@frozen
class DueLoan:
    """A device out, its holder, and the desk's check-out it belongs to (None: no record)."""

    asset: Asset
    holder: str
    loan: LoanEvent | None = None

    @property
    def due(self) -> date | None:
        return self.loan.due if self.loan else None

    def state(self, today: date, soon_days: int) -> DueState:
        return due_state(self.due, today, soon_days)

    def days_overdue(self, today: date) -> int:
        """Days since the due date (0 if not overdue)."""
        due = self.due
        return max((today - due).days, 0) if due else 0


def last_events(events: Iterable[LoanEvent]) -> dict[int, LoanEvent]:
    """The newest event of each asset (by the log's order of ids)."""
    newest: dict[int, LoanEvent] = {}
    for event in events:
        known = newest.get(event.asset_id)
        if known is None or event.id > known.id:
            newest[event.asset_id] = event
    return newest


def loan_of(holders: Sequence[str], last: LoanEvent | None) -> LoanEvent | None:
    """``last`` if it is a check-out to one of ``holders``: the loan the device is out on."""
    if last is None or last.action != "check-out":
        return None
    names = {h.casefold() for h in holders}
    return last if last.person.casefold() in names else None


def due_loans(
    assets: Iterable[Asset],
    newest: Mapping[int, LoanEvent],
    holders: Callable[[Asset], Sequence[str]],
) -> list[DueLoan]:
    """Each asset out with its holder and its loan, from the newest log event per asset."""
    found = []
    for asset in assets:
        who = tuple(holders(asset))
        if not who:
            continue
        loan = loan_of(who, newest.get(asset.id))
        found.append(DueLoan(asset, loan.person if loan else who[0], loan))
    return found
