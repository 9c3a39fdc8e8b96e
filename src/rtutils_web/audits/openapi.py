"""The audits' operations of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rtutils_web.audits.bodies import LostBody, MoveBody, ScanBody, StartBody
from rtutils_web.http.openapi import (
    ApiFacts,
    csv_content,
    id_param,
    json_accepted,
    json_ok,
    json_request,
    operation,
    query_param,
)

TAG = "audits"
_AUDIT = {**id_param("audit_id"), "example": 1}
_RT = (502, 503, 504)
_WRITE = (400, 401, 403, 404, 409, 413, 415)


def audit_paths(facts: ApiFacts) -> dict[str, Any]:
    """Audits: list and start, one audit and its CSV, scans, finish, bulk actions, overdue."""
    return {
        "/api/v1/audits": {
            "get": operation(
                "listAudits",
                "Audits, newest first, with their counts (viewer)",
                TAG,
                [query_param("limit", {"type": "integer", "minimum": 1, "maximum": 1000})],
                json_ok("AuditList"),
                errors=(400, 401, 403),
            ),
            "post": operation(
                "startAudit",
                "Start an audit of a location, a list of tags, a catalog or a person (operator)",
                TAG,
                [],
                json_ok("Audit", 201, "Started; the expected set was read from RT"),
                errors=(400, 401, 403, 404, 413, 415, *_RT),
                description=(
                    "The expected set is every device of the scope in RT now, read in bulk:"
                    " one search per page of 100 devices (a list: one per 100 tags)."
                ),
                body=json_request(StartBody, facts),
            ),
        },
        "/api/v1/audits/{audit_id}": {
            "get": operation(
                "getAudit",
                "An audit: counts and figures per model; devices, scans and log (operator)",
                TAG,
                [_AUDIT],
                json_ok("AuditDetail"),
                errors=(400, 401, 403, 404),
            )
        },
        "/api/v1/audits/{audit_id}.csv": {
            "get": operation(
                "auditCsv",
                "An audit's present, missing, unexpected and unknown, one row each (operator)",
                TAG,
                [_AUDIT],
                {"200": {"description": "CSV with a header row", "content": csv_content()}},
                errors=(400, 401, 403, 404),
            )
        },
        "/api/v1/audits/{audit_id}/scans": {
            "post": operation(
                "scanIntoAudit",
                "One scan: present, unexpected or unknown; a re-scan counts once (operator)",
                TAG,
                [_AUDIT],
                {
                    **json_ok("AuditScanResult"),
                    **json_ok(
                        "AuditScanResult",
                        202,
                        "Kept pending: RT cannot be reached; classified when RT answers",
                    ),
                },
                errors=(*_WRITE, *_RT),
                body=json_request(ScanBody, facts),
                description=(
                    "A device of the expected set is present without RT. Any other scan"
                    " needs RT: while RT cannot be reached it is kept at once as `pending`"
                    " (202) and classified when RT answers: at the next scan, when the audit"
                    " is read, or by the `audit-resolve` job."
                ),
            )
        },
        "/api/v1/audits/{audit_id}/finish": {
            "post": operation(
                "finishAudit",
                "Finish the audit and write Last Audited where it changed, as a job (operator)",
                TAG,
                [_AUDIT],
                json_accepted("AuditFinish", "Finished; the write is queued"),
                errors=(400, 401, 403, 404, 409),
                description=(
                    "The `audit-write` job writes the day to every present device whose"
                    " Last Audited differs, paced by AUDIT_WRITE_RATE; its progress is the"
                    " devices checked of all. A second finish queues a write that finds"
                    " nothing to write. Scans still pending are classified first; while RT"
                    " cannot be reached the audit is not finished: 409"
                    " `audit_scans_pending` naming how many wait."
                ),
            )
        },
        "/api/v1/audits/{audit_id}/lost": {
            "post": operation(
                "markAuditMissingLost",
                "Mark missing devices lost (AUDIT_LOST_STATUS), with a comment (operator)",
                TAG,
                [_AUDIT],
                json_ok("AuditBulkResult"),
                errors=(*_WRITE, *_RT),
                body=json_request(LostBody, facts),
            )
        },
        "/api/v1/audits/{audit_id}/move": {
            "post": operation(
                "moveAuditUnexpectedHere",
                "Move unexpected devices to the audit's location (operator)",
                TAG,
                [_AUDIT],
                json_ok("AuditBulkResult"),
                errors=(*_WRITE, *_RT),
                body=json_request(MoveBody, facts),
            )
        },
        "/api/v1/audits/overdue": {
            "get": operation(
                "listOverdueAudits",
                "Devices not audited for longer than AUDIT_OVERDUE_DAYS (viewer)",
                TAG,
                [query_param("catalog", {"type": "string", "description": "default: all"})],
                json_ok("OverdueList"),
                errors=(400, 401, 403, 404, *_RT),
            )
        },
    }
