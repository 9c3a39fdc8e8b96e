"""The desk's pages of the return campaign: the dashboard, the student list, a student, and
the roster upload. Names show on pages for operators; logs carry ids only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rtutils_core.errors import InvalidInput, RtutilsError
from rtutils_core.loans.manual_checkins import MANUAL_KINDS
from rtutils_core.returns import RETURN_STATES
from rtutils_core.students import GRADE_NAMES, STUDENT_ID_RULE, ImportReport
from rtutils_core.students.roster_csv import read_roster
from rtutils_core.students.user_fields_sync import KIND as USER_FIELDS_KIND, start_user_field_sync
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.errors import status_for
from rtutils_web.http.query import takes_query
from rtutils_web.students.chart import returns_chart
from rtutils_web.students.schema import school_year, student_filter

bp = Blueprint("pages_students", __name__)

#: Largest roster file the desk's upload takes (the request limit is 1 MiB).
MAX_UPLOAD = 1024 * 1024


def _year() -> int:
    return school_year(request.args, services.returns().options.year_starts_month)


@bp.get("/returns")
@requires("viewer")
@takes_query("year")
def dashboard() -> tuple[str, int]:
    """Figures per grade and the chart of returns over the last days."""
    try:
        campaign = services.returns().campaign(_year())
    except InvalidInput as error:
        return render_template("students/dashboard.html", campaign=None, error=error.message), 400
    chart = returns_chart(campaign.days)
    return render_template("students/dashboard.html", campaign=campaign, chart=chart), 200


@bp.get("/students")
@requires("operator")
@takes_query("year", "grade", "state", "q")
def student_list() -> tuple[str, int]:
    """The campaign's students, filtered by grade, state and text."""
    context: dict[str, object] = {
        "grades": list(GRADE_NAMES),
        "states": RETURN_STATES,
        "students": [],
    }
    try:
        year = _year()
        wanted = student_filter(request.args, blank_is_any=True)
        found = services.returns().students(
            year, grade=wanted.grade, state=wanted.state, text=wanted.text
        )
    except InvalidInput as error:
        return render_template("students/list.html", error=error.message, **context), 400
    context["students"] = found
    return render_template("students/list.html", year=year, error=None, **context), 200


@bp.get("/students/<student_id>")
@requires("operator")
@takes_query("year")
def student(student_id: str) -> tuple[str, int]:
    """A student: devices held now, manual check-ins (record, undo), the loan log."""
    return _student_page(student_id, _year())


def _student_page(student_id: str, year: int, error: RtutilsError | None = None) -> tuple[str, int]:
    history = services.returns().student(year, student_id)
    page = render_template(
        "students/student.html",
        year=year,
        history=history,
        kinds=MANUAL_KINDS,
        error=error.message if error else "",
    )
    return page, status_for(error) if error else 200


def _done(student_id: str, error: RtutilsError | None) -> Response | tuple[str, int]:
    """Back to the student's page; a refused change shows there, with its status."""
    if error is None:
        return redirect(url_for("pages_students.student", student_id=student_id))
    if status_for(error) == 404:
        raise error
    year = school_year({}, services.returns().options.year_starts_month)
    return _student_page(student_id, year, error)


@bp.post("/students/<student_id>/manual")
@requires("operator")
def manual_check_in(student_id: str) -> Response | tuple[str, int]:
    """Record a manual check-in from the student page's form."""
    device = request.form.get("asset_id", "")
    problem = None
    try:
        services.returns().check_in_manually(
            student_id,
            request.form.get("kind", ""),
            request.form.get("reason", ""),
            asset_id=int(device) if device.isdigit() else None,
            operator=services.actor(),
            request_id=services.request_id(),
        )
    except RtutilsError as error:
        problem = error
    else:
        flash(f"Recorded a manual check-in ({request.form.get('kind', '')}).", "ok")
    return _done(student_id, problem)


@bp.post("/students/<student_id>/manual/<int:manual_id>/undo")
@requires("operator")
def undo_manual(student_id: str, manual_id: int) -> Response | tuple[str, int]:
    """Undo a manual check-in from the student page."""
    problem = None
    try:
        services.returns().undo_manual(
            student_id,
            manual_id,
            request.form.get("reason", ""),
            operator=services.actor(),
            request_id=services.request_id(),
        )
    except RtutilsError as error:
        problem = error
    else:
        flash("Undid the manual check-in.", "ok")
    return _done(student_id, problem)


@bp.get("/students/roster")
@requires("admin")
def roster_form() -> str:
    """The roster upload form."""
    return _roster_page(None, None)


def _roster_page(
    report: ImportReport | None,
    error: str | None,
    *,
    names: dict[str, str] | None = None,
    kept: str = "",
) -> str:
    return render_template(
        "students/roster.html",
        id_rule=STUDENT_ID_RULE,
        report=report,
        error=error,
        names=names or {},
        kept=kept,
    )


@bp.post("/students/roster")
@requires("admin")
def roster_upload() -> tuple[str, int]:
    """Import an uploaded roster file, a dry run unless the box says otherwise; after a dry
    run the page keeps the file's text, so the real import needs no second upload."""
    try:
        text = _roster_text()
        roster = services.roster()
        dry_run = request.form.get("apply") != "yes"
        report = roster.import_roster(
            text, dry_run=dry_run, remove_missing=request.form.get("remove_missing") == "yes"
        )
        names = {s.student_id: s.full_name for s in read_roster(text, roster.columns).students}
    except InvalidInput as error:
        return _roster_page(None, error.message), 400
    kept = text if dry_run else ""
    return _roster_page(report, None, names=names, kept=kept), 200


def _roster_text() -> str:
    """The uploaded file's text, or the text a dry run kept in the page."""
    kept = request.form.get("roster_text")
    upload = request.files.get("roster")
    if kept and (upload is None or not upload.filename):
        return kept
    if upload is None or not upload.filename:
        raise InvalidInput("choose the roster file (CSV) to upload")
    raw: bytes = upload.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        raise InvalidInput("the roster file is larger than 1 MiB")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("the roster is not UTF-8 text; save it as UTF-8 CSV") from None


@bp.post("/students/roster/user-fields-sync")
@requires("admin")
def start_user_fields_sync() -> Response:
    """Queue the RT user-field sync for this school year, then show its jobs."""
    year = school_year({}, services.returns().options.year_starts_month)
    try:
        start_user_field_sync(services.jobs(), year)
    except RtutilsError as error:
        flash(error.message, "error")
    return redirect(url_for("pages_jobs.jobs", kind=USER_FIELDS_KIND))
