"""JSON API: the next tag, the tag event log."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, Response, jsonify, request

from rtutils_core.ports import TagEvent
from rtutils_web import services
from rtutils_web.events_io import event_filter, events_csv, events_page

bp = Blueprint("api_tags", __name__, url_prefix="/api/v1/tags")


@bp.get("/next")
def next_tag() -> Response:
    """The tag the next issue would hand out for ``prefix`` (default prefix if absent)."""
    prefix = request.args.get("prefix")
    tag = services.tags().preview_next(prefix)
    return jsonify(next_tag=str(tag), prefix=tag.prefix)


def _filtered_events() -> Sequence[TagEvent]:
    wanted = event_filter(request.args, services.settings().tag_formats)
    return services.tags().events(**wanted.as_kwargs())


@bp.get("/events")
def events() -> Response:
    """The tag event log, newest first."""
    return jsonify(events_page(_filtered_events()))


@bp.get("/events.csv")
def events_as_csv() -> Response:
    """The tag event log as a CSV download."""
    found = _filtered_events()
    response = Response(events_csv(found), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="tag-events.csv"'
    return response
