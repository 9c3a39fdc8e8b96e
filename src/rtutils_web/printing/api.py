"""JSON API: the configured printers, and print jobs sent to them in the background (each
by a ``print`` job of the job system, see ``rtutils_core.printing.sender``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, url_for

from rtutils_core.errors import InvalidInput
from rtutils_core.labels.batches import BatchSelection
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.answers import to_json
from rtutils_web.http.bodies import json_body, parse_body, whole_numbers
from rtutils_web.logs import get_logger
from rtutils_web.printing.schema import (
    PrintBody,
    PrinterJson,
    PrinterListJson,
    PrinterStateJson,
    PrintJobJson,
)

bp = Blueprint("api_printing", __name__, url_prefix="/api/v1")
log = get_logger("rtutils.printing")


def _accepted(job: Any) -> tuple[Response, int, dict[str, str]]:
    location = url_for("api_printing.get_job", job_id=job.id)
    return jsonify(to_json(PrintJobJson.of(job))), 202, {"Location": location}


@bp.get("/printers")
@requires("operator")
def printers() -> Response:
    """The configured printers."""
    found = [PrinterJson.of(config) for config in services.printing().configs()]
    return jsonify(to_json(PrinterListJson(found)))


@bp.get("/printers/<name>")
@requires("operator")
def printer_state(name: str) -> Response:
    """A printer and whether it can take a label now (within its connect timeout)."""
    printer = services.printing().printer(name)
    state = printer.state()
    answer = PrinterStateJson(PrinterJson.of(printer.config), state.ready, state.detail)
    return jsonify(to_json(answer))


@bp.post("/print-jobs")
@requires("operator")
def submit() -> tuple[Response, int, dict[str, str]]:
    """Queue labels for a printer; 202 with the job, which is sent in the background."""
    raw = json_body()
    if isinstance(raw, dict) and sum(key in raw for key in ("tags", "asset_ids")) != 1:
        raise InvalidInput("give exactly one of 'tags' or 'asset_ids'")
    body = parse_body(raw, PrintBody)
    asset_ids = whole_numbers(body.asset_ids, "asset_ids")
    selection = BatchSelection(tags=body.tags or (), asset_ids=asset_ids or ())
    job = services.printing().submit(
        body.printer,
        selection,
        template=body.template,
        copies=body.copies,
        actor=services.actor(),
    )
    log.info("print_job_queued", job_id=job.id, printer=job.printer, labels=job.total)
    services.print_sender().enqueue(job)
    return _accepted(job)


@bp.get("/print-jobs/<job_id>")
@requires("operator")
def get_job(job_id: str) -> Response:
    """A print job and its state."""
    return jsonify(to_json(PrintJobJson.of(services.printing().get(job_id))))


@bp.post("/print-jobs/<job_id>/retry")
@requires("operator")
def retry(job_id: str) -> tuple[Response, int, dict[str, str]]:
    """Send a failed job again from the first label that did not print; 202."""
    job = services.printing().retry(job_id)
    log.info("print_job_retried", job_id=job.id, printer=job.printer, printed=job.printed)
    services.print_sender().enqueue(job)
    return _accepted(job)
