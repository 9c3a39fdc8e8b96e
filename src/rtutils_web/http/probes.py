"""Liveness and readiness probes (no authentication)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from rtutils_core.errors import RtutilsError
from rtutils_web import services
from rtutils_web.access.auth import public

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz() -> Response:
    """The process is up and serving requests."""
    return jsonify(status="ok")


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
