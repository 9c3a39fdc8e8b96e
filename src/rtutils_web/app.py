"""The Flask application factory."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from flask import Flask, Response, g, request

from rtutils_core.settings import Settings
from rtutils_web.blueprints import health, pages
from rtutils_web.container import Container, build_container
from rtutils_web.errors import register_error_handlers
from rtutils_web.logs import get_logger

log = get_logger("rtutils.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def create_app(settings: Settings | None = None, container: Container | None = None) -> Flask:
    """Build the app for ``settings`` (default: from the environment), or a ready container."""
    if container is None:
        container = build_container(settings)
    settings = container.settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key.reveal() or uuid.uuid4().hex + uuid.uuid4().hex,
        MAX_CONTENT_LENGTH=1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.extensions["rtutils"] = container
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    register_error_handlers(app)
    _install_request_context(app)
    return app


def _install_request_context(app: Flask) -> None:
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
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
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
