"""Who may do what: every request is authenticated, every view names the role it needs.

Default deny: a view is open to anonymous callers only if it is marked :func:`public`; every
other view needs at least ``viewer`` or the role given with :func:`requires`.

Callers prove who they are with ``Authorization: Bearer <token>`` (any path) or with the
signed session cookie set by the login page. The API accepts the cookie for reading only
(so the desk pages can show label previews); API writes need the Bearer header, which a
browser never sends on its own, so they cannot be forged cross-site. Page forms carry a CSRF
token instead (Flask-WTF's ``CSRFProtect``); a desk page's script that writes through the API
with the cookie sends the page's CSRF token in the ``X-CSRFToken`` header, checked the same way.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any, TypeVar

import structlog
from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, Unauthorized
from werkzeug.wrappers import Response

from rtutils_web import services
from rtutils_web.access.sessions import SessionStore
from rtutils_web.access.throttle import AuthThrottle
from rtutils_web.access.tokens import Principal, TokenRegistry
from rtutils_web.logs import get_logger

F = TypeVar("F", bound=Callable[..., Any])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_ENDPOINTS = frozenset({"static"})
_PUBLIC = "_rtutils_public"
_ROLE = "_rtutils_role"
log = get_logger("rtutils.auth")


def public(view: F) -> F:
    """Mark a view as open without authentication."""
    setattr(view, _PUBLIC, True)
    return view


_SIGNED = "_rtutils_signed"


def signed_by_caller(view: F) -> F:
    """Mark a view as open without a session or token and without CSRF: it checks a shared
    secret in the request itself (a webhook), so no browser session can be abused."""
    setattr(view, _SIGNED, True)
    return public(view)


def requires(role: str) -> Callable[[F], F]:
    """Mark a view as needing ``role`` (``viewer`` is the default for every view)."""

    def mark(view: F) -> F:
        setattr(view, _ROLE, role)
        return view

    return mark


def current_principal() -> Principal | None:
    """The caller of the current request, if authenticated."""
    principal: Principal | None = g.get("principal")
    return principal


def registry() -> TokenRegistry:
    tokens: TokenRegistry = current_app.extensions["rtutils_tokens"]
    return tokens


def sign_in(principal_name: str) -> None:
    """Start a fresh session for the token named ``principal_name``."""
    entry = registry().by_name(principal_name)
    if entry is None:  # pragma: no cover - callers pass a name they just found
        raise Unauthorized("unknown token")
    session.clear()  # a new session on login: no fixation of an earlier cookie
    session["user"] = entry.name
    session["fp"] = TokenRegistry.fingerprint(entry, current_app.secret_key or "")
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    session["sid"] = sessions().start(entry.name, lifetime)
    session.permanent = True


def sign_out() -> None:
    """End the current session on the server: every copy of its cookie stops working."""
    session_id = session.get("sid")
    if isinstance(session_id, str):
        sessions().end(session_id)
    session.clear()


def sessions() -> SessionStore:
    return services.session_store()


def throttle() -> AuthThrottle:
    guard: AuthThrottle = current_app.extensions["rtutils_throttle"]
    return guard


def client_address() -> str:
    return request.remote_addr or "unknown"


def auth_failed(via: str, token_name: str | None = None) -> None:
    """Count a failed authentication against the address (429 once it is throttled) and log
    it (never the credential)."""
    throttle().failed(client_address())
    log.warning("auth_failed", via=via, remote_addr=client_address(), token_name=token_name)


def auth_passed(via: str, token_name: str) -> None:
    """A right credential: never throttled, but noted if its address is (a shared NAT or
    proxy address that someone else's wrong credentials have throttled)."""
    if throttle().passed(client_address(), token_name):
        log.warning(
            "auth_passed_throttled", via=via, remote_addr=client_address(), token_name=token_name
        )


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _bearer_challenge(message: str) -> Unauthorized:
    return Unauthorized(message, www_authenticate=WWWAuthenticate("bearer", {"realm": "rtutils"}))


def _from_header(tokens: TokenRegistry) -> Principal | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" and not _is_api():
        # Not ours: a reverse proxy's HTTP Basic auth in front of the desk passes its header on.
        return None
    if scheme.lower() != "bearer" or not presented.strip():
        raise _bearer_challenge("use 'Authorization: Bearer <token>'")
    entry = tokens.find(presented.strip())
    if entry is None:
        auth_failed("bearer")
        raise _bearer_challenge("the Bearer token is not valid")
    auth_passed("bearer", entry.name)
    return Principal(entry.name, entry.role, "token")


def _from_session(tokens: TokenRegistry) -> Principal | None:
    name = session.get("user")
    if not isinstance(name, str):
        return None
    entry = tokens.by_name(name)
    expected = TokenRegistry.fingerprint(entry, current_app.secret_key or "") if entry else ""
    if entry is None or not hmac.compare_digest(str(session.get("fp", "")), expected):
        # The token was removed or replaced since this login: the session ends with it.
        log.warning("session_refused", reason="token_changed", token_name=name)
        session.clear()
        return None
    session_id = session.get("sid")
    if not isinstance(session_id, str) or not sessions().is_live(session_id, entry.name):
        # Signed out (or expired) on the server: a copy of the cookie is worth nothing.
        log.warning("session_refused", reason="ended", token_name=name)
        session.clear()
        return None
    return Principal(entry.name, entry.role, "session")


def _login_redirect() -> Response:
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("login.login", next=target))


def _sends_csrf_header() -> bool:
    """A desk page's script writing through the API: its CSRF token decides (checked later)."""
    return bool(request.headers.get("X-CSRFToken"))


def _needs_csrf(principal: Principal | None) -> bool:
    """Page forms, and API writes made with the session cookie, must carry the CSRF token."""
    if request.method in SAFE_METHODS:
        return False
    return not _is_api() or (principal is not None and principal.via == "session")


def _authorize(principal: Principal | None, view: Callable[..., Any]) -> Response | None:
    if getattr(view, _PUBLIC, False) or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if principal is None:
        if _is_api():
            raise _bearer_challenge("sign in first: send 'Authorization: Bearer <token>'")
        return _login_redirect()
    if (
        _is_api()
        and principal.via == "session"
        and request.method not in SAFE_METHODS
        and not _sends_csrf_header()
    ):
        raise _bearer_challenge("API changes need 'Authorization: Bearer <token>', not a cookie")
    needed = getattr(view, _ROLE, "viewer")
    if not principal.may(needed):
        raise Forbidden(f"this needs the {needed} role; {principal.name!r} is {principal.role}")
    return None


def install_auth(app: Flask, tokens: TokenRegistry, guard: AuthThrottle | None = None) -> None:
    """Authenticate every request, enforce each view's role, and check CSRF on page forms;
    failed credentials count in ``guard`` (a throttle of this process's own by default)."""
    app.extensions["rtutils_tokens"] = tokens
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked below, after authentication
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # valid as long as the session: a desk stays open
    csrf = CSRFProtect(app)

    app.extensions["rtutils_throttle"] = guard if guard is not None else AuthThrottle()

    @app.before_request
    def _authenticate() -> Response | None:
        principal = _from_header(tokens) or _from_session(tokens)
        g.principal = principal
        if principal is not None:
            g.user_name = principal.name
            structlog.contextvars.bind_contextvars(user=principal.name)
        view = app.view_functions.get(request.endpoint or "")
        if view is None:
            return None  # routing answers 404/405 itself
        answer = _authorize(principal, view)
        if answer is None and _needs_csrf(principal) and not getattr(view, _SIGNED, False):
            csrf.protect()
        return answer
