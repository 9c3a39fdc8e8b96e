"""Print jobs: which labels go to which printer, how far sending got, and where jobs are kept.

A job lists its labels (asset id and tag) once, each printed ``copies`` times, and counts how
many of those prints the printer took (``printed``). Sending goes on from ``printed``, so a
job that failed half way and is retried prints every label exactly once in all.

States: ``queued`` (waiting to be sent), ``sending``, ``sent``, ``failed`` (with its
``reason``; the job stays to be retried). A retry puts a failed job back to ``queued``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from attrs import evolve, field, frozen

from rtutils_core.geometry import strings

JobState = Literal["queued", "sending", "sent", "failed"]
JOB_STATES: tuple[JobState, ...] = ("queued", "sending", "sent", "failed")
MAX_COPIES = 10


@frozen
class PrintItem:
    """One label of a job: the asset and the tag it carried when the job was made."""

    asset_id: int
    tag: str


def _items(items: Iterable[PrintItem]) -> tuple[PrintItem, ...]:
    return tuple(items)


@frozen
class PrintJob:
    """One request to print labels on one printer; ``at`` times are UTC.

    ``skipped`` names what was asked for and will not be printed (not found, no tag yet).
    """

    id: str
    printer: str
    template: str
    items: tuple[PrintItem, ...] = field(converter=_items)
    created_at: datetime
    updated_at: datetime
    copies: int = 1
    state: JobState = "queued"
    printed: int = 0
    reason: str = ""
    attempts: int = 0
    actor: str = ""
    skipped: tuple[str, ...] = field(default=(), converter=strings)

    @property
    def total(self) -> int:
        """How many labels come out of the printer when the job is done."""
        return len(self.items) * self.copies

    @property
    def is_finished(self) -> bool:
        return self.state == "sent"

    def remaining(self) -> list[tuple[int, PrintItem]]:
        """The prints still to send, as ``(position, item)``; each item ``copies`` times."""
        return [(n, self.items[n // self.copies]) for n in range(self.printed, self.total)]

    def moved(self, state: JobState, at: datetime, **changes: object) -> PrintJob:
        """This job in ``state`` from ``at`` on, with other ``changes``."""
        return evolve(self, state=state, updated_at=at, **changes)  # type: ignore[arg-type]
