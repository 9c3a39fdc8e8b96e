"""JSON API: check or submit a CSV import, follow it, fetch its result file."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from rtutils_core.errors import InvalidInput
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.answers import to_json
from rtutils_web.http.headers import content_disposition
from rtutils_web.http.query import takes_query
from rtutils_web.imports.schema import ImportDryRunJson, ImportJson
from rtutils_web.imports.upload import uploaded_csv

bp = Blueprint("api_imports", __name__, url_prefix="/api/v1")


def _flag(name: str) -> bool:
    raw = request.args.get(name, "false").strip().lower()
    if raw not in ("true", "false"):
        raise InvalidInput(f"{name} must be true or false, not {raw[:20]!r}")
    return raw == "true"


def import_json(job_id: str) -> ImportJson:
    """The import ``job_id`` as the API and the desk page show it."""
    url = url_for("api_imports.result_csv", job_id=job_id)
    return ImportJson.of(services.imports().status(job_id), url)


@bp.post("/imports")
@requires("operator")
@takes_query("dry_run")
def submit() -> tuple[Response, int]:
    """``dry_run=true``: every problem by row, nothing changed; else 202 and the job."""
    text = uploaded_csv()
    if _flag("dry_run"):
        return jsonify(to_json(ImportDryRunJson.of(services.imports().dry_run(text)))), 200
    job = services.imports().submit(text, actor=services.actor())
    response = jsonify(to_json(import_json(job.id)))
    response.headers["Location"] = url_for("api_imports.status", job_id=job.id)
    return response, 202


@bp.get("/imports/<job_id>")
@requires("operator")
def status(job_id: str) -> Response:
    """The import's progress: rows done of total, counts, pace and time left."""
    return jsonify(to_json(import_json(job_id)))


@bp.get("/imports/<job_id>/result.csv")
@requires("operator")
def result_csv(job_id: str) -> Response:
    """The result file (row, asset id, tag, internal name, state, error) once it ended."""
    response = Response(services.imports().result_csv(job_id), mimetype="text/csv")
    response.headers["Content-Disposition"] = content_disposition(
        "attachment", f"import-{job_id}.csv"
    )
    return response
