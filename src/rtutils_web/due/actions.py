"""What the API and the pages do alike: read the overdue list, plan and queue notices."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from rtutils_core.due import NoticePlan, jobs as due_jobs
from rtutils_core.jobs import Job
from rtutils_core.students import school_year_of
from rtutils_web import services
from rtutils_web.access.people import refuse_person_filter
from rtutils_web.due.schema import OverdueJson, due_query
from rtutils_web.logs import get_logger

log = get_logger("rtutils.due")


def overdue(args: MultiDict[str, str], shown: bool) -> tuple[OverdueJson, list[object]]:
    """The overdue list for the query ``args``: its answer and its lines."""
    query = due_query(args)
    refuse_person_filter(["person"] if query.person else [])
    due = services.due()
    lines = due.due_list(query)
    answer = OverdueJson.of(lines, due.today(), due.dates.soon_days, shown)
    return answer, list(lines)


def this_year() -> int:
    return school_year_of(services.due().today(), services.returns().options.year_starts_month)


def plan(kind: str, year: int | None) -> NoticePlan:
    """A dry run: tonight's notices (``due``) or a campaign's."""
    due = services.due()
    return due.plan_loans() if kind == "due" else due.plan_campaign(year or this_year())


def queue(kind: str, year: int | None) -> Job:
    """Queue the notices of ``kind`` for the job worker."""
    jobs = services.jobs()
    if kind == "due":
        job = jobs.submit(due_jobs.NIGHTLY)
    else:
        job = jobs.submit(due_jobs.CAMPAIGN, {"year": year or this_year()})
    log.info("notices_queued", job_id=job.id, kind=job.kind)
    return job
