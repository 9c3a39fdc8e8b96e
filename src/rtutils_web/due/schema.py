"""Due dates in the API: the overdue list, a dry run of the notices, a queued notice run.

The data is about students: the list's items and the dry run go to operators; a viewer gets
the counts only (``names_shown`` says which one a caller got).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, ClassVar

from attrs import frozen
from werkzeug.datastructures import MultiDict

from rtutils_core.due import Notice, NoticeDraft, NoticePlan, Unreachable
from rtutils_core.due.service import DueLine, DueQuery
from rtutils_core.jobs import Job
from rtutils_core.loans.due import DUE_STATES
from rtutils_core.returns import FIRST_YEAR, LAST_YEAR
from rtutils_web.http.answers import list_of, object_schema, prop
from rtutils_web.http.properties import COUNT, STRING

_ID = {"type": ["integer", "null"], "minimum": 1}
_STRINGS = {"type": "array", "items": STRING}
_DAY = {"type": "string", "format": "date"}
#: The list's states when none is asked for.
DEFAULT_STATES = ("overdue", "due-soon")


def due_query(args: MultiDict[str, str]) -> DueQuery:
    """The overdue list's filters from a query string (``state`` may repeat or list)."""
    states = [s.strip() for raw in args.getlist("state") for s in raw.split(",") if s.strip()]
    return DueQuery(
        states=tuple(states) or DEFAULT_STATES,
        grade=args.get("grade") or None,
        person=args.get("person") or None,
        catalog=args.get("catalog") or None,
    )


@frozen
class OverdueItemJson:
    """A device out with its due date and who holds it (operators only)."""

    asset_id: int = prop({"type": "integer", "minimum": 1})
    tag: str = prop({**STRING, "description": "the asset's Name"})
    catalog: str = prop(STRING)
    holder: str = prop({**STRING, "description": "RT login name of the holder"})
    student_id: str = prop({**STRING, "description": "'' for someone not on the roster"})
    grade: str = prop(STRING)
    due: str | None = prop({"type": ["string", "null"], "format": "date"})
    state: str = prop({"type": "string", "enum": list(DUE_STATES)})
    days_overdue: int = prop(COUNT)
    loan_id: int | None = prop({**_ID, "description": "the check-out in the loan log"})

    @classmethod
    def of(cls, line: DueLine) -> OverdueItemJson:
        loan, student = line.loan, line.student
        return cls(
            asset_id=loan.asset.id,
            tag=loan.asset.name,
            catalog=loan.asset.catalog,
            holder=loan.holder,
            student_id=student.student_id if student else "",
            grade=student.grade if student else "",
            due=loan.due.isoformat() if loan.due else None,
            state=line.state,
            days_overdue=line.days_overdue,
            loan_id=loan.loan.id if loan.loan else None,
        )


@frozen
class OverdueJson:
    """The loans in the asked states, earliest due first; a viewer gets the counts only."""

    today: str = prop(_DAY)
    soon_days: int = prop({**COUNT, "description": "DUE_SOON_DAYS"})
    total: int = prop(COUNT)
    overdue: int = prop(COUNT)
    due_soon: int = prop(COUNT)
    names_shown: bool = prop({"type": "boolean", "description": "false: counts only"})
    items: list[OverdueItemJson] = prop(list_of("OverdueItem"))

    @classmethod
    def of(cls, lines: Sequence[DueLine], today: date, soon: int, shown: bool) -> OverdueJson:
        count = {s: sum(1 for x in lines if x.state == s) for s in DUE_STATES}
        items = [OverdueItemJson.of(x) for x in lines] if shown else []
        return cls(
            today.isoformat(), soon, len(lines), count["overdue"], count["due-soon"], shown, items
        )


@frozen
class PlannedNoticeJson:
    """One notice of a dry run: new, recorded already today (its state), or no address."""

    kind: str = prop(STRING)
    subject: str = prop({**STRING, "description": "loan:<id>, student:<id> or grade:<grade>"})
    state: str = prop({**STRING, "description": "new, no-address, or the recorded state"})
    person: str = prop({**STRING, "description": "RT login name"})
    student_id: str = prop(STRING)
    name: str = prop(STRING)
    to: list[str] = prop(_STRINGS)
    cc: list[str] = prop(_STRINGS)
    asset_id: int | None = prop(_ID)
    reason: str = prop({**STRING, "description": "why a recorded notice failed or waits"})

    @classmethod
    def of(cls, item: NoticeDraft | Unreachable, state: str) -> PlannedNoticeJson:
        if isinstance(item, Unreachable):
            return cls(item.kind, item.subject, state, item.person, item.student_id, item.name,
                       [], [], item.asset_id, "")  # fmt: skip
        name = str(item.fields.get("person", {}).get("name", ""))
        reason = item.reason if isinstance(item, Notice) else ""
        return cls(item.kind, item.subject, state, item.person, item.student_id, name,
                   list(item.to), list(item.cc), item.asset_id, reason)  # fmt: skip


@frozen
class NoticePlanJson:
    """Who would get what on ``day``; nothing is sent or recorded."""

    day: str = prop(_DAY)
    new: int = prop(COUNT)
    recorded: int = prop(COUNT)
    unreachable: int = prop(COUNT)
    notices: list[PlannedNoticeJson] = prop(list_of("PlannedNotice"))

    @classmethod
    def of(cls, plan: NoticePlan) -> NoticePlanJson:
        items = (
            [PlannedNoticeJson.of(d, "new") for d in plan.drafts]
            + [PlannedNoticeJson.of(n, n.state) for n in plan.recorded]
            + [PlannedNoticeJson.of(u, "no-address") for u in plan.unreachable]
        )
        counts = (len(plan.drafts), len(plan.recorded), len(plan.unreachable))
        return cls(plan.day.isoformat(), *counts, items)


@frozen
class NoticeRunBody:
    """Which notices to send: tonight's (``due``) or a return campaign's (``campaign``)."""

    SCHEMA: ClassVar[dict[str, Any]] = {"example": {"kind": "campaign", "year": 2026}}

    kind: str = prop({"type": "string", "enum": ["due", "campaign"]})
    year: int | None = prop(
        {"type": ["integer", "null"], "minimum": FIRST_YEAR, "maximum": LAST_YEAR,
         "description": "the school year of a campaign (null: this one)"},
        default=None,
    )  # fmt: skip
    dry_run: bool = prop({"type": "boolean", "default": False}, default=False)


@frozen
class NoticeJobJson:
    """The queued run; ``GET /api/v1/jobs/{id}`` (the ``Location``) follows it."""

    id: str = prop(STRING)
    kind: str = prop(STRING)
    state: str = prop(STRING)
    created: datetime = prop({"type": "string", "format": "date-time"})

    @classmethod
    def of(cls, job: Job) -> NoticeJobJson:
        return cls(job.id, job.kind, job.state, job.created)


SCHEMAS: dict[str, Any] = {
    "OverdueItem": object_schema(OverdueItemJson),
    "Overdue": object_schema(OverdueJson),
    "PlannedNotice": object_schema(PlannedNoticeJson),
    "NoticePlan": object_schema(NoticePlanJson),
    "NoticeJob": object_schema(NoticeJobJson),
}
