"""JSON API: one label as PDF or PNG, and batches of labels as one PDF."""

from __future__ import annotations

from flask import Blueprint, Response, request

from rtutils_core.assets import Asset
from rtutils_core.labels.batches import SELECTORS, BatchSelection, check_one_selector
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.bodies import json_body, parse_body, whole_numbers
from rtutils_web.http.query import takes_query
from rtutils_web.labels.batches import batch_response, label_response, plan_batch
from rtutils_web.labels.schema import BatchBody

bp = Blueprint("api_labels", __name__, url_prefix="/api/v1/labels")


def _template() -> str | None:
    """The ``template`` query parameter, checked; absent means "by the asset's Type"."""
    template = request.args.get("template")
    return services.labels().check_template(template) if template is not None else None


def _labelled(tag: str) -> Asset:
    """The asset carrying ``tag``; while RT cannot be reached, with QR_TARGET=service, also a
    device received meanwhile (its QR code opens this service's link, which finds the asset
    once RT has it); else RT's failure."""

    def held() -> Asset | None:
        if services.settings().qr_target != "service":
            return None  # the QR code opens the asset in RT: it prints when the asset exists
        return services.device_desk().held_asset(tag)

    return services.outbox().live_or_known(lambda: services.assets().by_tag(tag), held)


@bp.get("/<tag>.pdf")
@takes_query("template")
def label_pdf(tag: str) -> Response:
    """The label of the asset carrying ``tag``, as a one-page PDF the size of the label."""
    template = _template()
    return label_response(_labelled(tag), template, "pdf")


@bp.get("/<tag>.png")
@takes_query("template")
def label_png(tag: str) -> Response:
    """The same label as a 300 dpi PNG, for previews."""
    template = _template()
    return label_response(_labelled(tag), template, "png")


@bp.post("/batch")
@requires("operator")
def batch() -> Response:
    """Labels for a list of tags, asset ids or a search, as one PDF (strict by default)."""
    raw = json_body()
    if isinstance(raw, dict):
        # Counted on the raw body: a selector sent as null is still a second selector.
        check_one_selector([key for key in SELECTORS if key in raw])
    body = parse_body(raw, BatchBody)
    template = services.labels().check_template(body.template) if body.template else None
    query = body.query.to_query() if body.query is not None else None
    asset_ids = whole_numbers(body.asset_ids, "asset_ids")
    selection = BatchSelection.of(body.tags, asset_ids, query)
    plan = plan_batch(selection, template, body.allow_missing)
    return batch_response(plan, template)
