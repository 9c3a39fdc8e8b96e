"""Desk pages for looking up assets: scan or type a tag, see the asset and its RT link."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rtutils_core.assets import Asset, AssetQuery
from rtutils_core.errors import InvalidInput, NotFound
from rtutils_core.loans import LoanFilter
from rtutils_core.tags.event_query import EventQuery
from rtutils_web import services
from rtutils_web.access.auth import current_principal
from rtutils_web.access.people import people_shown
from rtutils_web.assets.api import by_id
from rtutils_web.assets.schema import AssetJson
from rtutils_web.http.bodies import whole_number
from rtutils_web.http.query import takes_query

bp = Blueprint("pages", __name__)
PER_PAGE = 25


def _home(error: str = "", status: int = 200) -> tuple[str, int]:
    """The home page; after a failed look-up the field stays empty for the next scan."""
    raw_page = request.args.get("page", "1")
    page = whole_number(raw_page, "page") if raw_page.isdigit() else 1
    result = services.assets().search(AssetQuery(), page=page, per_page=PER_PAGE)
    html = render_template(
        "assets/home.html",
        assets=result,
        next_tag=str(services.tags().preview_next()),
        rt_url=services.settings().rt_url_shown,
        example=services.settings().tag_formats.default.example,
        error=error,
    )
    return html, status


@bp.get("/")
@takes_query("page")
def home() -> tuple[str, int]:
    """The look-up field (focused, for the scanner) and the list of assets."""
    return _home()


@bp.get("/lookup")
@takes_query("tag")
def lookup() -> tuple[str, int] | Response:
    """Find the device (tag, serial, internal name, Name) a scan names and show it; a person
    or student id goes to the search page for operators; below that role it is no device."""
    tag = request.args.get("tag", "").strip()
    if not tag:
        return _home(error="Scan or type a tag first.", status=400)
    try:
        found = services.scans().identify(tag)
        if found.asset is not None:
            return redirect(url_for("pages.asset", asset_id=found.asset.id))
        principal = current_principal()
        if found.is_person and principal is not None and principal.may("operator"):
            return redirect(url_for("pages_search.results", q=tag))
        # The reason a mistyped tag is not one; below operator a person is told no more.
        services.assets().by_tag(tag)
    except InvalidInput as error:
        return _home(error.message, 400)
    except NotFound as error:
        return _home(error.message, 404)
    return _home(found.reason, 404)


@bp.get("/assets/<int:asset_id>")
@takes_query("template")
def asset(asset_id: int) -> str:
    """One asset: its details, its RT link, and what the desk can do with it."""
    found, seen = by_id(asset_id)
    settings = services.settings()
    link = services.assets().url(found.id)
    details = AssetJson.of(found, link, settings.tag_formats, people=people_shown(), seen=seen)
    loans = services.loans()
    may_see_people = people_shown()
    return render_template(
        "assets/asset.html",
        asset=found,
        details=details,
        prefixes=[f.prefix for f in settings.tag_formats.all],
        next_tag=str(services.tags().preview_next()) if not details.tag else "",
        label=_label_choice(found) if details.tag else None,
        holders=loans.options.holders(found),
        damages=loans.options.damages,
        loan_events=loans.events(LoanFilter(asset_id=found.id)) if may_see_people else (),
        tag_events=services.tags().events(EventQuery(asset_id=found.id, limit=50)),
    )


def _label_choice(asset: Asset) -> dict[str, object]:
    """The templates, the one configured for the asset's Type, and the one asked for."""
    labels = services.labels()
    asked = request.args.get("template") or None
    return {
        "templates": labels.template_names(),
        "default": labels.template_for(asset),
        "template": labels.template_for(asset, asked),
    }


@bp.get("/a/<tag>")
def short_link(tag: str) -> Response:
    """The short link printed in QR codes (QR_TARGET=service): on to the asset's page."""
    return redirect(url_for("pages.asset", asset_id=services.assets().by_tag(tag).id))
