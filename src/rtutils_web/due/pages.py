"""Desk pages of due dates: the overdue list, and the notices (a dry run, and the buttons that
send them). Names and addresses show on these pages for operators; logs carry ids only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rtutils_core.errors import RtutilsError
from rtutils_core.loans.due import DUE_STATES
from rtutils_core.students import GRADE_NAMES
from rtutils_web.access.auth import requires
from rtutils_web.due import actions
from rtutils_web.http.errors import status_for
from rtutils_web.http.query import takes_query

bp = Blueprint("pages_due", __name__)


@bp.get("/desk/overdue")
@requires("operator")
@takes_query("state", "grade", "person", "catalog")
def overdue() -> tuple[str, int]:
    """The overdue list, with its filters and its CSV."""
    context: dict[str, object] = {"grades": list(GRADE_NAMES), "states": DUE_STATES}
    try:
        answer, lines = actions.overdue(request.args, shown=True)
    except RtutilsError as error:
        context["error"] = error.message
        return render_template("due/overdue.html", answer=None, lines=[], **context), status_for(
            error
        )
    return render_template("due/overdue.html", answer=answer, lines=lines, **context), 200


@bp.get("/desk/notices")
@requires("operator")
@takes_query("kind", "year")
def notices() -> tuple[str, int]:
    """Who would get what tonight (or in a campaign): nothing is sent from this page's view."""
    kind = "campaign" if request.args.get("kind") == "campaign" else "due"
    year_text = request.args.get("year", "")
    try:
        year = int(year_text) if year_text else actions.this_year()
        plan = actions.plan(kind, year)
    except (ValueError, RtutilsError) as error:
        message = getattr(error, "message", f"year must be a whole number, not {year_text!r}")
        status = status_for(error) if isinstance(error, RtutilsError) else 400
        return render_template("due/notices.html", plan=None, kind=kind, error=message), status
    return render_template("due/notices.html", plan=plan, kind=kind, year=year), 200


@bp.post("/desk/notices")
@requires("operator")
def send_notices() -> Response:
    """The page's button: queue the notices it showed."""
    kind = "campaign" if request.form.get("kind") == "campaign" else "due"
    year_text = request.form.get("year", "")
    try:
        job = actions.queue(kind, int(year_text) if year_text.isdigit() else None)
    except RtutilsError as error:
        flash(f"Not queued: {error.message}", "error")
        return redirect(url_for("pages_due.notices", kind=kind))
    flash(f"Queued as job {job.id}: the notices go out as the worker sends them.", "ok")
    return redirect(url_for("pages_jobs.jobs"))
