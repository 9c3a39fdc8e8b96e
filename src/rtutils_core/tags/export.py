"""The tag event log as people take it away: CSV for a spreadsheet."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator

from rtutils_core.csv_cells import spreadsheet_cell as _cell
from rtutils_core.tags.ports import TagEvent

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
