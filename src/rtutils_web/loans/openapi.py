"""The loan desk's operations of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rtutils_web.http.bodies import MAX_WHOLE
from rtutils_web.http.openapi import (
    ApiFacts,
    csv_content,
    id_param,
    json_ok,
    json_request,
    operation,
    path_param,
    query_param,
)
from rtutils_web.loans.schema import CheckInBody, CheckOutBody

_TAG = "loans"
_PERSON = path_param(
    "name", {"type": "string", "pattern": "\\S"}, description="RT login name or e-mail address"
)
_TIME = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date-time"},
    ],
    "description": "a day YYYY-MM-DD (the whole day) or a time; UTC if it names no zone",
}
_FILTERS = [
    query_param("since", _TIME),
    query_param("until", _TIME),
    query_param("asset_id", {"type": "integer", "minimum": 1, "maximum": MAX_WHOLE}),
    query_param("person", {"type": "string", "description": "RT login name (operator)"}),
]
_CATALOG = query_param("catalog", {"type": "string", "description": "default: every catalog"})
_PAGING = [
    query_param("page", {"type": "integer", "minimum": 1, "maximum": MAX_WHOLE, "default": 1}),
    query_param("per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 100}),
]


#: While RT cannot be reached, a desk write is held back in the outbox (docs/outbox.md).
_QUEUED = json_ok(
    "Queued", 202, "RT cannot be reached: held back in the outbox, sent when RT answers again"
)
_IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    "description": "the same key sent again is the same operation (never queued twice)",
}
_WHILE_AWAY = (
    "While RT cannot be reached (refused, reset, timed out, 502/503/504) the write is checked"
    " as far as this service can without RT and answered 202 `Queued` with its place in the"
    " outbox (`GET /api/v1/outbox`); the same Idempotency-Key again is the same operation,"
    " another request under it 422 `idempotency_key_reused`."
)


def _csv_ok(description: str) -> dict[str, Any]:
    return {"200": {"description": description, "content": csv_content()}}


def _writes(facts: ApiFacts) -> dict[str, Any]:
    return {
        "/api/v1/assets/{id}/check-out": {
            "post": operation(
                "checkOut",
                "Check a device out to a person (operator)",
                _TAG,
                [id_param(), _IDEMPOTENCY],
                {**json_ok("CheckOut"), **_QUEUED},
                errors=(400, 401, 403, 404, 409, 415, 422, 502, 503, 504),
                description=(
                    "Sets the loan role and the check-out status with the asset's version"
                    " (If-Match) and reads it back. A person RT does not know is 404 (nobody"
                    " is created); a device someone else holds is 409 `held_by_another`"
                    " naming them in `holders`. " + _WHILE_AWAY
                ),
                body=json_request(CheckOutBody, facts),
            )
        },
        "/api/v1/assets/{id}/check-in": {
            "post": operation(
                "checkIn",
                "Check a device in; damage or a note opens a repair ticket (operator)",
                _TAG,
                [id_param(), _IDEMPOTENCY],
                {**json_ok("CheckIn"), **_QUEUED},
                errors=(400, 401, 403, 404, 409, 415, 422, 502, 503, 504),
                description=(
                    "Clears the loan role and sets the check-in status (If-Match, read back)."
                    " A device nobody holds is 409 `already_checked_in`. A repair ticket"
                    " that fails leaves the check-in standing: `ticket_error` says why; open"
                    " it again with POST /api/v1/loans/{id}/ticket. " + _WHILE_AWAY
                ),
                body=json_request(CheckInBody, facts, required=False),
            )
        },
        "/api/v1/loans/{id}/ticket": {
            "post": operation(
                "reopenLoanTicket",
                "Open the repair ticket of a check-in again (operator)",
                _TAG,
                [id_param()],
                json_ok("LoanEvent"),
                errors=(400, 401, 403, 404, 409, 502, 503, 504),
            )
        },
        "/api/v1/people/{name}/check-in-all": {
            "post": operation(
                "checkInAll",
                "Check in every device a person holds, condition ok (operator)",
                _TAG,
                [_PERSON],
                json_ok("CheckInAll"),
                errors=(400, 401, 403, 404, 502, 503, 504),
            )
        },
    }


def _reads() -> dict[str, Any]:
    return {
        "/api/v1/people/{name}": {
            "get": operation(
                "getPerson",
                "A person and the devices they hold (operator)",
                _TAG,
                [_PERSON],
                json_ok("PersonLoans"),
                errors=(400, 401, 403, 404, 502, 503, 504),
            )
        },
        "/api/v1/loans": {
            "get": operation(
                "listLoans",
                "The loan log, oldest first (viewer: counts only)",
                _TAG,
                _FILTERS,
                json_ok("LoanList"),
                errors=(400, 401, 403),
                description="since after until is 400.",
            )
        },
        "/api/v1/loans.csv": {
            "get": operation(
                "exportLoans",
                "The loan log as CSV (operator)",
                _TAG,
                _FILTERS,
                _csv_ok("One row per event"),
                errors=(400, 401, 403),
            )
        },
        "/api/v1/loans/outstanding": {
            "get": operation(
                "listOutstanding",
                "Devices still out, one search per page (viewer: the total only)",
                _TAG,
                [_CATALOG, *_PAGING],
                json_ok("Outstanding"),
                errors=(400, 401, 403, 404, 502, 503, 504),
            )
        },
        "/api/v1/loans/outstanding.csv": {
            "get": operation(
                "exportOutstanding",
                "Devices still out, as CSV (operator)",
                _TAG,
                [_CATALOG],
                _csv_ok("One row per device"),
                errors=(400, 401, 403, 404, 502, 503, 504),
            )
        },
    }


def loan_paths(facts: ApiFacts) -> dict[str, Any]:
    """The check-out and check-in operations, people, and the loan log."""
    return {**_writes(facts), **_reads()}
