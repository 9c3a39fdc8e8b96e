"""The search box's page: one device found opens its page; anything else lists the matches."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rtutils_core.errors import InvalidInput
from rtutils_web.http.query import takes_query
from rtutils_web.search.answers import search

bp = Blueprint("pages_search", __name__)


@bp.get("/search")
@takes_query("q")
def results() -> Response | tuple[str, int]:
    """What the top bar's box found."""
    text = request.args.get("q", "").strip()
    if not text:
        return render_template("search/results.html", query="", found=None, error=""), 200
    try:
        found = search(text)
    except InvalidInput as error:
        return render_template(
            "search/results.html", query=text, found=None, error=error.message
        ), 400
    if len(found.devices) == 1 and not found.people:
        return redirect(url_for("pages.asset", asset_id=found.devices[0].id))
    status = 200 if found.devices or found.people else 404
    return render_template("search/results.html", query=text, found=found, error=""), status
