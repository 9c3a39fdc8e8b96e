"""JSON API: the roster, the return campaign, manual check-ins and the CSV exports.

Student data needs the operator role; the campaign's figures (counts only) a viewer may read.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from rtutils_core.returns.export import campaign_csv, history_csv, outstanding_csv
from rtutils_core.students.user_fields_sync import start_user_field_sync
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.answers import to_json
from rtutils_web.http.bodies import json_body, parse_body
from rtutils_web.http.headers import content_disposition
from rtutils_web.http.query import takes_query
from rtutils_web.students.field_sync import FieldSyncBody, FieldSyncJobJson, FieldSyncReportJson
from rtutils_web.students.schema import (
    CampaignJson,
    ImportBody,
    ImportJson,
    ManualBody,
    ManualJson,
    StudentDetailJson,
    StudentJson,
    StudentListJson,
    UndoBody,
    school_year,
    student_filter,
)

bp = Blueprint("api_students", __name__, url_prefix="/api/v1")


def _year() -> int:
    return school_year(request.args, services.returns().options.year_starts_month)


def _csv(text: str, name: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = content_disposition("attachment", name)
    return response


@bp.get("/students")
@requires("operator")
@takes_query("year", "grade", "state", "q")
def students() -> Response:
    """The campaign's students, filtered by ``grade``, ``state`` and text ``q``."""
    year = _year()
    wanted = student_filter(request.args)
    found = services.returns().students(
        year, grade=wanted.grade, state=wanted.state, text=wanted.text
    )
    answer = StudentListJson(year, [StudentJson.of(x) for x in found], len(found))
    return jsonify(to_json(answer))


@bp.get("/students/<student_id>")
@requires("operator")
@takes_query("year")
def student(student_id: str) -> Response:
    """A student, the devices held now, the loan log and the manual entries."""
    year = _year()
    return jsonify(
        to_json(StudentDetailJson.of(year, services.returns().student(year, student_id)))
    )


@bp.get("/students/<student_id>/history.csv")
@requires("operator")
@takes_query("year")
def student_history(student_id: str) -> Response:
    """A student's loan log and manual entries as CSV."""
    history = services.returns().student(_year(), student_id)
    return _csv(history_csv(history), f"student-{student_id}-history.csv")


@bp.post("/students")
@requires("admin")
def import_roster() -> Response:
    """Import a roster file (a dry run unless ``dry_run`` is false)."""
    body = parse_body(json_body(), ImportBody)
    report = services.roster().import_roster(
        body.csv, dry_run=body.dry_run, remove_missing=body.remove_missing
    )
    return jsonify(to_json(ImportJson.of(report)))


@bp.post("/students/user-fields-sync")
@requires("admin")
def sync_user_fields() -> tuple[Response, int, dict[str, str]]:
    """Write the roster's ids and graduation years to RT users: 202 with the queued job,
    409 while one is queued or running; a dry run answers 200 with what would change."""
    body = parse_body(json_body(), FieldSyncBody)
    year = body.school_year(school_year({}, services.returns().options.year_starts_month))
    if body.dry_run:
        report = services.user_field_sync().run(year, dry_run=True)
        return jsonify(to_json(FieldSyncReportJson.of(report))), 200, {}
    job = start_user_field_sync(services.jobs(), year)
    location = url_for("api_jobs.job", job_id=job.id)
    return jsonify(to_json(FieldSyncJobJson.of(job, year))), 202, {"Location": location}


@bp.post("/students/<student_id>/manual-checkins")
@requires("operator")
def manual_check_in(student_id: str) -> tuple[Response, int]:
    """Record a manual check-in (no device, lost, paid for) with its reason."""
    body = parse_body(json_body(), ManualBody)
    event = services.returns().check_in_manually(
        student_id,
        body.kind,
        body.reason,
        asset_id=body.asset_id,
        operator=services.actor(),
        request_id=services.request_id(),
    )
    return jsonify(to_json(ManualJson.of(event, active=True))), 201


@bp.post("/students/<student_id>/manual-checkins/<int:manual_id>/undo")
@requires("operator")
def undo_manual(student_id: str, manual_id: int) -> tuple[Response, int]:
    """Take a manual check-in back (an entry of its own; nothing is deleted)."""
    body = parse_body(json_body(), UndoBody)
    event = services.returns().undo_manual(
        student_id,
        manual_id,
        body.reason,
        operator=services.actor(),
        request_id=services.request_id(),
    )
    return jsonify(to_json(ManualJson.of(event))), 201


@bp.get("/returns")
@requires("viewer")
@takes_query("year")
def campaign() -> Response:
    """The campaign's figures per grade and day: counts only."""
    return jsonify(to_json(CampaignJson.of(services.returns().campaign(_year()))))


@bp.get("/returns/outstanding.csv")
@requires("operator")
@takes_query("year")
def outstanding() -> Response:
    """Every device still out, grade by grade, as CSV."""
    year = _year()
    return _csv(
        outstanding_csv(services.returns().campaign(year, days=0)), f"outstanding-{year}.csv"
    )


@bp.get("/returns/campaign.csv")
@requires("operator")
@takes_query("year")
def whole_campaign() -> Response:
    """Every student's state and counts, as CSV."""
    year = _year()
    return _csv(campaign_csv(services.returns().campaign(year, days=0)), f"returns-{year}.csv")
