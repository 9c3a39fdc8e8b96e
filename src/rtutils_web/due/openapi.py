"""Due dates' operations of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rtutils_core.loans.due import DUE_STATES
from rtutils_core.students import GRADE_NAMES
from rtutils_web.due.schema import NoticeRunBody
from rtutils_web.http.openapi import (
    ApiFacts,
    csv_content,
    json_accepted,
    json_ok,
    json_request,
    operation,
    query_param,
)

_TAG = "loans"
_STATE = f"({'|'.join(DUE_STATES)})"
_FILTERS = [
    query_param(
        "state",
        {
            "type": "string",
            "pattern": f"^({_STATE}(,{_STATE})*)?$",
            "description": (
                f"comma-separated: {', '.join(DUE_STATES)} (empty or left out: overdue,due-soon)"
            ),
        },
    ),
    query_param(
        "grade",
        {"type": "string", "enum": ["", *GRADE_NAMES], "description": "the roster's (empty: any)"},
    ),
    query_param("person", {"type": "string", "description": "RT login name (operator)"}),
    query_param("catalog", {"type": "string", "description": "default: every catalog"}),
]


def due_paths(facts: ApiFacts) -> dict[str, Any]:
    """The overdue list and the notices' runs."""
    return {
        "/api/v1/loans/overdue": {
            "get": operation(
                "listOverdue",
                "Loans overdue or due soon, earliest due first (viewer: counts only)",
                _TAG,
                _FILTERS,
                json_ok("Overdue"),
                errors=(400, 401, 403, 404, 502, 503, 504),
                description=(
                    "Who holds each device comes from RT (one search per page of 100), its"
                    " due date from the check-out in the loan log; a device handed over in RT"
                    " directly has no due date (state no-due). Due soon: within DUE_SOON_DAYS."
                ),
            )
        },
        "/api/v1/loans/overdue.csv": {
            "get": operation(
                "exportOverdue",
                "The overdue list as CSV (operator)",
                _TAG,
                _FILTERS,
                {"200": {"description": "One row per device", "content": csv_content()}},
                errors=(400, 401, 403, 404, 502, 503, 504),
            )
        },
        "/api/v1/notices/runs": {
            "post": operation(
                "runNotices",
                "Send tonight's notices or a return campaign's, or list who would get what"
                " (operator)",
                _TAG,
                [],
                {
                    **json_ok("NoticePlan", description="The dry run; nothing sent"),
                    **json_accepted("NoticeJob", "Queued; run by the job worker"),
                },
                errors=(400, 401, 403, 404, 413, 415, 502, 503, 504),
                description=(
                    "Each notice is recorded once per kind, subject and day: a second run of"
                    " the day sends nothing. People without an address are listed in the dry"
                    " run (no-address) and counted in the job's result."
                ),
                body=json_request(NoticeRunBody, facts),
            )
        },
    }
