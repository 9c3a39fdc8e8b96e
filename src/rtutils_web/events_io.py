"""The tag event log as JSON, and its filters from a query string."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs
from attrs import frozen

from rtutils_core.errors import InvalidInput
from rtutils_core.ports import TagEvent
from rtutils_core.tag_events import CSV_COLUMNS
from rtutils_core.tags import TagFormats
from rtutils_web.payloads import whole_number

#: The fields of an event in the JSON, in the order of the CSV export's columns.
EVENT_FIELDS = CSV_COLUMNS
MAX_EVENTS = 1000
_FILTERS = ("tag", "asset_id", "since", "until", "limit")
#: RFC 3339 date-time: date, time and an offset (a time without one would be ambiguous).
_RFC3339 = re.compile(
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]([0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]+))?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)


@frozen
class EventFilter:
    tag: str | None = None
    asset_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100

    def as_kwargs(self) -> dict[str, Any]:
        return attrs.asdict(self)

    def without_limit(self) -> dict[str, Any]:
        return attrs.asdict(self, filter=lambda a, _: a.name != "limit")


def _when(raw: str, name: str) -> datetime:
    match = _RFC3339.match(raw)
    try:
        if match is None:
            raise ValueError(raw)
        day, time, fraction, offset = match.groups()
        fraction = f".{fraction[:6]}" if fraction else ""
        return datetime.fromisoformat(f"{day}T{time}{fraction}{offset.upper()}")
    except ValueError:
        raise InvalidInput(
            f"{name} must be a time with its offset such as '2024-09-01T08:00:00Z', not {raw!r}"
        ) from None


def event_filter(
    args: Mapping[str, str], formats: TagFormats, *, with_limit: bool = True
) -> EventFilter:
    """Filters from query parameters; unknown or malformed parameters are refused by name.

    Pages drop their empty form fields before calling this; the API refuses empty values.
    Without ``with_limit`` (the CSV export, which is the whole filtered log) ``limit`` is an
    unknown parameter too.
    """
    known = _FILTERS if with_limit else tuple(f for f in _FILTERS if f != "limit")
    for key in args:
        if key not in known:
            raise InvalidInput(f"unknown parameter {key!r}; known: {', '.join(known)}")
    limit = whole_number(args.get("limit", "100"), "limit")
    if limit > MAX_EVENTS:
        raise InvalidInput(f"limit must be at most {MAX_EVENTS}, not {limit}")
    tag, asset_id = args.get("tag"), args.get("asset_id")
    since, until = args.get("since"), args.get("until")
    return EventFilter(
        tag=str(formats.parse(tag)) if tag is not None else None,
        asset_id=whole_number(asset_id, "asset_id") if asset_id is not None else None,
        since=_when(since, "since") if since is not None else None,
        until=_when(until, "until") if until is not None else None,
        limit=limit,
    )


def event_json(event: TagEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "state": event.state,
        "tag": event.tag,
        "prefix": event.prefix,
        "number": event.number,
        "asset_id": event.asset_id,
        "actor": event.actor,
        "request_id": event.request_id,
        "detail": event.detail,
    }


def events_page(events: Sequence[TagEvent]) -> dict[str, Any]:
    return {"events": [event_json(e) for e in events], "count": len(events)}
