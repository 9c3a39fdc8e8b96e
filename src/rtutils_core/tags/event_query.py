"""Which tag events to read: one value through the port, the service, the stores and the web."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
from attrs import field, frozen

from rtutils_core.errors import InvalidInput


def _stripped(tag: str | None) -> str | None:
    return tag.strip() or None if tag is not None else None


def _utc(moment: datetime | None) -> datetime | None:
    """Event times are UTC; a naive time is taken to be UTC already."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _at_least_one(_instance: object, _attribute: object, limit: int | None) -> None:
    if limit is not None and limit < 1:
        raise InvalidInput(f"limit must be 1 or more, not {limit}")


@frozen
class EventQuery:
    """Events of ``tag`` and/or ``asset_id`` from ``since`` to ``until`` (both inclusive,
    UTC), newest first, at most ``limit`` of them (``None``: all). Every condition given must
    hold; the default is the newest 100 events."""

    tag: str | None = field(default=None, converter=_stripped)
    asset_id: int | None = None
    since: datetime | None = field(default=None, converter=_utc)
    until: datetime | None = field(default=None, converter=_utc)
    limit: int | None = field(default=100, validator=_at_least_one)

    def everything(self) -> EventQuery:
        """The same conditions without a limit (the CSV export is the whole filtered log)."""
        return attrs.evolve(self, limit=None)

    def matches(self, event_tag: str, asset_id: int | None, at: datetime) -> bool:
        """Whether an event with these fields meets every condition (the limit aside)."""
        return (
            (self.tag is None or event_tag == self.tag)
            and (self.asset_id is None or asset_id == self.asset_id)
            and (self.since is None or at >= self.since)
            and (self.until is None or at <= self.until)
        )


#: The default query: the newest 100 events.
NEWEST = EventQuery()
