"""What the tag service answers: the outcome of an issue, and a sync's report per prefix."""

from __future__ import annotations

from attrs import frozen

from rtutils_core.tags.values import AssetTag


@frozen
class TagIssue:
    """The outcome of :meth:`TagService.issue_tag`."""

    asset_id: int
    tag: AssetTag
    status: str  # "assigned" (new tag written now) or "already-tagged"


@frozen
class SyncReport:
    """What ``tags sync`` found for one prefix, and where it left the sequence."""

    prefix: str
    highest_in_backend: int
    highest_tag: str | None
    next_before: int
    next_after: int
    tags_found: int = 0
    #: Tags written in another width, such as the old tool's ``W12-1001``.
    other_widths: int = 0
    #: Names of the prefix too long for the configured digits; they cannot move the floor.
    out_of_range: tuple[str, ...] = ()
    #: The tag the sequence hands out next, e.g. ``W12-00017``.
    next_tag: str = ""


@frozen
class Scan:
    """The tags of one prefix found in the backend."""

    highest: AssetTag | None
    found: int
    other_widths: int
    out_of_range: tuple[str, ...]

    @property
    def highest_number(self) -> int:
        return self.highest.number if self.highest else 0
