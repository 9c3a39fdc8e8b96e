"""The outbox's page (what waits for RT and what needs attention, with its buttons) and the
depth the desk pages poll for their banner."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.wrappers import Response as WerkzeugResponse

from rtutils_core.errors import InvalidInput, RtutilsError
from rtutils_core.outbox import SETTLEMENTS, STATES, Settlement
from rtutils_web import services
from rtutils_web.access.auth import current_principal, requires
from rtutils_web.http.query import takes_query
from rtutils_web.outbox.api import outbox_answer, settle

bp = Blueprint("pages_outbox", __name__)


@bp.app_context_processor
def _outbox_context() -> dict[str, Any]:
    # For the desk pages' banner (the loan desk's templates): how many writes wait for RT.
    return {"outbox_depth": lambda: services.outbox().depth().waiting}


@bp.get("/outbox")
@requires("operator")
@takes_query("state")
def outbox() -> tuple[str, int]:
    """What waits for RT and what needs attention (or the operations of ``state``)."""
    try:
        answer = outbox_answer({k: v for k, v in request.args.items() if v.strip()})
    except InvalidInput as error:
        return render_template(
            "outbox/outbox.html", outbox=None, states=STATES, error=error.message
        ), 400
    return render_template("outbox/outbox.html", outbox=answer, states=STATES, error=None), 200


@bp.post("/outbox/<int:operation_id>/<action>")
@requires("operator")
def settle_operation(operation_id: int, action: str) -> WerkzeugResponse:
    """The page's Retry, Force (admin) and Drop buttons."""
    if action not in SETTLEMENTS:
        raise NotFound(f"an operation can be {', '.join(SETTLEMENTS)}, not {action!r}")
    principal = current_principal()
    if action == "force" and not (principal and principal.may("admin")):
        raise Forbidden("forcing an operation of the outbox needs the admin role")
    chosen: Settlement = action
    try:
        settled = settle(operation_id, chosen)
        flash(f"Operation {settled.id} ({settled.tag}): {settled.state}.", "ok")
    except RtutilsError as error:
        flash(error.message, "error")
    return redirect(url_for("pages_outbox.outbox"))


@bp.get("/desk/outbox")
@requires("operator")
def depth() -> Response:
    """How many desk operations wait for RT, for the desk pages' banner."""
    outbox = services.outbox()
    found = outbox.depth()
    return jsonify(
        {
            "rt": outbox.rt_contact()[0],
            "waiting": found.waiting,
            "needs_attention": found.needs_attention,
        }
    )
