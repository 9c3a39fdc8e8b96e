"""``POST /webhook/asset-created``, ``GET /next-asset-tag`` and ``GET /labels/print``."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, jsonify, redirect, request, url_for
from werkzeug.wrappers import Response

from rtutils_core.errors import InvalidInput
from rtutils_core.tags.webhooks import (
    SECRET_HEADER,
    SIGNATURE_HEADER,
    asset_created,
    check_timestamp,
    is_authentic,
)
from rtutils_web import services
from rtutils_web.access.auth import auth_failed, signed_by_caller
from rtutils_web.http.bodies import json_body, whole_number
from rtutils_web.http.errors import answers_json, error_response
from rtutils_web.http.query import takes_query
from rtutils_web.logs import get_logger

bp = Blueprint("legacy", __name__)
log = get_logger("rtutils.webhook")
_SIZES = {"large": "large", "small": "small"}


@bp.post("/webhook/asset-created")
@signed_by_caller
@answers_json
def webhook_asset_created() -> Response | tuple[Response, int]:
    """Tag the asset RT names; 401 without the right secret, off without WEBHOOK_SECRET.

    Wrong secrets count against the caller's address as failed sign-ins do (429 past the
    limit); a body's ``timestamp``, when it has one, must be fresh.
    """
    secret = services.settings().webhook_secret.reveal()
    if not secret:
        abort(404)
    body = request.get_data(cache=True)
    if not is_authentic(
        secret,
        body,
        given_secret=request.headers.get(SECRET_HEADER),
        signature=request.headers.get(SIGNATURE_HEADER),
    ):
        auth_failed("webhook")
        return error_response(401, "unauthorized", "wrong or missing webhook secret"), 401
    payload = json_body(force=True)  # callers rarely say Content-Type: application/json
    check_timestamp(payload, datetime.now(UTC))
    answer = asset_created(services.tags(), payload, request_id=services.request_id())
    log.info("webhook_tagged", asset_id=answer.asset_id, tag=answer.asset_tag)
    return jsonify(answer.as_json())


@bp.get("/next-asset-tag")
@takes_query("prefix")
def next_asset_tag() -> Response:
    """The old ``{"next_asset_tag": ...}`` for ``prefix`` (default prefix if absent)."""
    tag = services.tags().preview_next(request.args.get("prefix") or None)
    return jsonify({"next_asset_tag": str(tag)})


@bp.get("/labels/print")
@takes_query("assetId", "assetName", "size")
def labels_print() -> Response:
    """The old label link: a redirect to the label PDF of ``assetId`` or ``assetName``."""
    size = request.args.get("size", "large")
    if size not in _SIZES:
        raise InvalidInput(f"size must be large or small, not {size!r}")
    if request.args.get("assetId"):
        asset = services.assets().get(whole_number(request.args["assetId"], "assetId"))
        tag = asset.name.strip()
    elif request.args.get("assetName"):
        tag = request.args["assetName"].strip()
    else:
        raise InvalidInput("give assetId or assetName")
    # A tag, never a path: checked here, before it becomes part of the redirect.
    tag = str(services.settings().tag_formats.parse_lenient(tag))
    target = url_for("api_labels.label_pdf", tag=tag, template=_SIZES[size])
    return redirect(target, 302)
