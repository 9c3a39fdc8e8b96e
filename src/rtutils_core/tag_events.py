"""The tag event log as people take it away: CSV for a spreadsheet."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator

from rtutils_core.ports import TagEvent

CSV_COLUMNS = (
    "id",
    "at",
    "state",
    "tag",
    "prefix",
    "number",
    "asset_id",
    "actor",
    "request_id",
    "detail",
)

# A spreadsheet runs a cell starting with one of these as a formula; asset names and actors
# are typed by people, so they are quoted as text (OWASP's advice on CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _row(event: TagEvent) -> list[str]:
    return [
        _cell(event.id),
        event.at.isoformat(timespec="seconds"),
        _cell(event.state),
        _cell(event.tag),
        _cell(event.prefix),
        _cell(event.number),
        _cell(event.asset_id),
        _cell(event.actor),
        _cell(event.request_id),
        _cell(event.detail),
    ]


def iter_events_csv(events: Iterable[TagEvent]) -> Iterator[str]:
    """CSV text of ``events``: the header, then one chunk per event, ready to stream."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in itertools.chain([list(CSV_COLUMNS)], (_row(e) for e in events)):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def spreadsheet_cell(value: object) -> str:
    """``value`` as a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    return _cell(value)
