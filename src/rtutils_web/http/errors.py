"""One table from the core's errors to HTTP statuses, and the handlers that use it.

API clients get ``{"error": {"code", "message", "request_id"}}``; browsers get a page.
Never a traceback, a token or an internal path.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from rtutils_core import errors as e
from rtutils_web.logs import get_logger

log = get_logger("rtutils.web")
F = TypeVar("F", bound=Callable[..., Any])

#: Most specific first; the first class that matches decides the status.
STATUS_BY_ERROR: tuple[tuple[type[e.RtutilsError], int], ...] = (
    (e.IdempotencyKeyReused, 422),  # a Conflict, but the request itself is wrong
    (e.LayoutError, 400),
    (e.BatchTooLarge, 413),
    (e.InvalidInput, 400),
    (e.NotFound, 404),
    (e.Conflict, 409),
    (e.BackendTimeout, 504),
    (e.BackendUnavailable, 503),
    (e.BackendAuthFailed, 502),
    (e.BackendRejected, 502),
    (e.UntrustworthyResult, 502),
    (e.BackendError, 502),
    (e.ConfigError, 500),
)


#: Codes for HTTP-level refusals, where Werkzeug's names read poorly in a JSON body.
CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}
_CSRF_MESSAGE = (
    "the form was not sent from this site or has expired (CSRF check); reload the page and"
    " try again"
)
#: Headers of an HTTP refusal that clients need (the auth challenge, the allowed methods).
_KEPT_HEADERS = ("WWW-Authenticate", "Allow", "Retry-After")


def status_for(error: e.RtutilsError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 500


def answers_json(view: F) -> F:
    """Mark a view whose every answer, errors included, is JSON (a webhook's caller is a
    program, whatever ``Content-Type`` and ``Accept`` it sends)."""

    @functools.wraps(view)
    def marked(*args: Any, **kwargs: Any) -> Any:
        g.answers_json = True
        return view(*args, **kwargs)

    return cast(F, marked)


def wants_json() -> bool:
    return (
        request.path.startswith("/api/")
        or bool(g.get("answers_json"))
        or request.accept_mimetypes.best == "application/json"
        or request.is_json  # a caller that sends JSON (a webhook) reads JSON back
    )


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response:
    """The error as JSON for API clients, as a page for browsers.

    ``details`` adds fields to the error object, such as the tags a batch could not find.
    """
    request_id = getattr(g, "request_id", "")
    if wants_json() or request_ctx.url_adapter is None:
        # No URL adapter: a Host outside TRUSTED_HOSTS, for which no page link can be built.
        body = {"error": {"code": code, "message": message, "request_id": request_id}}
        body["error"].update(details or {})
        response = jsonify(body)
    else:
        response = make_response(
            render_template(
                "error.html", status=status, code=code, message=message, request_id=request_id
            )
        )
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(e.RtutilsError)
    def _domain_error(error: e.RtutilsError) -> Response:
        status = status_for(error)
        log.warning("request_failed", error_code=error.code, error=error.message, status=status)
        details = error.details() if hasattr(error, "details") else None
        return error_response(status, error.code, error.message, details)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> Response:
        log.warning("csrf_rejected", reason=error.description)
        return error_response(400, "csrf_failed", _CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        code = (
            getattr(error, "error_code", None)
            or CODE_BY_STATUS.get(status)
            or (error.name or "error").lower().replace(" ", "_")
        )
        response = error_response(status, code, error.description or error.name)
        for name, value in error.get_headers():
            if name in _KEPT_HEADERS:
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled_error", error_type=type(error).__name__)
        return error_response(500, "internal_error", "an unexpected error occurred")
