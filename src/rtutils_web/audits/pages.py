"""The audit desk: the list of audits with a form to start one, and the page of an audit,
where desks scan (static/audits.js on the desks' queue) and an operator finishes it and acts
on what was missing or unexpected. A viewer sees the counts and the figures per model."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from rtutils_core.audits import ActionOutcome, Scope
from rtutils_core.errors import InvalidInput, RtutilsError
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.access.people import people_shown
from rtutils_web.audits.api import detail, finish_audit, record_scan
from rtutils_web.audits.bodies import ScanBody
from rtutils_web.audits.schema import AUDIT_ID, AuditJson, OverdueItemJson
from rtutils_web.http.bodies import json_body, parse_body, whole_number
from rtutils_web.http.query import takes_query

bp = Blueprint("pages_audits", __name__)


@bp.get("/audits")
@requires("viewer")
def audits() -> str:
    """Recent audits and their counts; an operator starts one here."""
    service, people = services.audits(), people_shown()
    listed = [AuditJson.of(a, service.result(a.id), people) for a in service.recent(50)]
    return render_template("audits/list.html", audits=listed)


@bp.get("/audits/overdue")
@requires("viewer")
@takes_query("catalog")
def overdue() -> str:
    """Devices not audited for longer than AUDIT_OVERDUE_DAYS, never audited first."""
    service = services.audits()
    catalog = request.args.get("catalog") or None
    try:
        found, error = service.overdue(catalog), ""
    except RtutilsError as refused:
        found, error = [], refused.message
    items = [OverdueItemJson.of(a, service.options) for a in found]
    return render_template(
        "audits/overdue.html",
        items=items,
        days=service.options.overdue_days,
        catalog=catalog or "",
        error=error,
    )


def _scope(form: dict[str, str]) -> Scope:
    kind = form.get("kind", "")
    if kind == "list":
        tags = [t.strip() for t in form.get("tags", "").replace(",", "\n").splitlines()]
        return Scope("list", tags=[t for t in tags if t])
    return Scope(kind, form.get("value", ""))  # type: ignore[arg-type]  # Scope checks it


@bp.post("/audits")
@requires("operator")
def start() -> WerkzeugResponse:
    """Start an audit from the form; on to its desk page."""
    try:
        form = request.form.to_dict()
        scope = _scope(form)
        audit = services.audits().start(form.get("name", ""), scope, operator=services.actor())
    except RtutilsError as error:
        flash(f"Not started: {error.message}", "error")
        return redirect(url_for("pages_audits.audits"))
    flash(f"Audit started: {audit.expected_count} devices expected.", "ok")
    return redirect(url_for("pages_audits.audit", audit_id=audit.id))


@bp.get(f"/audits/<{AUDIT_ID}:audit_id>")
@requires("viewer")
def audit(audit_id: int) -> str:
    """Scan into the audit; what is present, missing, unexpected and unknown."""
    return render_template("audits/audit.html", answer=detail(audit_id), people=people_shown())


@bp.post(f"/desk/audits/<{AUDIT_ID}:audit_id>/scan")
@requires("operator")
def scan(audit_id: int) -> tuple[Response, int]:
    """One scan of the desk page: ``{"scan", "desk"}``, as the API takes it."""
    return record_scan(audit_id, parse_body(json_body(), ScanBody))


def _back(audit_id: int) -> WerkzeugResponse:
    return redirect(url_for("pages_audits.audit", audit_id=audit_id))


@bp.post(f"/audits/<{AUDIT_ID}:audit_id>/finish")
@requires("operator")
def finish(audit_id: int) -> WerkzeugResponse:
    """Finish: no more scans; Last Audited is written by a job."""
    try:
        done = finish_audit(audit_id)
    except RtutilsError as error:
        flash(f"Not finished: {error.message}", "error")
        return _back(audit_id)
    flash(f"Finished. Last Audited is being written to RT (job {done.job_id}).", "ok")
    return _back(audit_id)


def _chosen() -> list[int]:
    ids = [whole_number(v, "device") for v in request.form.getlist("asset_id")]
    if not ids:
        raise InvalidInput("tick at least one device")
    return ids


@bp.post(f"/audits/<{AUDIT_ID}:audit_id>/lost")
@requires("operator")
def lost(audit_id: int) -> WerkzeugResponse:
    """Mark the ticked missing devices lost, with the comment."""
    return _bulk(
        audit_id,
        "marked lost",
        lambda ids: services.audits().mark_lost(
            audit_id, ids, request.form.get("comment", ""), operator=services.actor()
        ),
    )


@bp.post(f"/audits/<{AUDIT_ID}:audit_id>/move")
@requires("operator")
def move(audit_id: int) -> WerkzeugResponse:
    """Move the ticked unexpected devices to this audit's location."""
    return _bulk(
        audit_id,
        "moved here",
        lambda ids: services.audits().move_here(audit_id, ids, operator=services.actor()),
    )


def _bulk(
    audit_id: int, done_words: str, act: Callable[[list[int]], list[ActionOutcome]]
) -> WerkzeugResponse:
    try:
        outcomes = act(_chosen())
    except RtutilsError as error:
        flash(f"Nothing changed: {error.message}", "error")
        return _back(audit_id)
    done = [o.tag for o in outcomes if o.ok]
    if done:
        flash(f"{len(done)} {done_words}: {', '.join(done)}.", "ok")
    for refused in (o for o in outcomes if not o.ok):
        flash(f"{refused.tag or refused.asset_id}: {refused.message}", "error")
    return _back(audit_id)
