"""Desk pages of the loan desk, made for a barcode scanner, and the JSON calls their script makes.

The pages queue every scan in the browser (``static/loans.js``) and send them one by one to
the ``/desk/loans/...`` calls below, which do what the API does (``actions.py``) with the
session cookie and the page's CSRF token. The API takes an asset id; a desk call takes the
scan as it came (a tag, or a Name without one) and finds the device in the same call, so a
scan costs one round trip from the browser.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from rtutils_core.errors import InvalidInput, RtutilsError
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.answers import to_json
from rtutils_web.http.bodies import json_body, whole_number
from rtutils_web.http.queued import QueuedJson
from rtutils_web.loans import actions, desk_scans, offline_scans

bp = Blueprint("pages_loans", __name__)
_Done = TypeVar("_Done")
actions.quiet_errors(bp, desk_scans.desk_words)


def rt_ticket_url(ticket_id: int) -> str:
    """The repair ticket's page in RT."""
    return f"{services.settings().rt_url_shown.rstrip('/')}/Ticket/Display.html?id={ticket_id}"


@bp.app_context_processor
def _loan_context() -> dict[str, Any]:
    # For the asset page's history (another feature's page) and the desk pages.
    return {"rt_ticket_url": rt_ticket_url}


def _desk(template: str) -> str:
    options = services.loans().options
    return render_template(
        template, damages=options.damages, role=options.role, rt_ticket=rt_ticket_url(0)
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
    them) or nothing (a scan not shaped like a tag makes the desk forget the person). While
    RT cannot be reached the device is found by its tag and the check-out queued.
    """
    scan, body = _scan_body()
    person = body.get("person")
    expected = body.pop("expect", "device")

    def live() -> Response:
        first = expected == "person" or not person
        found = desk_scans.scans().identify(scan, person_first=first)
        if found.is_person:
            return desk_scans.person_answer(found)
        if found.asset is None:
            return desk_scans.nothing_answer(found)
        services.outbox().remember([found.asset])
        if not isinstance(person, str) or not person.strip():
            return desk_scans.no_person_answer(found.asset)
        return desk_scans.device_answer(actions.check_out(found.asset, body))

    return offline_scans.live_or_offline(
        live, lambda: offline_scans.check_out(scan, body, person, expected)
    )


@bp.post("/desk/loans/check-in")
@requires("operator")
def check_in() -> Response:
    """One scan of the check-in page: ``{"scan", "condition", "damages"?, "note"?}``.

    A person scanned here shows who they are and what they hold (to check in all of it).
    While RT cannot be reached the device is found by its tag and the check-in queued.
    """
    scan, body = _scan_body()
    if body.get("damages") and body.get("condition", "ok") == "ok":
        body["condition"] = "damaged"  # a damage chosen means damaged

    def live() -> Response:
        found = desk_scans.scans().identify(scan)
        if found.is_person:
            return desk_scans.person_answer(found)
        if found.asset is None:
            return desk_scans.nothing_answer(found)
        services.outbox().remember([found.asset])
        return desk_scans.device_answer(actions.check_in(found.asset, body))

    return offline_scans.live_or_offline(live, lambda: offline_scans.check_in(scan, body))


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


# -- the asset page's forms (no script): check one device out or in, then back to its page --


def _back_to_asset(asset_id: int) -> WerkzeugResponse:
    return redirect(url_for("pages.asset", asset_id=asset_id))


def _from_asset_page(refused: str, act: Callable[[], _Done | QueuedJson]) -> _Done | None:
    """What ``act`` did for one of the asset page's forms; None once the page has been told
    that it was refused (``refused``: how its message begins) or queued while RT is away."""
    try:
        done = act()
    except RtutilsError as error:
        flash(f"{refused}: {desk_scans.desk_words(error)}", "error")
        return None
    if isinstance(done, QueuedJson):
        flash(done.message, "ok")
        return None
    return done


@bp.post("/desk/assets/<int:asset_id>/check-out")
@requires("operator")
def asset_check_out(asset_id: int) -> WerkzeugResponse:
    """The asset page's *Check out*: to a login, e-mail or student id."""
    body = {"person": request.form.get("person", "")}
    done = _from_asset_page("Not checked out", lambda: actions.check_out(asset_id, body))
    if done is not None:
        person = done.person.real_name or done.person.name
        if done.changed:
            flash(f"Checked out to {person} ({done.person.name}).", "ok")
        else:
            flash(f"Already checked out to {person}; nothing changed.", "ok")
    return _back_to_asset(asset_id)


@bp.post("/desk/assets/<int:asset_id>/check-in")
@requires("operator")
def asset_check_in(asset_id: int) -> WerkzeugResponse:
    """The asset page's *Check in*, with its condition, damages and note."""
    damages = request.form.getlist("damages")
    condition = "damaged" if damages else request.form.get("condition", "ok")
    body = {"condition": condition, "damages": damages, "note": request.form.get("note", "")}
    done = _from_asset_page("Not checked in", lambda: actions.check_in(asset_id, body))
    if done is not None:
        ticket = f"; repair ticket #{done.ticket_id}" if done.ticket_id else ""
        flash(f"Checked in from {', '.join(done.holders)} ({condition}){ticket}.", "ok")
    return _back_to_asset(asset_id)
