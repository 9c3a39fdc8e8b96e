"""Due dates and the notices by e-mail: the overdue list, and what is sent when.

Each run plans its notices (pure rules in ``plan.py``), records them in the notice log
(a key recorded already is not recorded again: a second run of the day sends nothing),
then sends the open ones through the :class:`~rtutils_core.due.outbox.Outbox` (built when
first needed: the overdue list needs no mail server). RT is read
in bulk (the devices out, the people), the roster and the loan log once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from attrs import frozen

from rtutils_core.due.campaign import plan_campaign
from rtutils_core.due.outbox import Outbox, Progress
from rtutils_core.due.people import Person, find_persons, students_by_login
from rtutils_core.due.plan import loan_draft, plan_loans, unreachable
from rtutils_core.due.ports import NoticeLog
from rtutils_core.due.values import (
    Notice,
    NoticeDraft,
    NoticeOptions,
    NoticePlan,
    NoticeQuery,
    SendReport,
    Unreachable,
)
from rtutils_core.errors import InvalidInput
from rtutils_core.loans import LoanEvent, LoanFilter
from rtutils_core.loans.due import DUE_STATES, DueLoan, DueState
from rtutils_core.loans.due_dates import DueDates
from rtutils_core.loans.service import LoanService
from rtutils_core.returns.service import ReturnService
from rtutils_core.students import Student, normal_grade
from rtutils_core.students.ports import Roster

log = logging.getLogger("rtutils.due")


def _now() -> datetime:
    return datetime.now(UTC)


@frozen
class DueQuery:
    """Which loans the overdue list shows: in ``states``, of ``grade``, held by ``person``."""

    states: tuple[str, ...] = ("overdue", "due-soon")
    grade: str | None = None
    person: str | None = None
    catalog: str | None = None

    def __attrs_post_init__(self) -> None:
        unknown = [s for s in self.states if s not in DUE_STATES]
        if unknown:
            raise InvalidInput(f"state must be one of {', '.join(DUE_STATES)}, not {unknown[0]!r}")


@frozen
class DueLine:
    """A loan of the overdue list: its state, days overdue and the student holding it."""

    loan: DueLoan
    state: DueState
    days_overdue: int
    student: Student | None = None


class DueService:
    """The overdue list; the plans, records and sending of every kind of notice."""

    def __init__(
        self,
        loans: LoanService,
        roster: Roster,
        notices: NoticeLog,
        outbox: Callable[[], Outbox],
        options: NoticeOptions | None = None,
        *,
        returns: ReturnService | None = None,
        clock: Callable[[], datetime] = _now,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.loans = loans
        self.dates = DueDates(loans)
        self.roster = roster
        self.notices = notices
        self.outbox = outbox
        self.options = options or NoticeOptions()
        self.returns = returns
        self._clock = clock
        self._today = today or (lambda: clock().astimezone().date())

    def today(self) -> date:
        return self._today()

    # -- the overdue list --------------------------------------------------------------

    def due_list(self, query: DueQuery | None = None) -> list[DueLine]:
        """Loans in the query's states, earliest due first (bulk reads of RT and the log)."""
        query = query or DueQuery()
        today, soon = self.today(), self.dates.soon_days
        grade = normal_grade(query.grade) if query.grade else None
        person = (query.person or "").strip().casefold()
        students = students_by_login(self.roster)
        lines = []
        for loan in self.dates.out(query.catalog):
            state = loan.state(today, soon)
            student = students.get(loan.holder.casefold())
            if state not in query.states or (person and loan.holder.casefold() != person):
                continue
            if grade is not None and (student is None or student.grade != grade):
                continue
            lines.append(DueLine(loan, state, loan.days_overdue(today), student))
        return sorted(lines, key=lambda x: (x.loan.due or date.max, x.loan.holder, x.loan.asset.id))

    # -- plans -------------------------------------------------------------------------

    def plan_loans(self, day: date | None = None) -> NoticePlan:
        """The reminders and overdue notices of ``day`` (default today)."""
        today = day or self.today()
        out = [d for d in self.dates.out() if d.loan is not None and d.due is not None]
        history = self.notices.notices(NoticeQuery(loan_ids=[d.loan.id for d in out if d.loan]))
        people = find_persons([d.holder for d in out], self.loans, students_by_login(self.roster))
        drafts, nobody = plan_loans(out, people, history, today, self.options)
        return self._plan(today, drafts, nobody)

    def plan_receipt(self, loan_id: int, day: date | None = None) -> NoticePlan:
        """The check-out receipt of loan ``loan_id`` (empty when receipts are off)."""
        today = day or self.today()
        if not self.options.is_on("receipt"):
            return NoticePlan(today)
        event = self.loans.log.get(loan_id)
        if event.action != "check-out":
            raise InvalidInput(f"loan {loan_id} is a {event.action}, not a check-out")
        asset = self.loans.backend.read_asset_state(event.asset_id).asset
        students = students_by_login(self.roster)
        person = find_persons([event.person], self.loans, students).get(event.person)
        person = person or Person(event.person)
        before = [
            e
            for e in self.loans.events(LoanFilter(asset_id=event.asset_id))
            if e.action == "check-in" and e.id < event.id
        ]
        loan = DueLoan(asset, event.person, event)
        condition = _condition(before[-1] if before else None)
        draft = loan_draft("receipt", loan, person, today, self.options, condition=condition)
        if draft.to:
            return self._plan(today, [draft], [])
        return NoticePlan(today, unreachable=(unreachable(draft, person.name),))

    def plan_campaign(self, year: int, day: date | None = None) -> NoticePlan:
        """A notice to each student with devices outstanding in school ``year``, and a
        summary per grade to the school's address."""
        if self.returns is None:
            raise InvalidInput("the return campaign is not set up here")
        today = day or self.today()
        campaign = self.returns.campaign(year, days=0)
        students = {x.student.user_name.casefold(): x.student for x in campaign.students}
        logins = [x.student.user_name for x in campaign.students if x.outstanding]
        people = find_persons(logins, self.loans, students)
        drafts, nobody = plan_campaign(campaign, people, today, self.options)
        return self._plan(today, drafts, nobody)

    def _plan(
        self, today: date, drafts: Sequence[NoticeDraft], nobody: Sequence[Unreachable]
    ) -> NoticePlan:
        keys = {d.key for d in drafts}
        recorded = [n for n in self.notices.notices(NoticeQuery(since=today)) if n.key in keys]
        known = {n.key for n in recorded}
        return NoticePlan(
            today,
            tuple(d for d in drafts if d.key not in known),
            tuple(recorded),
            tuple(nobody),
        )

    # -- recording and sending ---------------------------------------------------------

    def record(self, plan: NoticePlan) -> list[Notice]:
        """Record the plan's new notices; every notice of the plan, new or not."""
        new = list(self.notices.record(plan.drafts, now=self._clock())) if plan.drafts else []
        return [*plan.recorded, *new]

    def run(
        self, plan: NoticePlan, sender: str, progress: Progress | None = None
    ) -> tuple[list[Notice], SendReport]:
        """Record the plan, then send its open notices as ``sender``."""
        notices = self.record(plan)
        report = self.outbox().send(notices, sender, progress)
        log.info(
            "notices_run",
            extra={
                "day": plan.day.isoformat(),
                "unreachable": len(plan.unreachable),
                **report.summary(),
            },
        )
        return notices, report


def _condition(checkin: LoanEvent | None) -> str:
    """How the device came back last time ("" when the log has no check-in of it)."""
    if checkin is None or checkin.condition is None:
        return ""
    if checkin.damages:
        return f"{checkin.condition}: {', '.join(checkin.damages)}"
    return str(checkin.condition)
