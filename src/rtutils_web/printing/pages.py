"""Desk pages for printing: choose this browser's printer, send labels to it, watch the job.

The chosen printer is remembered per browser in a cookie; the asset page and the batch page
show a "send to printer" form (``printing/print_form.html``) when printers are configured.
Each form works without script; ``static/printing.js`` (see its header, and
``docs/printing.md``) drives the same routes from any desk page: asked for JSON
(``Accept: application/json``), they answer JSON instead of a redirect.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rtutils_core.errors import InvalidInput, RtutilsError
from rtutils_core.printing.print_jobs import PrintJob
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.answers import to_json
from rtutils_web.http.batch_form import form_selection
from rtutils_web.http.errors import status_for, wants_json
from rtutils_web.http.redirects import safe_next
from rtutils_web.printing.schema import PrinterJson, PrintJobJson

bp = Blueprint("pages_printing", __name__)
COOKIE = "rtutils_printer"
YEAR = 365 * 24 * 3600


def chosen_printer() -> str:
    """This browser's printer: the cookie's, if it is still configured, else the first."""
    names = [config.name for config in services.printing().configs()]
    wanted = request.cookies.get(COOKIE, "")
    return wanted if wanted in names else (names[0] if names else "")


@bp.app_context_processor
def _printing_context() -> dict[str, Any]:
    # For the print forms on other features' pages (asset page, batch page).
    def printers() -> list[str]:
        return [config.name for config in services.printing().configs()]

    return {"printer_names": printers, "chosen_printer": chosen_printer}


@bp.get("/printing/printers")
@requires("operator")
def printers() -> Response:
    """JSON for the chooser: the printers, and this browser's."""
    found = [to_json(PrinterJson.of(config)) for config in services.printing().configs()]
    return jsonify({"printers": found, "chosen": chosen_printer()})


def _remember(response: Response, printer: str) -> Response:
    response.set_cookie(COOKIE, printer, max_age=YEAR, samesite="Lax", httponly=True)
    return response


@bp.post("/printing/printer")
@requires("operator")
def choose() -> Response:
    """Remember the printer for this browser, then go back where the form was."""
    printer = request.form.get("printer", "")
    if wants_json():
        services.printing().printer(printer)  # an unknown name is a 404, not remembered
        return _remember(Response(status=204), printer)
    return _remember(redirect(safe_next(request.form.get("next"), "/")), printer)


def _job_answer(job: PrintJob) -> Response:
    """The job as the API shows it (202), for script; else the job page."""
    if wants_json():
        response = jsonify(to_json(PrintJobJson.of(job)))
        response.status_code = 202
        return response
    return redirect(url_for("pages_printing.job", job_id=job.id))


def _copies() -> int:
    raw = request.form.get("copies") or "1"
    if not raw.isdigit():
        raise InvalidInput("copies must be a number")
    return int(raw)


@bp.post("/printing/print")
@requires("operator")
def print_labels() -> Response | tuple[str, int]:
    """Send the form's labels (tags, asset ids or a search) to the chosen printer."""
    printer = request.form.get("printer") or chosen_printer()
    try:
        job = services.printing().submit(
            printer, form_selection(request.form), copies=_copies(), actor=services.actor()
        )
    except RtutilsError as error:
        if wants_json():
            raise  # the JSON error, as the API gives it
        page = render_template("printing/job.html", job=None, error=error.message)
        return page, status_for(error)
    services.print_sender().enqueue(job)
    return _remember(_job_answer(job), printer)


@bp.get("/printing/jobs/<job_id>")
@requires("operator")
def job(job_id: str) -> str:
    """A print job's progress; the page reloads itself until the job is sent or failed."""
    return render_template("printing/job.html", job=services.printing().get(job_id), error="")


@bp.post("/printing/jobs/<job_id>/retry")
@requires("operator")
def retry(job_id: str) -> Response:
    """Send a failed job again from the first label that did not print."""
    job = services.printing().retry(job_id)
    services.print_sender().enqueue(job)
    return _job_answer(job)
