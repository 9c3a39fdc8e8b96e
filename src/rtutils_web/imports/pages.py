"""The desk's CSV import page: upload a file, see the dry run's report, start the import and
watch its progress bar (the page reloads itself until the job ends, and a reload of the
browser finds the job again by its URL)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from rtutils_core.errors import RtutilsError
from rtutils_core.imports.jobs import KIND
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.errors import status_for
from rtutils_web.imports.api import import_json
from rtutils_web.imports.upload import uploaded_csv

bp = Blueprint("pages_imports", __name__)
RECENT = 10


def _page(status: int = 200, **context: object) -> tuple[str, int]:
    recent = services.jobs().list(kind=KIND, limit=RECENT)
    values = {"report": None, "error": "", "recent": recent, **context}
    return render_template("imports/import.html", **values), status


@bp.get("/intake/import")
@requires("operator")
def upload() -> tuple[str, int]:
    """The upload form and the latest imports."""
    return _page()


@bp.post("/intake/import")
@requires("operator")
def check_or_start() -> Response | tuple[str, int]:
    """``action=check``: the dry run's report; ``action=import``: start it, show its job."""
    try:
        text = uploaded_csv()
        if request.form.get("action") == "import":
            job = services.imports().submit(text, actor=services.actor())
            return redirect(url_for("pages_imports.progress", job_id=job.id), 303)
        return _page(report=services.imports().dry_run(text))
    except RtutilsError as error:
        return _page(status_for(error), error=error.message)
    except HTTPException as error:
        return _page(error.code or 400, error=error.description or error.name)


@bp.get("/intake/import/<job_id>")
@requires("operator")
def progress(job_id: str) -> str:
    """One import's progress bar, counts, pace and time left; its result file once done."""
    return render_template("imports/progress.html", job=import_json(job_id))
