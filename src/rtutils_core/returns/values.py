"""The end-of-year return campaign's values: per student, per grade, per day.

Everything is derived from RT (who holds which device now, in the loan desk's role) and the
loan log (check-ins, manual check-ins and their undoing); nothing is kept twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from attrs import frozen

from rtutils_core.assets import Asset
from rtutils_core.errors import InvalidInput
from rtutils_core.loans import LoanEvent
from rtutils_core.loans.manual_checkins import ManualEvent
from rtutils_core.students import Student

#: A student's state: devices still out, all handed back (or cleared by hand), or nothing
#: out and nothing returned this year.
ReturnState = Literal["outstanding", "returned", "none"]
RETURN_STATES: tuple[ReturnState, ...] = ("outstanding", "returned", "none")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@frozen
class CampaignOptions:
    """Which devices the campaign collects and when a school year starts."""

    catalog: str | None = "Student Devices"
    year_starts_month: int = 8

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.year_starts_month <= 12:  # noqa: PLR2004
            raise InvalidInput("a school year starts in a month from 1 to 12")

    def window(self, year: int) -> tuple[datetime, datetime]:
        """From the first day of school year ``year`` (named by its end) to its last moment."""
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidInput(f"the school year must be from {FIRST_YEAR} to {LAST_YEAR}")
        start = datetime(year - 1, self.year_starts_month, 1, tzinfo=UTC)
        end = datetime(year, self.year_starts_month, 1, tzinfo=UTC)
        return start, end


@frozen
class StudentReturn:
    """A student in the campaign: the devices held now (RT), check-ins and manual check-ins
    this school year (the loan log; ``manual`` holds only those not undone)."""

    student: Student
    held: tuple[Asset, ...] = ()
    checkins: tuple[LoanEvent, ...] = ()
    manual: tuple[ManualEvent, ...] = ()

    @property
    def cleared(self) -> bool:
        """A manual check-in without a device clears every device the student holds."""
        return any(m.asset_id is None for m in self.manual)

    @property
    def outstanding(self) -> tuple[Asset, ...]:
        """Held devices that no manual check-in covers."""
        if self.cleared:
            return ()
        covered = {m.asset_id for m in self.manual}
        return tuple(a for a in self.held if a.id not in covered)

    @property
    def returned(self) -> int:
        """Check-ins and manual check-ins this year."""
        return len(self.checkins) + len(self.manual)

    @property
    def state(self) -> ReturnState:
        if self.outstanding:
            return "outstanding"
        return "returned" if self.returned else "none"


@frozen
class GradeFigures:
    """One grade's figures (or all grades', ``grade`` ``"all"``).

    ``completion_rate`` is the share of students with something to return who have
    returned it all: returned / (returned + outstanding); ``None`` with nobody to count.
    """

    grade: str
    students: int
    devices_out: int
    returned: int
    outstanding: int
    students_returned: int
    students_outstanding: int

    @property
    def completion_rate(self) -> float | None:
        due = self.students_returned + self.students_outstanding
        return round(self.students_returned / due, 4) if due else None


@frozen
class DayCount:
    """Returns (check-ins and manual check-ins) of one grade on one UTC day."""

    day: date
    grade: str
    returns: int


@frozen
class Campaign:
    """The campaign of school ``year`` as read at ``read_at``."""

    year: int
    since: datetime
    until: datetime
    read_at: datetime
    grades: tuple[GradeFigures, ...]
    total: GradeFigures
    students: tuple[StudentReturn, ...]
    days: tuple[DayCount, ...]
    unlinked: int
