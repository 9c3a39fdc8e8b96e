"""Automatic tags: give every asset of the watched catalogs whose Name is not a tag its tag.

RT 5 has no scrips on assets, so nothing tells us when an asset is created: a scheduled job
polls instead. Each run reads the watched catalogs in bulk (one search per catalog and page)
and issues tags through :class:`~rtutils_core.tags.service.TagService`, which is idempotent
per asset: two runs at once, or a run and a desk, never give an asset two tags.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from attrs import define, frozen

from rtutils_core.assets import Asset, AssetQuery
from rtutils_core.bounded import run_bounded
from rtutils_core.errors import RtutilsError
from rtutils_core.jobs import JobContext, JobKind, JsonValue
from rtutils_core.tags.ports import TagStore
from rtutils_core.tags.reports import SyncReport, TagIssue
from rtutils_core.tags.service import TagService

log = logging.getLogger("rtutils.autotag")

ACTOR = "autotag"
#: The job kind of an automatic tag run.
KIND = "autotag"
#: Assets tagged at once: each tag costs a few backend round trips, and RT answers a few
#: requests side by side faster than one after the other.
DEFAULT_CONCURRENCY = 2


@frozen
class AutoTagReport:
    """What one run found and did; ``failed`` holds asset ids (never names)."""

    found: int = 0
    tagged: int = 0
    already: int = 0
    failed: tuple[int, ...] = ()
    queued_labels: int = 0

    def as_json(self) -> dict[str, JsonValue]:
        return {
            "found": self.found,
            "tagged": self.tagged,
            "already": self.already,
            "failed": list(self.failed),
            "queued_labels": self.queued_labels,
        }


@define
class AutoTagService:
    """Finds untagged assets of ``catalogs`` and tags them with ``prefix`` (default prefix).

    ``on_tagged`` is called for each asset tagged by this run, with the run's job context
    (None outside a job), to queue its label for printing through
    :meth:`~rtutils_core.jobs.JobContext.submit`; a failure there is logged and does not
    undo the tag. ``concurrency`` assets
    are tagged at once (the backend adapter and the tag store must be thread-safe, as the
    RT adapter and both tag stores are).
    """

    tags: TagService
    catalogs: tuple[str, ...]
    prefix: str | None = None
    on_tagged: Callable[[TagIssue, JobContext | None], None] | None = None
    concurrency: int = DEFAULT_CONCURRENCY

    def untagged(self, catalog: str) -> list[Asset]:
        """The assets of ``catalog`` whose Name is no tag of any configured prefix."""
        formats = self.tags.formats
        return [
            asset
            for asset in self.tags.backend.iter_assets(AssetQuery(catalog=catalog))
            if formats.read(asset.name) is None
        ]

    def run(self, context: JobContext | None = None, *, request_id: str = "") -> AutoTagReport:
        """One pass over the watched catalogs; logs and returns found, tagged and failed."""
        found = [asset for catalog in self.catalogs for asset in self.untagged(catalog)]
        outcomes: list[TagIssue | int] = []
        # A cancelled job raises from ``context.progress``: the tags under way still finish
        # as the pool closes, and no asset starts after the cancellation.
        limit = max(1, self.concurrency)
        with ThreadPoolExecutor(limit, "autotag") as pool:
            issues = run_bounded(pool, lambda asset: self._issue(asset, request_id), found, limit)
            for done, outcome in enumerate(issues):
                if context is not None:
                    context.progress(done, len(found))
                outcomes.append(outcome)
        new = [o for o in outcomes if isinstance(o, TagIssue) and o.status == "assigned"]
        report = AutoTagReport(
            found=len(found),
            tagged=len(new),
            already=sum(isinstance(o, TagIssue) for o in outcomes) - len(new),
            failed=tuple(sorted(o for o in outcomes if isinstance(o, int))),
            queued_labels=sum(self._queue_label(issue, context) for issue in new),
        )
        if context is not None:
            context.progress(len(found), len(found))
        log.info("automatic tags", extra={"catalogs": list(self.catalogs), **report.as_json()})
        return report

    def _issue(self, asset: Asset, request_id: str) -> TagIssue | int:
        """The asset's tag, or its id if it could not be tagged (logged)."""
        try:
            return self.tags.issue_tag(asset.id, self.prefix, actor=ACTOR, request_id=request_id)
        except RtutilsError as error:
            log.warning("automatic tag failed", extra={"asset_id": asset.id, "error": error.code})
            return asset.id

    def _queue_label(self, issue: TagIssue, context: JobContext | None) -> int:
        if self.on_tagged is None:
            return 0
        try:
            self.on_tagged(issue, context)
        except RtutilsError as error:
            log.warning(
                "label not queued after an automatic tag",
                extra={"asset_id": issue.asset_id, "error": error.code},
            )
            return 0
        return 1

    def job_kind(self) -> JobKind:
        """The ``autotag`` job kind; safe to resume, since every tag is idempotent."""
        return JobKind(KIND, lambda ctx: self.run(ctx, request_id=ctx.job.id).as_json(), True)


def sync_if_empty(
    tags: TagService, store: TagStore, *, request_id: str = "start-up"
) -> Sequence[SyncReport]:
    """On a tag store that never handed out or moved anything, sync the sequences with RT.

    A first start against an RT whose assets carry tags already (the old tool's) would
    otherwise try those tags and skip them one by one. Returns the sync's reports, or
    nothing when the store has a history.
    """
    if store.events():
        return ()
    reports = tags.sync(actor="start-up", request_id=request_id)
    for report in reports:
        log.info(
            "tag sequence synced on first start",
            extra={
                "prefix": report.prefix,
                "tags_found": report.tags_found,
                "next_tag": report.next_tag,
            },
        )
    return reports
