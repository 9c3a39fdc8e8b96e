"""JSON API of the outbox: what waits for RT, what needs attention, and settling it.

Operations name the people at the desk: operators only; forcing one needs an admin.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from rtutils_core.outbox import QueuedOperation, Settlement
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.answers import to_json
from rtutils_web.http.bodies import whole_number
from rtutils_web.http.query import takes_query
from rtutils_web.logs import get_logger
from rtutils_web.outbox.schema import OperationJson, OutboxJson, outbox_filter

bp = Blueprint("api_outbox", __name__, url_prefix="/api/v1")
log = get_logger("rtutils.outbox")


def outbox_answer(states_args: dict[str, str]) -> OutboxJson:
    """The outbox with the operations the arguments ask for (the API's and the page's)."""
    wanted = outbox_filter(states_args)
    outbox = services.outbox()
    depth = outbox.depth()
    listed = outbox.listing(wanted.states, wanted.limit)
    return OutboxJson.of(outbox.rt_reachable(), depth, outbox.is_old(depth), listed)


@bp.get("/outbox")
@requires("operator")
@takes_query("state", "limit")
def outbox() -> Response:
    """The outbox: depth, RT's state and its open operations (or those of ``state``)."""
    return jsonify(to_json(outbox_answer(dict(request.args))))


@bp.get("/outbox/<operation_id>")
@requires("operator")
def operation(operation_id: str) -> Response:
    """One operation (404 ``operation_not_found`` if none)."""
    found, position = services.outbox().operation(whole_number(operation_id, "operation id"))
    return jsonify(to_json(OperationJson.of(found, position)))


def settle(operation_id: int, action: Settlement) -> QueuedOperation:
    """Retry, force or drop an operation as the caller (the API's and the page's)."""
    settled = services.outbox().settle(operation_id, action, by=services.actor())
    log.info("outbox_settled_by_request", operation_id=operation_id, action=action)
    return settled


def _settled(operation_id: str, action: Settlement) -> Response:
    settled = settle(whole_number(operation_id, "operation id"), action)
    position = services.outbox().operation(settled.id)[1]
    return jsonify(to_json(OperationJson.of(settled, position)))


@bp.post("/outbox/<operation_id>/retry")
@requires("operator")
def retry(operation_id: str) -> Response:
    """Queue an operation that needs attention again, as it was (after fixing RT)."""
    return _settled(operation_id, "retry")


@bp.post("/outbox/<operation_id>/force")
@requires("admin")
def force(operation_id: str) -> Response:
    """Queue an operation that needs attention again, to be applied even so (admin)."""
    return _settled(operation_id, "force")


@bp.post("/outbox/<operation_id>/drop")
@requires("operator")
def drop(operation_id: str) -> Response:
    """Give up an operation that needs attention or still waits; nothing is sent to RT."""
    return _settled(operation_id, "drop")
