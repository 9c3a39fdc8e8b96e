"""The outbox's operations of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rtutils_core.outbox import STATES
from rtutils_web.http.openapi import ApiFacts, id_param, json_ok, operation, query_param
from rtutils_web.outbox.schema import MAX_LISTED

_TAG = "outbox"


def _settle(verb: str, summary: str, role: str, description: str) -> dict[str, Any]:
    return {
        "post": operation(
            f"{verb}OutboxOperation",
            f"{summary} ({role})",
            _TAG,
            [id_param()],
            json_ok("OutboxOperation"),
            errors=(400, 401, 403, 404, 409),
            description=description,
        )
    }


def outbox_paths(facts: ApiFacts) -> dict[str, Any]:
    """The outbox, one operation, and settling one."""
    return {
        "/api/v1/outbox": {
            "get": operation(
                "getOutbox",
                "The desk's writes held back while RT cannot be reached (operator)",
                _TAG,
                [
                    query_param("state", {"type": "string", "enum": list(STATES)}),
                    query_param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LISTED}),
                ],
                json_ok("Outbox"),
                errors=(400, 401, 403),
                description=(
                    "How many operations wait for RT and how many need attention, whether"
                    " RT answers, and the operations (default: those not finished, in the"
                    " order accepted). A check-out or check-in answered 202 while RT could"
                    " not be reached is here until it is replayed; one that no longer"
                    " applies (the device is with someone else in RT) needs attention with"
                    " its `reason`. See docs/outbox.md."
                ),
            )
        },
        "/api/v1/outbox/{id}": {
            "get": operation(
                "getOutboxOperation",
                "One operation of the outbox (operator)",
                _TAG,
                [id_param()],
                json_ok("OutboxOperation"),
                errors=(400, 401, 403, 404),
            )
        },
        "/api/v1/outbox/{id}/retry": _settle(
            "retry",
            "Send an operation that needs attention again, as it was",
            "operator",
            "For after the conflict was settled in RT. 409 unless it needs attention.",
        ),
        "/api/v1/outbox/{id}/force": _settle(
            "force",
            "Send an operation that needs attention again, applied even so",
            "admin",
            "A check-out takes the device from its holder (logged as forced); a check-in"
            " takes it back from whoever holds it. 409 unless it needs attention.",
        ),
        "/api/v1/outbox/{id}/drop": _settle(
            "drop",
            "Give up an operation that needs attention or waits",
            "operator",
            "Nothing is sent to RT; the operation stays listed as dropped. 409 for one"
            " being replayed or done.",
        ),
    }
