"""Tags in the API: request bodies, answers, the event log as JSON and its filters."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from attrs import frozen

from rtutils_core.errors import InvalidInput, shown
from rtutils_core.tags import AssetTag, TagFormats
from rtutils_core.tags.event_query import EventQuery
from rtutils_core.tags.export import CSV_COLUMNS
from rtutils_core.tags.ports import TagEvent
from rtutils_web.http.answers import list_of, object_schema, prop
from rtutils_web.http.bodies import whole_number
from rtutils_web.http.openapi import ApiFacts, prefix_choice
from rtutils_web.http.properties import STRING

MAX_EVENTS = 1000
EVENT_FILTERS = ("tag", "asset_id", "since", "until", "limit")
#: The CSV export is the whole filtered log: no ``limit``.
CSV_FILTERS = EVENT_FILTERS[:-1]
#: RFC 3339 date-time: date, time and an offset (a time without one would be ambiguous).
_RFC3339 = re.compile(
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]([0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]+))?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)

# -- request bodies -------------------------------------------------------------------


def _prefix() -> Any:
    """The prefix of a body (default: the default format's); the service checks it is one."""
    return prop({"type": ["string", "null"]}, default=None, configured=prefix_choice)


def _numbers(facts: ApiFacts) -> dict[str, Any]:
    return {"maximum": facts.max_number}


@frozen
class IssueTagBody:
    prefix: str | None = _prefix()


@frozen
class SequenceBody:
    next: int = prop({"type": "integer", "minimum": 1}, configured=_numbers)
    prefix: str | None = _prefix()
    force: bool = prop({"type": "boolean", "default": False}, default=False)


# -- answers --------------------------------------------------------------------------


@frozen
class TagIssueJson:
    """The answer to issuing a tag."""

    asset_id: int = prop({"type": "integer", "minimum": 1})
    tag: str = prop(STRING)
    status: str = prop({"type": "string", "enum": ["assigned", "already-tagged"]})


@frozen
class SequenceSetJson:
    """The answer to moving a sequence."""

    prefix: str = prop(STRING)
    next_tag: str = prop(STRING)


@frozen
class NextTagJson:
    """The tag the next issue would hand out."""

    next_tag: str = prop(STRING)
    prefix: str = prop(STRING)

    @classmethod
    def of(cls, tag: AssetTag) -> NextTagJson:
        return cls(next_tag=str(tag), prefix=tag.prefix)


@frozen
class TagEventJson:
    """One event of the tag log; the fields are the CSV export's columns, in its order."""

    id: int = prop({"type": "integer"})
    at: datetime = prop({"type": "string", "format": "date-time"})
    state: str = prop(
        {
            "type": "string",
            "description": (
                "reserved, assigned, failed, skipped, voided, sequence-set or floor-raised"
            ),
        }
    )
    tag: str = prop(STRING)
    prefix: str = prop(STRING)
    number: int = prop({"type": "integer"})
    asset_id: int | None = prop({"type": ["integer", "null"]})
    actor: str = prop(STRING)
    request_id: str = prop(STRING)
    detail: str = prop(STRING)

    @classmethod
    def of(cls, event: TagEvent) -> TagEventJson:
        return cls(**{name: getattr(event, name) for name in CSV_COLUMNS})


@frozen
class TagEventListJson:
    """A filtered part of the event log, newest first."""

    events: list[TagEventJson] = prop(list_of("TagEvent"))
    count: int = prop({"type": "integer", "minimum": 0})

    @classmethod
    def of(cls, events: Sequence[TagEvent]) -> TagEventListJson:
        return cls([TagEventJson.of(e) for e in events], len(events))


SCHEMAS: dict[str, Any] = {
    "TagIssue": object_schema(TagIssueJson),
    "SequenceSet": object_schema(SequenceSetJson),
    "NextTag": object_schema(NextTagJson),
    "TagEvent": object_schema(TagEventJson),
    "TagEventList": object_schema(TagEventListJson),
}

# -- the event log's filters in a query string ----------------------------------------


def _when(raw: str, name: str) -> datetime:
    match = _RFC3339.match(raw)
    try:
        if match is None:
            raise ValueError(raw)
        day, time, fraction, offset = match.groups()
        fraction = f".{fraction[:6]}" if fraction else ""
        moment = datetime.fromisoformat(f"{day}T{time}{fraction}{offset.upper()}")
    except ValueError:
        raise InvalidInput(
            f"{name} must be a time with its offset such as '2024-09-01T08:00:00Z',"
            f" not {shown(raw)}"
        ) from None
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        # A time at the calendar's edge that UTC would take past it: no event is earlier
        # than its first moment or later than its last, so the edge filters the same.
        edge = datetime.min if moment.year == 1 else datetime.max
        return edge.replace(tzinfo=UTC)


def event_query(
    args: Mapping[str, str], formats: TagFormats, *, with_limit: bool = True
) -> EventQuery:
    """Filters from query parameters; unknown or malformed parameters are refused by name.

    Pages drop their empty form fields before calling this; the API refuses empty values.
    Without ``with_limit`` (the CSV export, which is the whole filtered log) ``limit`` is an
    unknown parameter too.
    """
    known = EVENT_FILTERS if with_limit else CSV_FILTERS
    for key in args:
        if key not in known:
            raise InvalidInput(f"unknown parameter {key!r}; known: {', '.join(known)}")
    limit = whole_number(args.get("limit", "100"), "limit")
    if limit > MAX_EVENTS:
        raise InvalidInput(f"limit must be at most {MAX_EVENTS}, not {limit}")
    tag, asset_id = args.get("tag"), args.get("asset_id")
    since, until = args.get("since"), args.get("until")
    return EventQuery(
        tag=str(formats.parse(tag)) if tag is not None else None,
        asset_id=whole_number(asset_id, "asset_id") if asset_id is not None else None,
        since=_when(since, "since") if since is not None else None,
        until=_when(until, "until") if until is not None else None,
        limit=limit if with_limit else None,
    )
