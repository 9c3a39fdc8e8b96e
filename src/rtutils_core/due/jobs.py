"""The notices as jobs of the job system: the nightly run, a receipt, a campaign, the outbox.

Every kind is resumable: a run records its notices before it sends them, and the claim of
a notice names the job, so the job resumed after a crash sends what was not sent yet and
nothing twice. The day a run is for is kept in its checkpoint: a run resumed after
midnight finishes the day it started. Results hold counts and ids, never names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rtutils_core.due.service import DueService
from rtutils_core.due.values import Notice, NoticePlan, SendReport
from rtutils_core.errors import InvalidInput
from rtutils_core.jobs import Job, JobContext, JobKind, JsonValue
from rtutils_core.jobs.service import JobService

NIGHTLY = "due-notices"
RECEIPT = "due-receipt"
CAMPAIGN = "due-campaign"
OUTBOX = "mail-outbox"
#: Unreachable people listed in a job's result (by subject); the count is always complete.
RESULT_LISTED = 200


def _day(context: JobContext, fallback: date) -> date:
    """The run's day: its checkpoint's, the parameters', else ``fallback`` (then kept)."""
    saved = context.checkpoint if isinstance(context.checkpoint, dict) else {}
    params = context.params if isinstance(context.params, dict) else {}
    raw = saved.get("day") or params.get("day")
    try:
        day = date.fromisoformat(str(raw)) if raw else fallback
    except ValueError:
        raise InvalidInput(f"the day of a notice run must be YYYY-MM-DD, not {raw!r}") from None
    context.progress(0, checkpoint={"day": day.isoformat()})
    return day


def _whole(context: JobContext, name: str, what: str) -> int:
    params = context.params if isinstance(context.params, dict) else {}
    value = params.get(name)
    if not isinstance(value, int):
        raise InvalidInput(f"{what} needs {name!r}, a whole number")
    return value


def _result(plan: NoticePlan, notices: list[Notice], report: SendReport) -> dict[str, JsonValue]:
    return {
        "day": plan.day.isoformat(),
        "notices": len(notices),
        **report.summary(),
        "failed_ids": list(report.failed),
        "unreachable": len(plan.unreachable),
        "unreachable_subjects": [u.subject for u in plan.unreachable[:RESULT_LISTED]],
    }


def _sending(context: JobContext, service: DueService, plan: NoticePlan) -> JsonValue:
    def progress(done: int, total: int) -> None:
        context.progress(done, total)

    notices, report = service.run(plan, context.job.id, progress)
    return _result(plan, notices, report)


def queue_receipt(jobs: JobService, loan_id: int) -> Job:
    """Queue the receipt of check-out ``loan_id`` for a worker."""
    return jobs.submit(RECEIPT, {"loan_id": loan_id})


def due_job_kinds(service: Callable[[], DueService]) -> list[JobKind]:
    """The four kinds, each building its service when it runs."""

    def nightly(context: JobContext) -> JsonValue:
        due = service()
        return _sending(context, due, due.plan_loans(_day(context, due.today())))

    def receipt(context: JobContext) -> JsonValue:
        due = service()
        loan_id = _whole(context, "loan_id", "a receipt job")
        return _sending(context, due, due.plan_receipt(loan_id, _day(context, due.today())))

    def campaign(context: JobContext) -> JsonValue:
        due = service()
        year = _whole(context, "year", "a campaign notice job")
        return _sending(context, due, due.plan_campaign(year, _day(context, due.today())))

    def outbox(context: JobContext) -> JsonValue:
        report = service().outbox().send_ready(context.job.id, context.progress)
        return dict(report.summary())

    return [
        JobKind(NIGHTLY, nightly, resumable=True),
        JobKind(RECEIPT, receipt, resumable=True),
        JobKind(CAMPAIGN, campaign, resumable=True),
        JobKind(OUTBOX, outbox, resumable=True),
    ]
