"""JSON API: issue tags, preview the next one, move a sequence, read the event log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from rtutils_web import services
from rtutils_web.auth import requires
from rtutils_web.events_io import event_filter, events_page
from rtutils_web.logs import get_logger
from rtutils_web.payloads import IssueTagBody, SequenceBody, parse_body, whole_number

bp = Blueprint("api_tags", __name__, url_prefix="/api/v1")
log = get_logger("rtutils.tags")


def json_body() -> Any:
    """The JSON body; ``{}`` when there is none (a 415 if it is not JSON)."""
    if not request.content_length and not request.data:
        return {}
    return request.get_json()


@bp.post("/assets/<asset_id>/tag")
@requires("operator")
def issue_tag(asset_id: str) -> tuple[Response, int]:
    """Give the asset the next tag: 201 when assigned now, 200 when it had one already."""
    body = parse_body(json_body(), IssueTagBody)
    issue = services.tags().issue_tag(
        whole_number(asset_id, "asset id"),
        body.prefix,
        actor=services.actor(),
        request_id=services.request_id(),
    )
    log.info(
        "tag_issued",
        asset_id=issue.asset_id,
        tag=str(issue.tag),
        prefix=issue.tag.prefix,
        status=issue.status,
    )
    answer = {"asset_id": issue.asset_id, "tag": str(issue.tag), "status": issue.status}
    return jsonify(answer), 201 if issue.status == "assigned" else 200


@bp.get("/tags/next")
def next_tag() -> Response:
    """The tag the next issue would hand out for ``prefix`` (default prefix if absent)."""
    tag = services.tags().preview_next(request.args.get("prefix"))
    return jsonify(next_tag=str(tag), prefix=tag.prefix)


@bp.put("/tags/sequence")
@requires("admin")
def set_sequence() -> Response:
    """Move a prefix's sequence so that its next tag is ``next``."""
    body = parse_body(json_body(), SequenceBody)
    tag = services.tags().set_next(
        body.prefix,
        body.next,
        force=body.force,
        actor=services.actor(),
        request_id=services.request_id(),
    )
    log.warning("sequence_set", prefix=tag.prefix, tag=str(tag), next=body.next, force=body.force)
    return jsonify(prefix=tag.prefix, next_tag=str(tag))


@bp.get("/tags/events")
def events() -> Response:
    """The tag event log, newest first."""
    wanted = event_filter(request.args, services.settings().tag_formats)
    return jsonify(events_page(services.tags().events(**wanted.as_kwargs())))


@bp.get("/tags/events.csv")
def events_as_csv() -> Response:
    """The whole filtered tag event log as a CSV download, streamed."""
    wanted = event_filter(request.args, services.settings().tag_formats, with_limit=False)
    rows = services.tags().events_csv(**wanted.without_limit())
    response = Response(rows, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="tag-events.csv"'
    return response
