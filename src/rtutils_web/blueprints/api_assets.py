"""JSON API: look up and search assets."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from rtutils_core.assets import Asset
from rtutils_web import services
from rtutils_web.payloads import asset_json, page_json, search_query, whole_number

bp = Blueprint("api_assets", __name__, url_prefix="/api/v1/assets")


def asset_body(asset: Asset) -> dict[str, Any]:
    """The API's JSON for ``asset``, with its link into RT."""
    return asset_json(asset, services.assets().url(asset.id), services.settings().tag_formats)


@bp.get("/<asset_id>")
def get_asset(asset_id: str) -> Response:
    """One asset by its RT id."""
    asset = services.assets().get(whole_number(asset_id, "asset id"))
    return jsonify(asset_body(asset))


@bp.get("/by-tag/<tag>")
def get_asset_by_tag(tag: str) -> Response:
    """The asset carrying ``tag`` (as scanned)."""
    return jsonify(asset_body(services.assets().by_tag(tag)))


@bp.get("")
def search_assets() -> Response:
    """A page of assets matching every given condition."""
    query = search_query(request.args)
    page = whole_number(request.args.get("page", "1"), "page")
    per_page = whole_number(request.args.get("per_page", "20"), "per_page")
    result = services.assets().search(query, page=page, per_page=per_page)
    return jsonify(page_json([asset_body(a) for a in result.items], result))
