"""Signing in to the desk pages with an access token, and signing out."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rtutils_web import services
from rtutils_web.access.auth import (
    auth_failed,
    auth_passed,
    current_principal,
    public,
    registry,
    sign_in,
    sign_out,
)
from rtutils_web.http.query import takes_query
from rtutils_web.http.redirects import safe_next
from rtutils_web.logs import get_logger

bp = Blueprint("login", __name__)
log = get_logger("rtutils.auth")


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("pages.home"))


def _form(error: str = "", status: int = 200) -> tuple[str, int]:
    page = render_template(
        "access/login.html",
        error=error,
        next=request.values.get("next", ""),
        is_demo=services.settings().is_demo,
    )
    return page, status


@bp.get("/login")
@takes_query("next")
@public
def login() -> tuple[str, int] | Response:
    """The sign-in form; someone already signed in goes straight on."""
    if current_principal() is not None:
        return redirect(_safe_next(request.args.get("next")))
    return _form()


@bp.post("/login")
@takes_query("next")
@public
def login_submit() -> tuple[str, int] | Response:
    """Check the token; on success start a new signed session."""
    entry = registry().find(request.form.get("token", "").strip())
    if entry is None:
        auth_failed("login")
        return _form("That access token is not valid.", 401)
    auth_passed("login", entry.name)
    sign_in(entry.name)
    g.user_name = entry.name  # the request line of the login names who signed in
    log.info("login", user=entry.name, role=entry.role)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> Response:
    """End the session."""
    log.info("logout")
    sign_out()
    return redirect(url_for("login.login"))
