"""The printing operations of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rtutils_web.http.openapi import (
    ApiFacts,
    json_accepted,
    json_ok,
    json_request,
    operation,
    path_param,
)
from rtutils_web.printing.schema import PrintBody

_JOB_ID = path_param("job_id", {"type": "string", "minLength": 1})


def _accepted() -> dict[str, Any]:
    return json_accepted("PrintJob", "Queued; sent in the background")


def printing_paths(facts: ApiFacts) -> dict[str, Any]:
    """``/api/v1/printers`` and ``/api/v1/print-jobs``."""
    return {
        "/api/v1/printers": {
            "get": operation(
                "listPrinters",
                "The configured label printers (operator)",
                "printing",
                [],
                json_ok("PrinterList"),
                errors=(401, 403),
            )
        },
        "/api/v1/printers/{name}": {
            "get": operation(
                "getPrinterState",
                "A printer and whether it can take a label now (operator)",
                "printing",
                [path_param("name", {"type": "string"})],
                json_ok("PrinterState"),
                errors=(401, 403, 404),
                description=(
                    "A Brother QL is ready when it accepts a connection on its port (it"
                    " reports nothing else over the network); a CUPS queue as lpstat says."
                ),
            )
        },
        "/api/v1/print-jobs": {
            "post": operation(
                "submitPrintJob",
                "Print labels on a printer, in the background (operator)",
                "printing",
                [],
                _accepted(),
                errors=(400, 401, 403, 404, 415, 502, 503, 504),
                description=(
                    "Answers 202 with the queued job; poll its Location for its state"
                    " (queued, sending, sent, failed with a reason). Tags or asset ids not"
                    " found, and assets without a tag, are listed in `skipped`; if nothing"
                    " can be printed the answer is 400. An unknown printer is 404."
                ),
                body=json_request(PrintBody, facts),
            )
        },
        "/api/v1/print-jobs/{job_id}": {
            "get": operation(
                "getPrintJob",
                "A print job and its state (operator)",
                "printing",
                [_JOB_ID],
                json_ok("PrintJob"),
                errors=(401, 403, 404),
            )
        },
        "/api/v1/print-jobs/{job_id}/retry": {
            "post": operation(
                "retryPrintJob",
                "Send a failed job again, from the first label that did not print (operator)",
                "printing",
                [_JOB_ID],
                _accepted(),
                errors=(401, 403, 404, 409),
            )
        },
    }
