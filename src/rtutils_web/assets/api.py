"""JSON API: look up and search assets."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from rtutils_core.assets import Asset
from rtutils_web import services
from rtutils_web.access.people import people_shown, refuse_person_filter
from rtutils_web.assets.schema import (
    CF_PREFIX,
    PAGING,
    PERSON_FIELDS,
    SEARCH_FIELDS,
    AssetJson,
    AssetPageJson,
    search_query,
)
from rtutils_web.http.answers import to_json
from rtutils_web.http.bodies import whole_number
from rtutils_web.http.query import takes_query

bp = Blueprint("api_assets", __name__, url_prefix="/api/v1/assets")


def asset_answer(asset: Asset) -> AssetJson:
    """The API's answer for ``asset``, with its link into RT."""
    formats = services.settings().tag_formats
    return AssetJson.of(asset, services.assets().url(asset.id), formats, people=people_shown())


@bp.get("/<asset_id>")
def get_asset(asset_id: str) -> Response:
    """One asset by its RT id."""
    asset = services.assets().get(whole_number(asset_id, "asset id"))
    return jsonify(to_json(asset_answer(asset)))


@bp.get("/by-tag/<tag>")
def get_asset_by_tag(tag: str) -> Response:
    """The asset carrying ``tag`` (as scanned)."""
    return jsonify(to_json(asset_answer(services.assets().by_tag(tag))))


@bp.get("")
@takes_query(*SEARCH_FIELDS, *PAGING, prefixes=(CF_PREFIX,))
def search_assets() -> Response:
    """A page of assets matching every given condition."""
    refuse_person_filter(name for name in PERSON_FIELDS if request.args.get(name))
    query = search_query(request.args)
    page = whole_number(request.args.get("page", "1"), "page")
    per_page = whole_number(request.args.get("per_page", "20"), "per_page")
    result = services.assets().search(query, page=page, per_page=per_page)
    return jsonify(to_json(AssetPageJson.of([asset_answer(a) for a in result.items], result)))
