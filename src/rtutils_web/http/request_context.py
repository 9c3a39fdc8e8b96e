"""Every request's id and its one log line (method, path, status, duration, user, RT's share)."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import structlog
from flask import Flask, Response, g, request

from rtutils_web import services
from rtutils_web.logs import get_logger

log = get_logger("rtutils.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_PRIVATE_PATH = "_rtutils_private_path"
F = TypeVar("F", bound=Callable[..., Any])


def private_path(view: F) -> F:
    """Mark a view whose URL names a person: its log line shows the route, not the path."""
    setattr(view, _PRIVATE_PATH, True)
    return view


def _logged_path(app: Flask) -> str:
    view = app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, _PRIVATE_PATH, False) and request.url_rule:
        return request.url_rule.rule  # logs carry ids, never a student's name
    return request.path


def install_request_context(app: Flask) -> None:
    """Give each request an id of ours (the caller's ``X-Request-ID`` kept beside it), echo it
    in ``X-Request-ID``, and log the request's line.

    Install it first, so that the id exists before anything else can fail.
    """

    @app.before_request
    def _begin() -> None:
        # Our id is always our own, so that no caller can choose or collide the ids of the
        # audit log; a caller's sane X-Request-ID is kept beside it to correlate with theirs.
        g.request_id = uuid.uuid4().hex
        incoming = request.headers.get("X-Request-ID", "")
        g.client_request_id = incoming if _REQUEST_ID.match(incoming) else None
        g.started = time.perf_counter()
        g.rt_usage = services.rt_metering()
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=g.request_id)
        if g.client_request_id:
            structlog.contextvars.bind_contextvars(client_request_id=g.client_request_id)

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        duration_ms = round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2)
        usage = g.get("rt_usage")
        rt = {"rt_requests": usage.requests, "rt_ms": usage.ms} if usage and usage.requests else {}
        log.info(
            "request",
            method=request.method,
            path=_logged_path(app),
            status=response.status_code,
            duration_ms=duration_ms,
            user=g.get("user_name"),
            **rt,
        )
        return response

    @app.teardown_request
    def _end(_exc: BaseException | None) -> None:
        structlog.contextvars.clear_contextvars()
