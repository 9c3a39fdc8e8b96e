"""JSON API: look up and search assets."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, jsonify, request

from rtutils_core.assets import Asset
from rtutils_core.outbox import LastKnown
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


def asset_answer(asset: Asset, seen: LastKnown | None = None) -> AssetJson:
    """The API's answer for ``asset``, with its link into RT (``seen``: as last known)."""
    formats = services.settings().tag_formats
    url = services.assets().url(asset.id)
    return AssetJson.of(asset, url, formats, people=people_shown(), seen=seen)


def looked_up(
    read: Callable[[], Asset], seen: Callable[[], LastKnown | None]
) -> tuple[Asset, LastKnown | None]:
    """The asset ``read()`` finds in RT (and remembers it); while RT cannot be reached, the
    asset as last seen and when (RT's failure if this service never saw it)."""
    outbox = services.outbox()

    def live() -> tuple[Asset, LastKnown | None]:
        asset = read()
        outbox.remember([asset])
        return asset, None

    def known() -> tuple[Asset, LastKnown | None] | None:
        found = seen()
        return None if found is None else (found.asset, found)

    return outbox.live_or_known(live, known)


def by_id(asset_id: int) -> tuple[Asset, LastKnown | None]:
    """One asset by its RT id, or as last seen while RT cannot be reached."""
    known = services.outbox().known
    return looked_up(lambda: services.assets().get(asset_id), lambda: known.seen(asset_id))


@bp.get("/<asset_id>")
def get_asset(asset_id: str) -> Response:
    """One asset by its RT id (as last seen, marked, while RT cannot be reached)."""
    return jsonify(to_json(asset_answer(*by_id(whole_number(asset_id, "asset id")))))


@bp.get("/by-tag/<tag>")
def get_asset_by_tag(tag: str) -> Response:
    """The asset carrying ``tag`` (as scanned; as last seen while RT cannot be reached)."""
    formats, known = services.settings().tag_formats, services.outbox().known
    found = looked_up(
        lambda: services.assets().by_tag(tag),
        lambda: known.seen_by_tag(str(formats.parse_lenient(tag))),
    )
    return jsonify(to_json(asset_answer(*found)))


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
