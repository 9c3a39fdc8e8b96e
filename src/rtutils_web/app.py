"""The Flask application factory."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import structlog
from flask import Flask, Response, g, request

from rtutils_core.settings import Settings
from rtutils_web.auth import current_principal, install_auth
from rtutils_web.blueprints import (
    api_assets,
    api_docs,
    api_labels,
    api_tags,
    health,
    login,
    pages,
    pages_labels,
    pages_tags,
)
from rtutils_web.container import Container, build_container
from rtutils_web.errors import register_error_handlers
from rtutils_web.logs import get_logger
from rtutils_web.payloads import is_tag
from rtutils_web.security import configure_security
from rtutils_web.tokens import TokenRegistry

log = get_logger("rtutils.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
BLUEPRINTS = (
    health,
    login,
    pages,
    pages_tags,
    pages_labels,
    api_docs,
    api_assets,
    api_tags,
    api_labels,
)


def create_app(settings: Settings | None = None, container: Container | None = None) -> Flask:
    """Build the app for ``settings`` (default: from the environment), or a ready container.

    Raises :class:`~rtutils_core.errors.ConfigError` (naming ``RTUTILS_API_TOKENS``) when a
    configured token is too short or has an unknown role.
    """
    if container is None:
        container = build_container(settings)
    settings = container.settings()
    tokens = TokenRegistry.parse(settings.api_tokens.reveal())
    if not tokens:
        log.warning("no_api_tokens", hint="set RTUTILS_API_TOKENS; nobody can sign in")
    app = Flask(__name__)
    app.config["SECRET_KEY"] = settings.secret_key.reveal() or uuid.uuid4().hex + uuid.uuid4().hex
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the documented field order
    app.extensions["rtutils"] = container
    container.metadata_warm_up()  # RT's catalogs and custom fields, in the background
    _install_request_context(app)  # first: the request id exists before anything can fail
    configure_security(app, settings)
    install_auth(app, tokens)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint.bp)
    register_error_handlers(app)

    @app.context_processor
    def _page_context() -> dict[str, Any]:
        return {
            "backend": settings.backend,
            "principal": current_principal(),
            "is_tag": lambda name: is_tag(name, settings.tag_formats),
        }

    return app


def _install_request_context(app: Flask) -> None:
    @app.before_request
    def _begin() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()
        g.rt_usage = app.extensions["rtutils"].rt_metering()
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=g.request_id)

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        duration_ms = round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2)
        usage = g.get("rt_usage")
        rt = {"rt_requests": usage.requests, "rt_ms": usage.ms} if usage and usage.requests else {}
        log.info(
            "request",
            method=request.method,
            path=request.path,
            status=response.status_code,
            duration_ms=duration_ms,
            user=g.get("user_name"),
            **rt,
        )
        return response

    @app.teardown_request
    def _end(_exc: BaseException | None) -> None:
        structlog.contextvars.clear_contextvars()
