"""The end-of-year return campaign, read from RT and the loan log (one log, no second books).

The devices out come from one bulk search per page of the catalog's assets with someone in
the loan desk's role, never one search per student; the returns are the loan log's check-ins
and its manual check-ins not undone. Logs name students by id only.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from attrs import frozen

from rtutils_core.assets import Asset, User
from rtutils_core.clock import utc_now
from rtutils_core.errors import BackendUnreachable, InvalidInput
from rtutils_core.loans import LoanEvent, LoanFilter
from rtutils_core.loans.manual_checkins import UNDO, ManualEntry, ManualEvent, active_manual
from rtutils_core.loans.ports import ManualCheckInLog
from rtutils_core.loans.service import LoanService
from rtutils_core.returns.values import (
    RETURN_STATES,
    Campaign,
    CampaignOptions,
    DayCount,
    GradeFigures,
    StudentReturn,
)
from rtutils_core.students import Student, grade_rank, normal_grade
from rtutils_core.students.ports import Roster

log = logging.getLogger("rtutils.returns")

#: Days the dashboard's chart of returns per grade goes back.
CHART_DAYS = 14


@frozen
class StudentHistory:
    """A student's campaign line with the whole loan log of their RT user and their manual
    entries (undos included)."""

    entry: StudentReturn
    events: tuple[LoanEvent, ...]
    manual_events: tuple[ManualEvent, ...]


class ReturnService:
    """Figures, lists, one student's history, manual check-ins and their undoing."""

    def __init__(
        self,
        roster: Roster,
        loans: LoanService,
        manual_log: ManualCheckInLog,
        options: CampaignOptions | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.roster = roster
        self.loans = loans
        self.manual_log = manual_log
        self.options = options or CampaignOptions()
        self._clock = clock

    def campaign(self, year: int, days: int = CHART_DAYS) -> Campaign:
        """Every student's line and the figures per grade for school ``year``."""
        since, until = self.options.window(year)
        students = self.roster.students()
        by_user = {s.user_name.casefold(): s for s in students if s.is_linked}
        held: dict[str, list[Asset]] = defaultdict(list)
        for asset in self.loans.iter_still_out(self.options.catalog):
            for holder in self.loans.options.holders(asset):
                if holder.casefold() in by_user:
                    held[by_user[holder.casefold()].student_id].append(asset)
        checkins: dict[str, list[LoanEvent]] = defaultdict(list)
        for event in self.loans.events(LoanFilter(since=since, until=until)):
            student = by_user.get(event.person.casefold())
            if event.action == "check-in" and student is not None:
                checkins[student.student_id].append(event)
        manual: dict[str, list[ManualEvent]] = defaultdict(list)
        for entry in active_manual(self.manual_log.manual_events(since=since)):
            if entry.at < until:
                manual[entry.student_id].append(entry)
        lines = tuple(
            StudentReturn(
                s,
                tuple(held[s.student_id]),
                tuple(checkins[s.student_id]),
                tuple(manual[s.student_id]),
            )
            for s in sorted(students, key=_order)
        )
        grades = sorted({s.grade for s in students}, key=grade_rank)
        now = self._clock()
        return Campaign(
            year=year,
            since=since,
            until=until,
            read_at=now,
            grades=tuple(_figures(g, [x for x in lines if x.student.grade == g]) for g in grades),
            total=_figures("all", lines),
            students=lines,
            days=_days(lines, now, days),
            unlinked=sum(1 for s in students if not s.is_linked),
        )

    def students(
        self,
        year: int,
        *,
        grade: str | None = None,
        state: str | None = None,
        text: str | None = None,
    ) -> list[StudentReturn]:
        """The campaign's students of ``grade`` in ``state`` whose id, name or RT user has
        ``text`` in it (each filter only when given)."""
        wanted_grade = normal_grade(grade) if grade else None
        if state and state not in RETURN_STATES:
            raise InvalidInput(f"state must be one of {', '.join(RETURN_STATES)}, not {state!r}")
        needle = (text or "").strip().casefold()
        return [
            line
            for line in self.campaign(year, days=0).students
            if (wanted_grade is None or line.student.grade == wanted_grade)
            and (not state or line.state == state)
            and (not needle or needle in _searchable(line.student))
        ]

    def student(self, year: int, student_id: str) -> StudentHistory:
        """One student's line (one search for the devices held now) and whole history."""
        student = self.roster.get(student_id)
        since, until = self.options.window(year)
        held: tuple[Asset, ...] = ()
        events: tuple[LoanEvent, ...] = ()
        if student.is_linked:
            loans = self.loans.person_loans(_user(student))
            catalog = self.options.catalog
            held = tuple(a for a in loans.assets if catalog is None or a.catalog == catalog)
            events = tuple(self.loans.events(LoanFilter(person=student.user_name)))
        manual_events = tuple(self.manual_log.manual_events(student_id=student_id))
        this_year = [m for m in manual_events if since <= m.at < until]
        checkins = tuple(e for e in events if e.action == "check-in" and since <= e.at < until)
        entry = StudentReturn(student, held, checkins, tuple(active_manual(this_year)))
        return StudentHistory(entry, events, manual_events)

    def check_in_manually(
        self,
        student_id: str,
        kind: str,
        reason: str,
        *,
        operator: str,
        request_id: str,
        asset_id: int | None = None,
    ) -> ManualEvent:
        """Record that ``student_id`` is done without handing a device back (``kind``:
        no-device, lost, paid). ``asset_id`` names a device the student holds now."""
        if kind == UNDO:
            raise InvalidInput("undo a manual check-in with undo_manual, naming it")
        student = self.roster.get(student_id)
        tag = ""
        if asset_id is not None:
            tag = self._held_tag(student, asset_id)
        event = self._record(
            kind, student, reason, operator, request_id, asset_id=asset_id, tag=tag
        )
        log.info(
            "manual_check_in",
            extra={"student_id": student_id, "manual_id": event.id, "kind": kind},
        )
        return event

    def _record(
        self, kind: str, student: Student, reason: str, operator: str, request_id: str, **of: Any
    ) -> ManualEvent:
        """Write a manual entry of ``student``; ``of``: the device (``asset_id``, ``tag``) or the
        entry it undoes (``undoes``)."""
        entry = ManualEntry(
            kind=kind,
            student_id=student.student_id,
            person=student.user_name,
            reason=reason.strip(),
            operator=operator,
            request_id=request_id,
            **of,
        )
        return self.manual_log.record_manual(entry)

    def _held_tag(self, student: Student, asset_id: int) -> str:
        if not student.is_linked:
            raise InvalidInput(f"student {student.student_id} has no RT user, so holds no device")
        try:
            loans = self.loans.person_loans(_user(student))
        except BackendUnreachable:
            return self._logged_tag(student, asset_id)
        for asset in loans.assets:
            if asset.id == asset_id:
                return asset.name
        raise InvalidInput(f"student {student.student_id} does not hold asset {asset_id}")

    def _logged_tag(self, student: Student, asset_id: int) -> str:
        """While RT cannot be reached: the device's tag if the loan log's last word on it is
        a check-out to ``student`` (the manual check-in is a loan-log entry; it needs no RT)."""
        events = self.loans.events(LoanFilter(asset_id=asset_id))
        last = events[-1] if events else None
        holder = last.person.casefold() if last and last.action == "check-out" else None
        if last is None or holder != student.user_name.casefold():
            raise InvalidInput(
                f"RT cannot be reached and the loan log does not show student"
                f" {student.student_id} holding asset {asset_id}; record it without the"
                " device, or again when RT answers"
            )
        return last.tag

    def undo_manual(
        self, student_id: str, manual_id: int, reason: str, *, operator: str, request_id: str
    ) -> ManualEvent:
        """Take a manual check-in back with an entry of its own (nothing is deleted)."""
        student = self.roster.get(student_id)
        event = self._record(UNDO, student, reason, operator, request_id, undoes=manual_id)
        log.info(
            "manual_check_in_undone",
            extra={"student_id": student_id, "manual_id": manual_id, "undo_id": event.id},
        )
        return event


def _user(student: Student) -> User:
    # The linked user as the roster knows it: no request to look it up again.
    return User(student.user_id or 0, student.user_name)


def _order(student: Student) -> tuple[int, str, str, str]:
    return (grade_rank(student.grade), student.last_name, student.first_name, student.student_id)


def _searchable(student: Student) -> str:
    parts = (student.student_id, student.first_name, student.last_name, student.rt_user)
    return " ".join((*parts, student.full_name)).casefold()


def _figures(grade: str, lines: Sequence[StudentReturn]) -> GradeFigures:
    return GradeFigures(
        grade=grade,
        students=len(lines),
        devices_out=sum(len(x.held) for x in lines),
        returned=sum(x.returned for x in lines),
        outstanding=sum(len(x.outstanding) for x in lines),
        students_returned=sum(1 for x in lines if x.state == "returned"),
        students_outstanding=sum(1 for x in lines if x.state == "outstanding"),
    )


def _days(lines: Iterable[StudentReturn], now: datetime, days: int) -> tuple[DayCount, ...]:
    """Returns per grade and UTC day for the last ``days`` days, today included."""
    if days <= 0:
        return ()
    first = now.astimezone(UTC).date() - timedelta(days=days - 1)
    counts: dict[tuple[object, str], int] = defaultdict(int)
    grades: set[str] = set()
    for line in lines:
        grades.add(line.student.grade)
        for moment in [e.at for e in line.checkins] + [m.at for m in line.manual]:
            day = moment.astimezone(UTC).date()
            if day >= first:
                counts[(day, line.student.grade)] += 1
    return tuple(
        DayCount(first + timedelta(days=n), grade, counts[(first + timedelta(days=n), grade)])
        for n in range(days)
        for grade in sorted(grades, key=grade_rank)
    )
