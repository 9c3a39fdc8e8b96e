"""Write each linked student's id and graduation year to their RT user's custom fields.

A dry run first says what would change; a run writes only values that differ, one user at
a time, each write paced by ``pace`` (the service's rate limit) and read back, since RT
answers 200 to a custom field write it did not make. Logs carry student ids only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import attrs

from rtutils_core.errors import BackendRejected, InvalidInput, JobConflict, RtutilsError
from rtutils_core.jobs import Job, JobContext, JobKind, JsonValue
from rtutils_core.jobs.service import ACTIVE, JobService
from rtutils_core.students.ports import Roster, UserFieldBackend
from rtutils_core.students.user_fields import UserFieldChange, UserFieldOptions, UserFieldReport
from rtutils_core.students.values import Student, graduation_year

log = logging.getLogger("rtutils.user_fields")

#: The job kind of the sync (``request-tracker-utils students sync-fields`` runs it inline).
KIND = "student-user-fields"


def _no_pace() -> None:
    return None


class UserFieldSync:
    """The sync of the roster into RT user custom fields."""

    def __init__(
        self,
        roster: Roster,
        backend: UserFieldBackend,
        options: UserFieldOptions | None = None,
        pace: Callable[[], None] = _no_pace,
    ) -> None:
        self.roster = roster
        self.backend = backend
        self.options = options or UserFieldOptions()
        self.pace = pace

    def wanted(self, student: Student, year: int) -> dict[str, str]:
        """The values the student's RT user should have in school ``year``."""
        return {
            self.options.student_id_field: student.student_id,
            self.options.graduation_year_field: str(graduation_year(student.grade, year)),
        }

    def run(
        self,
        year: int,
        *,
        dry_run: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> UserFieldReport:
        """Compare every linked student's user with the roster; write what differs unless
        ``dry_run``. A failed write is reported on its line; the others go on.
        ``progress(done, total)`` hears of every student."""
        changes: list[UserFieldChange] = []
        unchanged = unlinked = 0
        students = self.roster.students()
        for done, student in enumerate(students, 1):
            if progress is not None:
                progress(done, len(students))
            if student.user_id is None:
                unlinked += 1
                continue
            wanted = self.wanted(student, year)
            current = self.backend.read_user_fields(student.user_id)
            differs = {k: v for k, v in wanted.items() if (current.get(k) or "") != v}
            if not differs:
                unchanged += 1
                continue
            before = {k: current.get(k) or "" for k in differs}
            change = UserFieldChange(student.student_id, student.user_id, differs, before)
            if not dry_run:
                change = self._write(change)
            changes.append(change)
        report = UserFieldReport(dry_run, year, tuple(changes), unchanged, unlinked)
        log.info("user_fields_synced", extra={"dry_run": dry_run, **report.summary()})
        return report

    def _write(self, change: UserFieldChange) -> UserFieldChange:
        self.pace()
        try:
            self.backend.write_user_fields(change.user_id, change.values)
            stored = self.backend.read_user_fields(change.user_id)
            missing = sorted(k for k, v in change.values.items() if (stored.get(k) or "") != v)
            if missing:
                raise BackendRejected(
                    f"RT did not store {', '.join(missing)} of user {change.user_id}"
                    " (is the custom field applied to users, may these credentials write it?)"
                )
        except RtutilsError as error:
            log.warning(
                "user_fields_failed",
                extra={"student_id": change.student_id, "code": error.code},
            )
            return attrs.evolve(change, error=error.message)
        return change

    def job_kind(self) -> JobKind:
        """The job kind :data:`KIND`, params ``{"year": 2027, "dry_run": false}``; resumable,
        since a run writes only what still differs."""
        return JobKind(KIND, self._job, True)

    def _job(self, ctx: JobContext) -> JsonValue:
        params = ctx.params if isinstance(ctx.params, dict) else {}
        year, dry_run = params.get("year"), params.get("dry_run", True)
        if not isinstance(year, int) or isinstance(year, bool) or not isinstance(dry_run, bool):
            raise InvalidInput('the job needs {"year": <school year>, "dry_run": true|false}')
        report = self.run(year, dry_run=dry_run, progress=ctx.progress)
        return {
            "year": year,
            "dry_run": dry_run,
            **report.summary(),
            "failed_students": [c.student_id for c in report.failures],
        }


def start_user_field_sync(jobs: JobService, year: int) -> Job:
    """Queue a real run for school ``year``; :class:`JobConflict` while one is queued or
    running (two runs would write the same users at twice the rate limit)."""
    active = jobs.list(kind=KIND, states=ACTIVE, limit=1)
    if active:
        raise JobConflict(
            f"a user field sync is {active[0].state} already (job {active[0].id}); wait for it"
        )
    return jobs.submit(KIND, {"year": year, "dry_run": False})
