"""The desk's jobs page: what runs in the background, and how it went."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from rtutils_core.errors import InvalidInput
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.query import takes_query
from rtutils_web.jobs.schema import STATES, job_filter

bp = Blueprint("pages_jobs", __name__)


@bp.get("/jobs")
@requires("operator")
@takes_query("kind", "state", "limit")
def jobs() -> tuple[str, int]:
    """The newest jobs, optionally of one kind or state."""
    try:
        wanted = job_filter(request.args, blank_state=True)
    except InvalidInput as error:
        page = render_template("jobs/jobs.html", jobs=[], states=STATES, error=error.message)
        return page, 400
    found = (
        services.container()
        .job_service()
        .list(kind=wanted.kind, states=wanted.states, limit=wanted.limit)
    )
    return render_template("jobs/jobs.html", jobs=found, states=STATES, error=None), 200
