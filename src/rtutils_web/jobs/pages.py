"""The desk's jobs page: what runs in the background, and how it went."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rtutils_core.errors import InvalidInput, RtutilsError
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.query import takes_query
from rtutils_web.jobs.api import queue_google_sync
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
        page = render_template(
            "jobs/jobs.html", jobs=[], states=STATES, error=error.message, google=_google()
        )
        return page, 400
    found = services.jobs().list(kind=wanted.kind, states=wanted.states, limit=wanted.limit)
    page = render_template(
        "jobs/jobs.html", jobs=found, states=STATES, error=None, google=_google()
    )
    return page, 200


def _google() -> bool:
    """Whether the Google sync is set up (its button shows)."""
    settings = services.settings()
    return settings.google_service_account_file is not None and bool(settings.google_admin_subject)


@bp.post("/jobs/google-sync")
@requires("admin")
def start_google_sync() -> Response:
    """Queue a Google sync run, then show the sync's jobs (with its progress)."""
    try:
        queue_google_sync()
    except RtutilsError as error:
        flash(error.message, "error")
    return redirect(url_for("pages_jobs.jobs", kind="google-sync"))
