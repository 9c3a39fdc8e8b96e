"""The intake desk: pick the common fields once, scan serial after serial.

The page is a script (``static/intake/desk.js``) over the JSON API: each scan goes into a
queue at once and is sent in order with its own idempotency key, so the scanner never waits
for RT and a retry never makes a second asset.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from rtutils_core.errors import RtutilsError
from rtutils_web import services
from rtutils_web.access.auth import requires

bp = Blueprint("pages_intake", __name__)


@bp.get("/intake")
@requires("operator")
def desk() -> str:
    """The desk page; the catalogs are listed here, their fields fetched by the script."""
    error = ""
    try:
        catalogs = [c.name for c in services.intake().catalogs()]
    except RtutilsError as problem:  # the page still loads and says why it cannot work
        catalogs, error = [], problem.message
    settings = services.settings()
    return render_template(
        "intake/desk.html",
        catalogs=catalogs,
        prefixes=[f.prefix for f in settings.tag_formats.all],
        max_batch=settings.max_batch,
        error=error,
    )
