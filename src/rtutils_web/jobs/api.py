"""JSON API: one background job, and the list of them."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from rtutils_core.errors import ConfigError, NotConfigured
from rtutils_core.google.service import start_sync
from rtutils_core.jobs import Job
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.answers import to_json
from rtutils_web.http.query import takes_query
from rtutils_web.jobs.schema import JobJson, JobListJson, job_filter

bp = Blueprint("api_jobs", __name__, url_prefix="/api/v1")


@bp.get("/jobs/<job_id>")
@requires("operator")
def job(job_id: str) -> Response:
    """The job's state, progress, result and error (404 ``job_not_found`` if none)."""
    return jsonify(to_json(JobJson.of(services.jobs().get(job_id))))


@bp.get("/jobs")
@requires("operator")
@takes_query("kind", "state", "limit")
def jobs() -> Response:
    """Jobs, newest first, filtered by ``kind`` and ``state``, at most ``limit``."""
    wanted = job_filter(request.args)
    found = services.jobs().list(kind=wanted.kind, states=wanted.states, limit=wanted.limit)
    return jsonify(to_json(JobListJson.of(found)))


@bp.post("/google-sync")
@requires("admin")
def start_google_sync() -> tuple[Response, int, dict[str, str]]:
    """Queue a real Google sync run (202 with the job); 409 while one is queued or running."""
    job = queue_google_sync()
    location = url_for("api_jobs.job", job_id=job.id)
    return jsonify(to_json(JobJson.of(job))), 202, {"Location": location}


def queue_google_sync() -> Job:
    """Queue a Google sync run (the API's and the jobs page's): :class:`NotConfigured` (404)
    unless the settings it needs are there, checked before anything is queued."""
    try:
        services.google_sync()  # the settings it needs, checked before queueing
    except ConfigError as error:
        raise NotConfigured(f"the Google sync is off: {error.message}") from None
    return start_sync(services.jobs())
