"""Server-rendered pages for the IT desk."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from rtutils_core.assets import AssetQuery

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> str:
    container = current_app.extensions["rtutils"]
    settings = container.settings()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    result = container.asset_service().search(AssetQuery(), page=page, per_page=25)
    return render_template(
        "home.html",
        backend=settings.backend,
        rt_url=settings.rt_url,
        next_tag=str(container.tag_service().preview_next()),
        assets=result,
    )
