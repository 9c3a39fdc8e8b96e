"""Desk pages for printing: choose this browser's printer, send labels to it, watch the job.

The chosen printer is remembered per browser in a cookie; the asset page and the batch page
show a "send to printer" form (``printing/print_form.html``) when printers are configured.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rtutils_core.batches import BatchSelection
from rtutils_core.errors import RtutilsError
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.errors import status_for

bp = Blueprint("pages_printing", __name__)
COOKIE = "rtutils_printer"
#: A pasted list of tags, as on the batch page: new lines, commas, semicolons or spaces.
_SEPARATORS = re.compile(r"[\s,;]+")
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


@bp.post("/printing/printer")
@requires("operator")
def choose() -> Response:
    """Remember the printer for this browser, then go back where the form was."""
    back = request.form.get("next", "")
    response = redirect(back if back.startswith("/") and not back.startswith("//") else "/")
    response.set_cookie(
        COOKIE, request.form.get("printer", ""), max_age=YEAR, samesite="Lax", httponly=True
    )
    return response


@bp.post("/printing/print")
@requires("operator")
def print_labels() -> Response | tuple[str, int]:
    """Send the form's tags (or one asset) to the chosen printer; show the job."""
    printer = request.form.get("printer") or chosen_printer()
    tags = [t for t in _SEPARATORS.split(request.form.get("tags", "")) if t]
    asset_id = request.form.get("asset_id", "")
    selection = BatchSelection(asset_ids=(int(asset_id),)) if asset_id.isdigit() else None
    try:
        job = services.printing().submit(
            printer,
            selection or BatchSelection(tags=tags),
            copies=int(request.form.get("copies") or 1),
            actor=services.actor(),
        )
    except (RtutilsError, ValueError) as error:
        message = error.message if isinstance(error, RtutilsError) else "copies must be a number"
        status = status_for(error) if isinstance(error, RtutilsError) else 400
        return render_template("printing/job.html", job=None, error=message), status
    services.print_sender().enqueue(job)
    response = redirect(url_for("pages_printing.job", job_id=job.id))
    response.set_cookie(COOKIE, printer, max_age=YEAR, samesite="Lax", httponly=True)
    return response


@bp.get("/printing/jobs/<job_id>")
@requires("operator")
def job(job_id: str) -> str:
    """A print job's progress; the page reloads itself until the job is sent or failed."""
    return render_template("printing/job.html", job=services.printing().get(job_id), error="")


@bp.post("/printing/jobs/<job_id>/retry")
@requires("operator")
def retry(job_id: str) -> Response:
    """Send a failed job again from the first label that did not print."""
    services.print_sender().enqueue(services.printing().retry(job_id))
    return redirect(url_for("pages_printing.job", job_id=job_id))
