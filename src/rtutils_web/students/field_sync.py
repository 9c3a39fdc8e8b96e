"""The RT user-field sync in the API: its body, the dry run's report and the queued job.

Student ids, RT user ids and the written values only: no names.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from attrs import frozen

from rtutils_core.jobs import Job
from rtutils_core.returns import FIRST_YEAR, LAST_YEAR
from rtutils_core.students.user_fields import UserFieldChange, UserFieldReport
from rtutils_web.http.answers import answer_of, list_of, object_schema, prop
from rtutils_web.http.properties import COUNT

_VALUES = {"type": "object", "additionalProperties": {"type": "string"}}


@frozen
class FieldSyncBody:
    """Which school year to sync (default: this one), and whether only to look."""

    SCHEMA: ClassVar[dict[str, Any]] = {"example": {"dry_run": True}}

    year: int | None = prop(
        {
            "type": ["integer", "null"],
            "minimum": FIRST_YEAR,
            "maximum": LAST_YEAR,
            "description": "the school year, named by the year it ends in (null: this one)",
        },
        default=None,
    )
    dry_run: bool = prop({"type": "boolean", "default": False}, default=False)

    def school_year(self, this_year: int) -> int:
        """The year asked for (its range checked by the body's schema), else ``this_year``."""
        return this_year if self.year is None else self.year


@frozen
class FieldChangeJson:
    """What differs on one student's RT user: the values wanted and the ones there now."""

    student_id: str = prop({"type": "string"})
    user_id: int = prop({"type": "integer"})
    values: dict[str, str] = prop(_VALUES)
    before: dict[str, str] = prop(_VALUES)

    @classmethod
    def of(cls, c: UserFieldChange) -> FieldChangeJson:
        return answer_of(cls, c, values=dict(c.values), before=dict(c.before))


@frozen
class FieldSyncReportJson:
    """A dry run: every student whose RT user would change, by student id; nothing written."""

    dry_run: bool = prop({"type": "boolean"})
    year: int = prop({"type": "integer"})
    changes: list[FieldChangeJson] = prop(list_of("UserFieldChange"))
    unchanged: int = prop(COUNT)
    unlinked: int = prop({**COUNT, "description": "students with no RT user"})

    @classmethod
    def of(cls, r: UserFieldReport) -> FieldSyncReportJson:
        return answer_of(cls, r, changes=[FieldChangeJson.of(c) for c in r.changes])


@frozen
class FieldSyncJobJson:
    """The queued sync; ``GET /api/v1/jobs/{id}`` (the ``Location``) follows it."""

    id: str = prop({"type": "string"})
    kind: str = prop({"type": "string"})
    state: str = prop({"type": "string"})
    year: int = prop({"type": "integer"})
    created: datetime = prop({"type": "string", "format": "date-time"})

    @classmethod
    def of(cls, job: Job, year: int) -> FieldSyncJobJson:
        return answer_of(cls, job, year=year)


FIELD_SYNC_SCHEMAS: dict[str, Any] = {
    "UserFieldChange": object_schema(FieldChangeJson),
    "UserFieldSyncReport": object_schema(FieldSyncReportJson),
    "UserFieldSyncJob": object_schema(FieldSyncJobJson),
}
