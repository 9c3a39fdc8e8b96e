"""JSON API of due dates: the overdue list (a viewer reads counts), its CSV, and the notices'
dry run and queued runs (operators: they name people)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from rtutils_core.due.export import overdue_csv
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.access.people import people_shown
from rtutils_web.due import actions
from rtutils_web.due.schema import NoticeJobJson, NoticePlanJson, NoticeRunBody, due_query
from rtutils_web.http.answers import to_json
from rtutils_web.http.bodies import json_body, parse_body
from rtutils_web.http.query import takes_query

bp = Blueprint("api_due", __name__, url_prefix="/api/v1")
FILTERS = ("state", "grade", "person", "catalog")


@bp.get("/loans/overdue")
@takes_query(*FILTERS)
def overdue() -> Response:
    """Loans overdue or due soon (or the states asked), earliest due first."""
    answer, _ = actions.overdue(request.args, people_shown())
    return jsonify(to_json(answer))


@bp.get("/loans/overdue.csv")
@requires("operator")
@takes_query(*FILTERS)
def overdue_as_csv() -> Response:
    """The overdue list as CSV, one row per device."""
    lines = services.due().due_list(due_query(request.args))
    return Response(
        overdue_csv(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="overdue.csv"'},
    )


@bp.post("/notices/runs")
@requires("operator")
def run_notices() -> tuple[Response, int, dict[str, str]]:
    """Queue tonight's notices or a campaign's (202 with the job); a dry run answers 200 with
    who would get what and sends nothing."""
    body = parse_body(json_body(), NoticeRunBody)
    if body.dry_run:
        return jsonify(to_json(NoticePlanJson.of(actions.plan(body.kind, body.year)))), 200, {}
    job = actions.queue(body.kind, body.year)
    location = url_for("api_jobs.job", job_id=job.id)
    return jsonify(to_json(NoticeJobJson.of(job))), 202, {"Location": location}
