"""Liveness and readiness probes (no authentication)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from rtutils_core.errors import RtutilsError
from rtutils_web import services
from rtutils_web.access.auth import public

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz() -> Response:
    """The process is up and serving requests: 200 whatever RT does, with RT as this
    process last met it (without asking RT; ``/readyz`` asks) and how full the desk's
    outbox is."""
    outbox = services.outbox()
    try:
        depth = outbox.depth()
    except RtutilsError as error:  # the store is busy or gone: say so, still alive
        return jsonify(status="ok", rt="unknown", outbox={"error": error.code})
    waited = None
    if depth.oldest_waiting is not None:
        waited = round((outbox.clock() - depth.oldest_waiting).total_seconds())
    old = outbox.is_old(depth)
    answer: dict[str, Any] = {
        "waiting": depth.waiting,
        "needs_attention": depth.needs_attention,
        "oldest_seconds": waited,
    }
    if old:
        answer["warning"] = "the oldest operation waits longer than OUTBOX_WARN_AGE"
    rt, ago = outbox.rt_contact()
    return jsonify(
        status="ok", rt=rt, rt_seconds_ago=None if ago is None else round(ago), outbox=answer
    )


@bp.get("/readyz")
@public
def readyz() -> tuple[Response, int]:
    """The backend is reachable with our credentials."""
    settings = services.settings()
    try:
        services.backend().ping()
    except RtutilsError as error:
        return jsonify(status="unavailable", backend=settings.backend, reason=error.code), 503
    return jsonify(status="ready", backend=settings.backend), 200
