"""The audits' job kinds: the write of ``Last Audited`` after an audit is finished, and the
classification of scans kept pending while RT could not be reached."""

from __future__ import annotations

from collections.abc import Callable

from rtutils_core.audits.service import AuditService
from rtutils_core.errors import InvalidInput
from rtutils_core.jobs import Job, JobContext, JobKind, JsonValue
from rtutils_core.jobs.service import JobService

#: The job kind that writes ``Last Audited`` after an audit is finished.
KIND = "audit-write"
#: The job kind that classifies the scans kept pending while RT could not be reached
#: (submitted by its schedule while any wait).
RESOLVE = "audit-resolve"


def audit_write_job_kind(service: Callable[[], AuditService]) -> JobKind:
    """The ``audit-write`` job: params ``{"audit_id": 3, "operator": "..."}``; its progress
    the present devices checked of all, its result the counts and the refused writes.
    Resumable: it writes only what still differs, so a run again writes the rest."""

    def run(context: JobContext) -> JsonValue:
        params = context.params if isinstance(context.params, dict) else {}
        audit_id, operator = params.get("audit_id"), params.get("operator", "")
        if not isinstance(audit_id, int) or isinstance(audit_id, bool):
            raise InvalidInput('the job needs {"audit_id": <audit id>}')
        report = service().write_audited(
            audit_id, operator=str(operator), progress=context.progress
        )
        return {
            "audit_id": audit_id,
            "day": report.day.isoformat(),
            "written": len(report.written),
            "unchanged": len(report.unchanged),
            "failed": [{"asset_id": i, "message": m} for i, m in report.failed],
        }

    return JobKind(KIND, run, resumable=True)


def start_audit_write(jobs: JobService, audit_id: int, *, operator: str) -> Job:
    """Queue the write of ``Last Audited`` for a finished audit."""
    return jobs.submit(KIND, {"audit_id": audit_id, "operator": operator})


def audit_resolve_job_kind(service: Callable[[], AuditService]) -> JobKind:
    """The ``audit-resolve`` job: classifies every audit's pending scans while RT answers;
    its result how many were classified and how many still wait. A scan is classified once
    however many runs (or instances) meet it."""

    def run(context: JobContext) -> JsonValue:
        audits = service()
        found = list(audits.pending_audits())
        waiting = [audits.resolve(audit_id) for audit_id in found]
        return {"audits": len(found), "pending": sum(waiting)}

    return JobKind(RESOLVE, run, resumable=True)
