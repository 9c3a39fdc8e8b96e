"""Desk pages of the loan desk, made for a barcode scanner, and the JSON calls their script makes.

The pages queue every scan in the browser (``static/loans.js``) and send them one by one to
the ``/desk/loans/...`` calls below, which do what the API does (``actions.py``) with the
session cookie and the page's CSRF token. The API takes an asset id; a desk call takes the
scan as it came (a tag, or a Name without one) and finds the device in the same call, so a
scan costs one round trip from the browser.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template

from rtutils_core.errors import InvalidInput
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.answers import to_json
from rtutils_web.http.bodies import json_body, whole_number
from rtutils_web.loans import actions, desk_scans

bp = Blueprint("pages_loans", __name__)
actions.quiet_errors(bp, desk_scans.desk_words)


def _desk(template: str) -> str:
    options = services.loans().options
    rt_ticket = services.settings().rt_url_shown.rstrip("/") + "/Ticket/Display.html?id=0"
    return render_template(
        template, damages=options.damages, role=options.role, rt_ticket=rt_ticket
    )


@bp.get("/desk/check-out")
@requires("operator")
def check_out_page() -> str:
    """Scan a person, then their devices."""
    return _desk("loans/check_out.html")


@bp.get("/desk/check-in")
@requires("operator")
def check_in_page() -> str:
    """Scan devices coming back; mark damage; open repair tickets."""
    return _desk("loans/check_in.html")


def _scan_body() -> tuple[str, dict[str, Any]]:
    raw = json_body()
    if not isinstance(raw, dict) or not isinstance(raw.get("scan"), str):
        raise InvalidInput("send what was scanned as 'scan'")
    body = dict(raw)
    return body.pop("scan"), body


@bp.post("/desk/loans/check-out")
@requires("operator")
def check_out() -> Response:
    """One scan of the check-out page: ``{"scan", "person", "due"?}``.

    The scan may name a device (checked out to ``person``), a person (the desk switches to
    them) or nothing (a scan not shaped like a tag makes the desk forget the person).
    """
    scan, body = _scan_body()
    person = body.get("person")
    expected = body.pop("expect", "device")
    found = desk_scans.scans().identify(scan, person_first=expected == "person" or not person)
    if found.is_person:
        return desk_scans.person_answer(found)
    if found.asset is None:
        return desk_scans.nothing_answer(found)
    if not isinstance(person, str) or not person.strip():
        return desk_scans.no_person_answer(found.asset)
    return desk_scans.device_answer(actions.check_out(found.asset.id, body))


@bp.post("/desk/loans/check-in")
@requires("operator")
def check_in() -> Response:
    """One scan of the check-in page: ``{"scan", "condition", "damages"?, "note"?}``.

    A person scanned here shows who they are and what they hold (to check in all of it).
    """
    scan, body = _scan_body()
    if body.get("damages") and body.get("condition", "ok") == "ok":
        body["condition"] = "damaged"  # a damage chosen means damaged
    found = desk_scans.scans().identify(scan)
    if found.is_person:
        return desk_scans.person_answer(found)
    if found.asset is None:
        return desk_scans.nothing_answer(found)
    return desk_scans.device_answer(actions.check_in(found.asset.id, body))


@bp.post("/desk/loans/<loan_id>/ticket")
@requires("operator")
def reopen_ticket(loan_id: str) -> Response:
    """Open the repair ticket of a check-in again."""
    return jsonify(to_json(actions.reopen_ticket(whole_number(loan_id, "loan id"))))


@bp.post("/desk/loans/check-in-all")
@requires("operator")
def check_in_all() -> Response:
    """Check in every device of ``{"person"}``."""
    raw = json_body()
    if not isinstance(raw, dict) or not isinstance(raw.get("person"), str):
        raise InvalidInput("send the person as 'person'")
    return jsonify(to_json(actions.check_in_all(raw["person"])))
