"""The roster's and the return campaign's operations in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rtutils_core.returns import FIRST_YEAR, LAST_YEAR, RETURN_STATES
from rtutils_core.students import GRADE_NAMES
from rtutils_web.http.openapi import (
    ApiFacts,
    csv_content,
    id_param,
    json_accepted,
    json_ok,
    json_request,
    operation,
    path_param,
    query_param,
)
from rtutils_web.students.field_sync import FieldSyncBody
from rtutils_web.students.schema import ImportBody, ManualBody, UndoBody

TAG = "students"
_YEAR = query_param(
    "year",
    {
        "type": "integer",
        "minimum": FIRST_YEAR,
        "maximum": LAST_YEAR,
        "description": "the school year, named by the year it ends in (default: this one)",
    },
)
_STUDENT = path_param("student_id", {"type": "string"}, example="100101")
_CSV = {"200": {"description": "CSV with a header row", "content": csv_content()}}


def _csv_op(op_id: str, summary: str, params: list[dict[str, Any]]) -> dict[str, Any]:
    return {"get": operation(op_id, summary, TAG, params, _CSV, errors=(400, 401, 403, 404))}


def student_paths(facts: ApiFacts) -> dict[str, Any]:
    """The roster, one student, manual check-ins, the campaign and its exports."""
    return {
        "/api/v1/students": {
            "get": operation(
                "listStudents",
                "The campaign's students, filtered by grade, state and text (operator)",
                TAG,
                [
                    _YEAR,
                    query_param("grade", {"type": "string", "enum": list(GRADE_NAMES)}),
                    query_param("state", {"type": "string", "enum": list(RETURN_STATES)}),
                    query_param("q", {"type": "string", "description": "id, name or RT user"}),
                ],
                json_ok("StudentList"),
                errors=(400, 401, 403),
            ),
            "post": operation(
                "importRoster",
                "Import the roster CSV; a dry run unless dry_run is false (admin)",
                TAG,
                [],
                json_ok("RosterImport"),
                errors=(400, 401, 403, 413, 415),
                body=json_request(ImportBody, facts),
            ),
        },
        "/api/v1/students/{student_id}": {
            "get": operation(
                "getStudent",
                "A student: devices held now, loan log, manual entries (operator)",
                TAG,
                [_STUDENT, _YEAR],
                json_ok("StudentDetail"),
                errors=(400, 401, 403, 404),
            )
        },
        "/api/v1/students/{student_id}/history.csv": _csv_op(
            "studentHistoryCsv",
            "A student's loan log and manual entries (operator)",
            [_STUDENT, _YEAR],
        ),  # fmt: skip
        "/api/v1/students/user-fields-sync": {
            "post": operation(
                "syncStudentUserFields",
                "Write student ids and graduation years to RT users in the background (admin)",
                TAG,
                [],
                {
                    **json_ok("UserFieldSyncReport", description="The dry run; nothing written"),
                    **json_accepted("UserFieldSyncJob", "Queued; run by the job worker"),
                },
                errors=(400, 401, 403, 409, 413, 415),
                description=(
                    "Answers 202 with the queued `student-user-fields` job; its progress is"
                    " the students compared of all, its result the counts and the student ids"
                    " whose write failed. 409 while a run is queued or running. With"
                    " `dry_run` it answers 200 with every change it would make, by student id."
                ),
                body=json_request(FieldSyncBody, facts, required=False),
            )
        },
        "/api/v1/students/{student_id}/manual-checkins": {
            "post": operation(
                "recordManualCheckIn",
                "Record a manual check-in: no device, lost or paid for (operator)",
                TAG,
                [_STUDENT],
                json_ok("ManualCheckIn", 201, "Recorded"),
                errors=(400, 401, 403, 404, 409, 413, 415),
                body=json_request(ManualBody, facts),
            )
        },
        "/api/v1/students/{student_id}/manual-checkins/{manual_id}/undo": {
            "post": operation(
                "undoManualCheckIn",
                "Undo a manual check-in with an entry of its own (operator)",
                TAG,
                [_STUDENT, {**id_param("manual_id"), "example": 1}],
                json_ok("ManualCheckIn", 201, "Recorded"),
                errors=(400, 401, 403, 404, 409, 413, 415),
                body=json_request(UndoBody, facts),
            )
        },
        "/api/v1/returns": {
            "get": operation(
                "getReturnCampaign",
                "The end-of-year return: figures per grade and day, counts only (viewer)",
                TAG,
                [_YEAR],
                json_ok("ReturnCampaign"),
                errors=(400, 401, 403),
            )
        },
        "/api/v1/returns/outstanding.csv": _csv_op(
            "outstandingReturnsCsv", "Devices still out, grade by grade (operator)", [_YEAR]
        ),
        "/api/v1/returns/campaign.csv": _csv_op(
            "returnCampaignCsv", "Every student's state and counts (operator)", [_YEAR]
        ),
    }
