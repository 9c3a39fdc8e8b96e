"""Students and the return campaign in the API: bodies in, answers out, the query filters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from attrs import frozen

from rtutils_core.errors import InvalidInput, shown
from rtutils_core.loans import LoanEvent
from rtutils_core.loans.manual_checkins import MANUAL_KINDS, MAX_REASON, ManualEvent
from rtutils_core.returns import (
    FIRST_YEAR,
    LAST_YEAR,
    RETURN_STATES,
    Campaign,
    DayCount,
    GradeFigures,
    StudentReturn,
)
from rtutils_core.returns.service import StudentHistory
from rtutils_core.students import GRADE_NAMES, BadRow, ImportReport, school_year_of
from rtutils_web.http.answers import FieldsFrom, answer_of, list_of, object_schema, prop, ref
from rtutils_web.http.bodies import whole_number
from rtutils_web.http.properties import COUNT, STRING, TIME

_IDS = {"type": "array", "items": {"type": "string"}}


# -- bodies ------------------------------------------------------------------------------


_REASON = {"type": "string", "minLength": 1, "maxLength": MAX_REASON}


@frozen
class ImportBody:
    """A roster file to import: the CSV text, a dry run by default."""

    SCHEMA: ClassVar[dict[str, Any]] = {
        "example": {"csv": "student_id,first_name,last_name,grade,rt_user\n100201,Ada,Ng,5,\n"}
    }

    csv: str = prop({"type": "string", "description": "the roster file (CSV with a header line)"})
    dry_run: bool = prop({"type": "boolean", "default": True}, default=True)
    remove_missing: bool = prop({"type": "boolean", "default": False}, default=False)


@frozen
class ManualBody:
    """A manual check-in: why nothing comes back, the reason, the device if one is meant."""

    kind: str = prop({"type": "string", "enum": list(MANUAL_KINDS)})
    reason: str = prop(_REASON)
    asset_id: int | None = prop({"type": ["integer", "null"], "minimum": 1}, default=None)


@frozen
class UndoBody:
    """Why a manual check-in is taken back."""

    reason: str = prop(_REASON)


# -- answers -----------------------------------------------------------------------------


@frozen
class BadRowJson(FieldsFrom[BadRow]):
    """A roster row that was not imported."""

    line: int = prop({"type": "integer", "minimum": 1})
    reason: str = prop(STRING)
    student_id: str = prop(STRING)


@frozen
class ImportJson:
    """What an import did, or would do (``dry_run``); student ids only."""

    dry_run: bool = prop({"type": "boolean"})
    rows: int = prop(COUNT)
    added: list[str] = prop(_IDS)
    updated: list[str] = prop(_IDS)
    unchanged: int = prop(COUNT)
    missing: list[str] = prop(_IDS)
    removed: list[str] = prop(_IDS)
    unlinked: list[str] = prop(_IDS)
    bad_rows: list[BadRowJson] = prop(list_of("RosterBadRow"))

    @classmethod
    def of(cls, r: ImportReport) -> ImportJson:
        return cls(
            r.dry_run,
            r.rows,
            list(r.added),
            list(r.updated),
            len(r.unchanged),
            list(r.missing),
            list(r.removed),
            list(r.unlinked),
            [BadRowJson.of(b) for b in r.bad_rows],
        )


@frozen
class GradeJson(FieldsFrom[GradeFigures]):
    """One grade's figures (``grade`` ``all`` for the whole campaign)."""

    grade: str = prop(STRING)
    students: int = prop(COUNT)
    devices_out: int = prop(COUNT | {"description": "devices held now, in RT"})
    returned: int = prop(COUNT | {"description": "check-ins and manual check-ins"})
    outstanding: int = prop(COUNT)
    students_returned: int = prop(COUNT)
    students_outstanding: int = prop(COUNT)
    completion_rate: float | None = prop({"type": ["number", "null"], "minimum": 0, "maximum": 1})


@frozen
class DayJson:
    """Returns of one grade on one UTC day."""

    day: str = prop({"type": "string", "format": "date"})
    grade: str = prop(STRING)
    returns: int = prop(COUNT)

    @classmethod
    def of(cls, d: DayCount) -> DayJson:
        return answer_of(cls, d, day=d.day.isoformat())


@frozen
class CampaignJson:
    """The campaign's figures: counts only, no student (a viewer may read them)."""

    year: int = prop({"type": "integer"})
    since: datetime = prop(TIME)
    until: datetime = prop(TIME)
    grades: list[GradeJson] = prop(list_of("ReturnGrade"))
    total: GradeJson = prop(ref("ReturnGrade"))
    days: list[DayJson] = prop(list_of("ReturnDay"))
    unlinked: int = prop(COUNT)

    @classmethod
    def of(cls, c: Campaign) -> CampaignJson:
        grades = [GradeJson.of(g) for g in c.grades]
        days = [DayJson.of(d) for d in c.days]
        return answer_of(cls, c, grades=grades, total=GradeJson.of(c.total), days=days)


@frozen
class DeviceJson:
    """A device a student holds now."""

    asset_id: int = prop({"type": "integer"})
    tag: str = prop(STRING)
    status: str = prop(STRING)
    covered: bool = prop({"type": "boolean", "description": "cleared by a manual check-in"})


@frozen
class StudentJson:
    """A student of the roster and where they stand in the campaign."""

    student_id: str = prop(STRING)
    first_name: str = prop(STRING)
    last_name: str = prop(STRING)
    grade: str = prop(STRING)
    rt_user: str = prop(STRING)
    linked_user: str | None = prop({"type": ["string", "null"]})
    state: str = prop({"type": "string", "enum": list(RETURN_STATES)})
    devices_out: int = prop(COUNT)
    returned: int = prop(COUNT)
    outstanding: int = prop(COUNT)

    @classmethod
    def of(cls, line: StudentReturn) -> StudentJson:
        s = line.student
        return cls(
            s.student_id,
            s.first_name,
            s.last_name,
            s.grade,
            s.rt_user,
            s.user_name or None,
            line.state,
            len(line.held),
            line.returned,
            len(line.outstanding),
        )


@frozen
class StudentListJson:
    """Students of the campaign, filtered."""

    year: int = prop({"type": "integer"})
    students: list[StudentJson] = prop(list_of("Student"))
    count: int = prop(COUNT)


@frozen
class LoanEntryJson(FieldsFrom[LoanEvent]):
    """One loan log event of the student's RT user."""

    id: int = prop({"type": "integer"})
    at: datetime = prop(TIME)
    action: str = prop(STRING)
    asset_id: int = prop({"type": "integer"})
    tag: str = prop(STRING)
    operator: str = prop(STRING)


@frozen
class ManualJson:
    """A manual check-in, or the entry undoing one (``kind`` ``undo``)."""

    id: int = prop({"type": "integer"})
    at: datetime = prop(TIME)
    kind: str = prop({"type": "string", "enum": [*MANUAL_KINDS, "undo"]})
    student_id: str = prop(STRING)
    reason: str = prop(STRING)
    asset_id: int | None = prop({"type": ["integer", "null"]})
    tag: str = prop(STRING)
    operator: str = prop(STRING)
    undoes: int | None = prop({"type": ["integer", "null"]})
    active: bool = prop({"type": "boolean", "description": "a check-in not undone"})

    @classmethod
    def of(cls, m: ManualEvent, active: bool = False) -> ManualJson:
        return answer_of(cls, m, active=active)


@frozen
class StudentDetailJson:
    """A student, the devices held now, the loan log and the manual entries."""

    year: int = prop({"type": "integer"})
    student: StudentJson = prop(ref("Student"))
    devices: list[DeviceJson] = prop(list_of("StudentDevice"))
    loans: list[LoanEntryJson] = prop(list_of("StudentLoanEntry"))
    manual: list[ManualJson] = prop(list_of("ManualCheckIn"))

    @classmethod
    def of(cls, year: int, h: StudentHistory) -> StudentDetailJson:
        line = h.entry
        out = {a.id for a in line.outstanding}
        active = {m.id for m in line.manual}
        return cls(
            year,
            StudentJson.of(line),
            [DeviceJson(a.id, a.name, a.status, a.id not in out) for a in line.held],
            [LoanEntryJson.of(e) for e in h.events],
            [ManualJson.of(m, m.id in active) for m in h.manual_events],
        )


SCHEMAS: dict[str, Any] = {
    "RosterBadRow": object_schema(BadRowJson),
    "RosterImport": object_schema(ImportJson),
    "ReturnGrade": object_schema(GradeJson),
    "ReturnDay": object_schema(DayJson),
    "ReturnCampaign": object_schema(CampaignJson),
    "Student": object_schema(StudentJson),
    "StudentList": object_schema(StudentListJson),
    "StudentDevice": object_schema(DeviceJson),
    "StudentLoanEntry": object_schema(LoanEntryJson),
    "ManualCheckIn": object_schema(ManualJson),
    "StudentDetail": object_schema(StudentDetailJson),
}

# -- query arguments ---------------------------------------------------------------------


def school_year(args: Mapping[str, str], starts_month: int, today: date | None = None) -> int:
    """``year`` from the query, else the school year of today."""
    if "year" not in args:
        return school_year_of(today or datetime.now(UTC).date(), starts_month)
    year = whole_number(args["year"], "year")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(f"year must be from {FIRST_YEAR} to {LAST_YEAR}, not {year}")
    return year


@frozen
class StudentFilter:
    grade: str | None = None
    state: str | None = None
    text: str | None = None


def student_filter(args: Mapping[str, str], *, blank_is_any: bool = False) -> StudentFilter:
    """``grade``, ``state`` and ``q`` from the query; an empty one is wrong in the API and
    means "any" in the desk's form (``blank_is_any``)."""
    values: dict[str, str | None] = {}
    for name in ("grade", "state"):
        raw = args.get(name)
        if raw is not None and not raw.strip() and not blank_is_any:
            raise InvalidInput(f"{name} may not be empty; leave it out for any")
        values[name] = (raw or "").strip() or None
    state = values["state"]
    if state is not None and state not in RETURN_STATES:
        raise InvalidInput(f"state must be one of {', '.join(RETURN_STATES)}, not {state!r}")
    grade = args.get("grade") if values["grade"] else None
    if grade is not None and grade not in GRADE_NAMES:  # as spelled in the OpenAPI enum
        raise InvalidInput(f"grade must be one of {', '.join(GRADE_NAMES)}, not {shown(grade)}")
    return StudentFilter(grade, state, (args.get("q") or "").strip() or None)
