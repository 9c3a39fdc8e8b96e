"""Handing out asset tags that are never given twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from attrs import define, frozen

from rtutils_core.ports import AssetBackend, TagEvent, TagStore
from rtutils_core.tags import AssetTag, TagFormats


@frozen
class TagIssue:
    """The outcome of :meth:`TagService.issue_tag`."""

    asset_id: int
    tag: AssetTag
    status: str  # "assigned" (new tag written now) or "already-tagged"


@frozen
class SyncReport:
    """What ``tags sync`` found for one prefix."""

    prefix: str
    highest_in_backend: int
    highest_tag: str | None
    next_before: int
    next_after: int


@define
class TagService:
    backend: AssetBackend
    store: TagStore
    formats: TagFormats

    def preview_next(self, prefix: str | None = None) -> AssetTag:
        """The tag the next issue for ``prefix`` would hand out; changes nothing."""
        fmt = self.formats.for_prefix(prefix)
        return fmt.make(self.store.peek_next(fmt.prefix))

    def issue_tag(
        self,
        asset_id: int,
        prefix: str | None = None,
        *,
        actor: str = "library",
        request_id: str = "",
    ) -> TagIssue:
        """Give ``asset_id`` the next tag of ``prefix`` and write it to the backend."""
        raise NotImplementedError

    def events(
        self,
        *,
        tag: str | None = None,
        asset_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
    ) -> Sequence[TagEvent]:
        """The tag event log, newest first."""
        return self.store.events(tag=tag, asset_id=asset_id, since=since, until=until, limit=limit)

    def set_next(
        self,
        prefix: str | None,
        number: int,
        *,
        force: bool = False,
        actor: str = "library",
        request_id: str = "",
    ) -> AssetTag:
        """Move the sequence (admin); refuses to go at or below an issued tag unless forced."""
        raise NotImplementedError

    def sync(self, *, actor: str = "library", request_id: str = "") -> Sequence[SyncReport]:
        """Raise each prefix's sequence above the highest tag found in the backend."""
        raise NotImplementedError
