"""JSON API: receive a new device as an asset, and the catalogs and fields the desk picks from."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from rtutils_core.errors import InvalidField
from rtutils_core.intake import CallerKey
from rtutils_core.outbox.device_ops import AcceptedDevice
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.answers import to_json
from rtutils_web.http.bodies import json_body, parse_body
from rtutils_web.intake.schema import (
    CatalogFieldsJson,
    CatalogJson,
    CatalogListJson,
    DeviceBody,
    FieldJson,
    QueuedDeviceJson,
    ReceivedJson,
)
from rtutils_web.logs import get_logger

bp = Blueprint("api_intake", __name__, url_prefix="/api/v1")
log = get_logger("rtutils.intake")
#: The header that makes a submission safe to send again.
KEY_HEADER = "Idempotency-Key"


# The path is the assets feature's search path; only POST is served here.
@bp.post("/assets")
@requires("operator")
def receive() -> tuple[Response, int]:
    """Create the asset for one new device; 201, or 200 with the same answer for a replayed key;
    202 while RT cannot be reached (the tag reserved, the asset made when RT answers)."""
    device = parse_body(json_body(), DeviceBody).to_device()
    key = request.headers.get(KEY_HEADER, "")
    if not key.strip():
        raise InvalidField(KEY_HEADER, f"send an {KEY_HEADER} header: a new key per device")
    actor = services.actor()
    received = services.device_desk().receive(  # a caller's keys are its own, never another's
        device, CallerKey(actor, key), actor=actor, request_id=services.request_id()
    )
    if isinstance(received, AcceptedDevice):  # RT cannot be reached: made at replay
        op = received.accepted.operation
        position = received.accepted.position
        log.info("device_queued", operation_id=op.id, tag=received.tag, position=position)
        held = QueuedDeviceJson.held(received, qr_target=services.settings().qr_target)
        return jsonify(to_json(held)), 202
    asset_id = received.asset.id
    log.info("device_received", asset_id=asset_id, tag=received.tag, replay=received.is_replay)
    answer = ReceivedJson.of(received, services.assets().url(asset_id))
    return jsonify(to_json(answer)), 200 if received.is_replay else 201


@bp.get("/catalogs")
def catalogs() -> Response:
    """Every catalog of RT."""
    found = [CatalogJson.of(c) for c in services.intake().catalogs()]
    return jsonify(to_json(CatalogListJson(found)))


@bp.get("/catalogs/<path:name>/fields")
def catalog_fields(name: str) -> Response:
    """The custom fields of a catalog with their kinds and choices."""
    fields = [FieldJson.of(f) for f in services.intake().catalog_fields(name)]
    return jsonify(to_json(CatalogFieldsJson(name, fields)))
