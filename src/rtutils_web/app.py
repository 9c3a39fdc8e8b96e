"""The Flask application factory."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask

from rtutils_web import openapi
from rtutils_web.access import login
from rtutils_web.access.auth import current_principal, install_auth
from rtutils_web.access.people import people_shown
from rtutils_web.access.tokens import TokenRegistry
from rtutils_web.assets.schema import is_tag
from rtutils_web.container import Container, build_container, check_start_up
from rtutils_web.features import FEATURES
from rtutils_web.http import probes
from rtutils_web.http.errors import register_error_handlers
from rtutils_web.http.hosts import install_host_rules
from rtutils_web.http.proxies import trust_forwarded_for
from rtutils_web.http.query import install_query_rules
from rtutils_web.http.request_context import install_request_context
from rtutils_web.http.security import configure_security
from rtutils_web.logs import get_logger
from rtutils_web.settings import Settings

log = get_logger("rtutils.http")
#: Blueprints of the shell itself; each feature's come from FEATURES.
SHELL_BLUEPRINTS = (probes.bp, login.bp, openapi.bp)


def create_app(settings: Settings | None = None, container: Container | None = None) -> Flask:
    """Build the app for ``settings`` (default: from the environment), or a ready container.

    Raises :class:`~rtutils_core.errors.ConfigError` (naming ``RTUTILS_API_TOKENS``) when a
    configured token is too short or has an unknown role.
    """
    if container is None:
        container = build_container(settings)
    check_start_up(container)
    settings = container.settings()
    tokens = TokenRegistry.parse(settings.api_tokens.reveal())
    if not tokens:
        log.warning("no_api_tokens", hint="set RTUTILS_API_TOKENS; nobody can sign in")
    app = Flask(__name__)
    app.config["SECRET_KEY"] = settings.secret_key.reveal() or uuid.uuid4().hex + uuid.uuid4().hex
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the documented field order
    app.extensions["rtutils"] = container
    app.wsgi_app = trust_forwarded_for(app.wsgi_app, settings.trusted_proxies)  # type: ignore[method-assign]
    container.base.metadata_warm_up()  # RT's catalogs and custom fields, in the background
    install_request_context(app)  # first: the request id exists before anything can fail
    configure_security(app, settings)
    install_host_rules(app, settings.trusted_hosts)
    install_auth(app, tokens, container.base.auth_throttle())
    install_query_rules(app)  # after sign-in: strangers learn nothing of a view's parameters
    for blueprint in SHELL_BLUEPRINTS:
        app.register_blueprint(blueprint)
    for feature in FEATURES:
        for blueprint in feature.blueprints:
            app.register_blueprint(blueprint)
    register_error_handlers(app)

    @app.context_processor
    def _page_context() -> dict[str, Any]:
        return {
            "backend": settings.backend,
            "principal": current_principal(),
            "people_shown": people_shown(),
            "is_tag": lambda name: is_tag(name, settings.tag_formats),
        }

    return app
