"""JSON API of audits: start one, scan into it, read it (a viewer: counts only), its CSV,
finish it (the Last Audited job), act on what was missing or unexpected, the overdue list."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from rtutils_core.audits.export import audit_csv
from rtutils_core.audits.jobs import start_audit_write
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.access.people import people_shown
from rtutils_web.audits.bodies import LostBody, MoveBody, ScanBody, StartBody
from rtutils_web.audits.schema import (
    AUDIT_ID,
    AuditDetailJson,
    AuditJson,
    AuditListJson,
    BulkJson,
    FinishJson,
    OutcomeJson,
    OverdueItemJson,
    OverdueJson,
    ScanAnswerJson,
)
from rtutils_web.http.answers import to_json
from rtutils_web.http.bodies import json_body, parse_body, whole_number
from rtutils_web.http.headers import content_disposition
from rtutils_web.http.query import takes_query

bp = Blueprint("api_audits", __name__, url_prefix="/api/v1")


@bp.get("/audits")
@requires("viewer")
@takes_query("limit")
def audits() -> Response:
    """Audits, newest first, with their counts."""
    limit = whole_number(request.args["limit"], "limit") if "limit" in request.args else 100
    service, people = services.audits(), people_shown()
    found = [AuditJson.of(a, service.result(a.id), people) for a in service.recent(limit)]
    return jsonify(to_json(AuditListJson(found, len(found))))


@bp.post("/audits")
@requires("operator")
def start() -> tuple[Response, int, dict[str, str]]:
    """Start an audit: its expected set is read from RT now, in bulk."""
    body = parse_body(json_body(), StartBody)
    service = services.audits()
    audit = service.start(body.name, body.scope(), operator=services.actor())
    location = url_for("api_audits.audit", audit_id=audit.id)
    answer = AuditJson.of(audit, service.result(audit.id), True)
    return jsonify(to_json(answer)), 201, {"Location": location}


def detail(audit_id: int) -> AuditDetailJson:
    """An audit as the caller may see it (the desk page shows the same)."""
    service = services.audits()
    audit, result = service.get(audit_id), service.result(audit_id)
    actions = list(service.store.actions(audit_id)) if people_shown() else None
    return AuditDetailJson.of(audit, result, actions)


@bp.get(f"/audits/<{AUDIT_ID}:audit_id>")
@requires("viewer")
def audit(audit_id: int) -> Response:
    """An audit's counts and figures per model; its devices, scans and log (operator)."""
    return jsonify(to_json(detail(audit_id)))


@bp.get(f"/audits/<{AUDIT_ID}:audit_id>.csv")
@requires("operator")
def audit_table(audit_id: int) -> Response:
    """Present, missing, unexpected and unknown, one row each."""
    service = services.audits()
    service.get(audit_id)
    response = Response(audit_csv(service.result(audit_id)), mimetype="text/csv")
    response.headers["Content-Disposition"] = content_disposition(
        "attachment", f"audit-{audit_id}.csv"
    )
    return response


@bp.post(f"/audits/<{AUDIT_ID}:audit_id>/scans")
@requires("operator")
def scan(audit_id: int) -> tuple[Response, int]:
    """One scan: present, unexpected or unknown; a re-scan is counted once. 202: kept
    pending while RT cannot be reached, classified when RT answers."""
    return record_scan(audit_id, parse_body(json_body(), ScanBody))


def record_scan(audit_id: int, body: ScanBody) -> tuple[Response, int]:
    """The scan kept, as JSON: 200, or 202 while it waits for RT to classify it."""
    service = services.audits()
    done = service.scan(audit_id, body.scan, desk=body.desk, operator=services.actor())
    answer = ScanAnswerJson.of(done, service.result(audit_id))
    return jsonify(to_json(answer)), 202 if answer.outcome == "pending" else 200


@bp.post(f"/audits/<{AUDIT_ID}:audit_id>/finish")
@requires("operator")
def finish(audit_id: int) -> tuple[Response, int, dict[str, str]]:
    """Close the audit to scans and queue the write of Last Audited (202 with the job);
    finishing again queues a write that finds nothing left to write."""
    answer = finish_audit(audit_id)
    location = url_for("api_jobs.job", job_id=answer.job_id)
    return jsonify(to_json(answer)), 202, {"Location": location}


def finish_audit(audit_id: int) -> FinishJson:
    service = services.audits()
    audit = service.finish(audit_id, operator=services.actor())
    job = start_audit_write(services.jobs(), audit_id, operator=services.actor())
    return FinishJson.of(audit, service.result(audit_id), job)


@bp.post(f"/audits/<{AUDIT_ID}:audit_id>/lost")
@requires("operator")
def lost(audit_id: int) -> Response:
    """Mark missing devices lost in RT (AUDIT_LOST_STATUS), each with the comment logged."""
    body = parse_body(json_body(), LostBody)
    done = services.audits().mark_lost(
        audit_id, body.asset_ids, body.comment, operator=services.actor()
    )
    items = [OutcomeJson.of(o) for o in done]
    return jsonify(to_json(BulkJson(items, sum(o.ok for o in done))))


@bp.post(f"/audits/<{AUDIT_ID}:audit_id>/move")
@requires("operator")
def move(audit_id: int) -> Response:
    """Give unexpected devices this audit's location, each logged."""
    body = parse_body(json_body(), MoveBody)
    done = services.audits().move_here(audit_id, body.asset_ids, operator=services.actor())
    items = [OutcomeJson.of(o) for o in done]
    return jsonify(to_json(BulkJson(items, sum(o.ok for o in done))))


@bp.get("/audits/overdue")
@requires("viewer")
@takes_query("catalog")
def overdue() -> Response:
    """Devices not audited for longer than AUDIT_OVERDUE_DAYS, never audited first."""
    service = services.audits()
    found = service.overdue(request.args.get("catalog") or None)
    items = [OverdueItemJson.of(a, service.options) for a in found]
    return jsonify(to_json(OverdueJson(service.options.overdue_days, items, len(items))))
