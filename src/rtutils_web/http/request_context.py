"""Every request's id and its one log line (method, path, status, duration, user)."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from flask import Flask, Response, g, request

from rtutils_web.logs import get_logger

log = get_logger("rtutils.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def install_request_context(app: Flask) -> None:
    """Give each request an id (the caller's ``X-Request-ID`` if sane), echo it, log the line.

    Install it first, so that the id exists before anything else can fail.
    """

    @app.before_request
    def _begin() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=g.request_id)

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        duration_ms = round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2)
        log.info(
            "request",
            method=request.method,
            path=request.path,
            status=response.status_code,
            duration_ms=duration_ms,
            user=g.get("user_name"),
        )
        return response

    @app.teardown_request
    def _end(_exc: BaseException | None) -> None:
        structlog.contextvars.clear_contextvars()
