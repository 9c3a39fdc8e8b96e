"""JSON API: ``GET /api/v1/search?q=``."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from rtutils_web.http.answers import to_json
from rtutils_web.http.query import takes_query
from rtutils_web.search.answers import search

bp = Blueprint("api_search", __name__, url_prefix="/api/v1")


@bp.get("/search")
@takes_query("q")
def search_all() -> Response:
    """Devices (and, for operators, people) that ``q`` names."""
    return jsonify(to_json(search(request.args.get("q", ""))))
