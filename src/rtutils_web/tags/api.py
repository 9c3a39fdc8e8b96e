"""JSON API: issue tags, preview the next one, move a sequence, read the event log."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from rtutils_core.outbox import Accepted
from rtutils_web import services
from rtutils_web.access.auth import requires
from rtutils_web.http.answers import to_json
from rtutils_web.http.bodies import json_body, parse_body, whole_number
from rtutils_web.http.headers import content_disposition
from rtutils_web.http.query import takes_query
from rtutils_web.http.queued import QueuedJson
from rtutils_web.logs import get_logger
from rtutils_web.tags.schema import (
    CSV_FILTERS,
    EVENT_FILTERS,
    IssueTagBody,
    NextTagJson,
    SequenceBody,
    SequenceSetJson,
    TagEventListJson,
    TagIssueJson,
    event_query,
)

bp = Blueprint("api_tags", __name__, url_prefix="/api/v1")
log = get_logger("rtutils.tags")


@bp.post("/assets/<asset_id>/tag")
@requires("operator")
def issue_tag(asset_id: str) -> tuple[Response, int]:
    """Give the asset the next tag: 201 when assigned now, 200 when it had one already, 202
    while RT cannot be reached (the tag reserved now, written to RT when it answers)."""
    body = parse_body(json_body(), IssueTagBody)
    issue = services.device_desk().issue_tag(
        whole_number(asset_id, "asset id"),
        body.prefix,
        actor=services.actor(),
        request_id=services.request_id(),
        key=services.idempotency_key(),
    )
    if isinstance(issue, Accepted):
        op = issue.operation
        log.info("tag_queued", asset_id=op.asset_id, tag=op.tag, operation_id=op.id)
        return jsonify(to_json(QueuedJson.of(issue))), 202
    log.info(
        "tag_issued",
        asset_id=issue.asset_id,
        tag=str(issue.tag),
        prefix=issue.tag.prefix,
        status=issue.status,
    )
    answer = TagIssueJson(asset_id=issue.asset_id, tag=str(issue.tag), status=issue.status)
    return jsonify(to_json(answer)), 201 if issue.status == "assigned" else 200


@bp.get("/tags/next")
@takes_query("prefix")
def next_tag() -> Response:
    """The tag the next issue would hand out for ``prefix`` (default prefix if absent)."""
    tag = services.tags().preview_next(request.args.get("prefix"))
    return jsonify(to_json(NextTagJson.of(tag)))


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
    return jsonify(to_json(SequenceSetJson(prefix=tag.prefix, next_tag=str(tag))))


@bp.get("/tags/events")
@takes_query(*EVENT_FILTERS)
def events() -> Response:
    """The tag event log, newest first."""
    wanted = event_query(request.args, services.settings().tag_formats)
    found = services.tags().events(wanted)
    return jsonify(to_json(TagEventListJson.of(found)))


@bp.get("/tags/events.csv")
@takes_query(*CSV_FILTERS)
def events_as_csv() -> Response:
    """The whole filtered tag event log as a CSV download, streamed."""
    wanted = event_query(request.args, services.settings().tag_formats, with_limit=False)
    rows = services.tags().events_csv(wanted)
    response = Response(rows, mimetype="text/csv")
    response.headers["Content-Disposition"] = content_disposition("attachment", "tag-events.csv")
    return response
