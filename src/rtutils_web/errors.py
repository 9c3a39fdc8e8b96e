"""One table from the core's errors to HTTP statuses, and the handlers that use it.

API clients get ``{"error": {"code", "message", "request_id"}}``; browsers get a page.
Never a traceback, a token or an internal path.
"""

from __future__ import annotations

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from rtutils_core import errors as e
from rtutils_web.logs import get_logger

log = get_logger("rtutils.web")

#: Most specific first; the first class that matches decides the status.
STATUS_BY_ERROR: tuple[tuple[type[e.RtutilsError], int], ...] = (
    (e.LayoutError, 400),
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


def status_for(error: e.RtutilsError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 500


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str) -> tuple[Response | str, int]:
    request_id = getattr(g, "request_id", "")
    if wants_json():
        body = {"error": {"code": code, "message": message, "request_id": request_id}}
        return jsonify(body), status
    html = render_template(
        "error.html", status=status, code=code, message=message, request_id=request_id
    )
    return html, status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(e.RtutilsError)
    def _domain_error(error: e.RtutilsError) -> tuple[Response | str, int]:
        status = status_for(error)
        log.warning("request_failed", error_code=error.code, error=error.message, status=status)
        return error_response(status, error.code, error.message)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[Response | str, int]:
        code = (error.name or "error").lower().replace(" ", "_")
        return error_response(error.code or 500, code, error.description or error.name)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[Response | str, int]:
        log.exception("unhandled_error", error_type=type(error).__name__)
        return error_response(500, "internal_error", "an unexpected error occurred")
