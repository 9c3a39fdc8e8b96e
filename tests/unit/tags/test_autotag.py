"""Automatic tags and the first-start sync on fakes, asserted on end state."""

from __future__ import annotations

import pytest

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.memory.jobs import InlineJobQueue, MemoryJobStore
from rtutils_adapters.memory.tags import MemoryTagStore
from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_core.errors import BackendUnavailable
from rtutils_core.jobs import JobCancelled, JobContext
from rtutils_core.jobs.service import JobService
from rtutils_core.tags import TagFormat, TagFormats
from rtutils_core.tags.autotag import AutoTagReport, AutoTagService, sync_if_empty
from rtutils_core.tags.reports import TagIssue
from rtutils_core.tags.service import TagService

FORMATS = TagFormats(TagFormat("W12-", 5), (TagFormat("TEST-", 5),))


class FlakyBackend(MemoryBackend):
    """Fails the writes to the asset ids in ``broken``."""

    def __init__(self) -> None:
        super().__init__()
        self.broken: set[int] = set()

    def update_asset(self, asset_id, changes, if_version=None):
        if asset_id in self.broken:
            raise BackendUnavailable("RT answered 503")
        return super().update_asset(asset_id, changes, if_version)


@pytest.fixture
def backend() -> FlakyBackend:
    backend = FlakyBackend()
    for catalog in ("Watched", "Also Watched", "Other"):
        backend.add_catalog(catalog)
    return backend


def add(backend: MemoryBackend, name: str, catalog: str = "Watched") -> int:
    return backend.add_asset(AssetDraft(name=name, catalog=catalog)).id


def names(backend: MemoryBackend, catalog: str) -> dict[int, str]:
    return {a.id: a.name for a in backend.iter_assets(AssetQuery(catalog=catalog))}


def autotag(backend, store=None, **options) -> AutoTagService:
    """One asset at a time unless asked, so that tags follow asset ids."""
    tags = TagService(backend, store or MemoryTagStore(), FORMATS)
    return AutoTagService(tags, ("Watched", "Also Watched"), **{"concurrency": 1, **options})


def test_untagged_assets_of_watched_catalogs_get_tags_and_others_are_untouched(backend):
    new = [add(backend, f"Chromebook {i}") for i in range(3)]
    second = add(backend, "Cart", "Also Watched")
    tagged = add(backend, "W12-00500")
    other_prefix = add(backend, "TEST-00001")
    elsewhere = add(backend, "Projector", "Other")
    report = autotag(backend).run()
    assert report == AutoTagReport(found=4, tagged=4, already=0, failed=(), queued_labels=0)
    watched = names(backend, "Watched")
    assert [watched[i] for i in new] == ["W12-00001", "W12-00002", "W12-00003"]
    assert names(backend, "Also Watched")[second] == "W12-00004"
    assert (watched[tagged], watched[other_prefix]) == ("W12-00500", "TEST-00001")
    assert names(backend, "Other")[elsewhere] == "Projector"


def test_a_second_run_finds_nothing_and_tags_nothing_twice(backend):
    for i in range(25):
        add(backend, f"Laptop {i}")
    service = autotag(backend, concurrency=4)
    assert service.run().tagged == 25
    assert service.run() == AutoTagReport()
    assert sorted(names(backend, "Watched").values()) == [f"W12-{i:05d}" for i in range(1, 26)]


def test_a_failed_asset_is_counted_and_tagged_by_the_next_run(backend):
    ok, broken = add(backend, "Laptop A"), add(backend, "Laptop B")
    backend.broken.add(broken)
    store = MemoryTagStore()
    report = autotag(backend, store).run()
    assert (report.found, report.tagged, report.failed) == (2, 1, (broken,))
    backend.broken.clear()
    assert autotag(backend, store).run().tagged == 1
    watched = names(backend, "Watched")
    # The failed asset keeps the number it was given and gets it on the retry.
    assert (watched[ok], watched[broken]) == ("W12-00001", "W12-00002")


def test_labels_of_new_tags_are_queued_and_a_printer_failure_keeps_the_tag(backend):
    add(backend, "Laptop A")
    add(backend, "Laptop B")
    queued: list[TagIssue] = []

    def queue_label(issue: TagIssue, context: JobContext | None) -> None:
        if issue.tag.number == 2:
            raise BackendUnavailable("the label printer is offline")
        queued.append(issue)

    report = autotag(backend, on_tagged=queue_label).run()
    assert (report.tagged, report.queued_labels) == (2, 1)
    assert [str(i.tag) for i in queued] == ["W12-00001"]


def test_autotag_runs_as_a_resumable_job_with_progress(backend):
    for i in range(3):
        add(backend, f"Laptop {i}")
    queue = InlineJobQueue()
    jobs = JobService(MemoryJobStore(), queue)
    kind = autotag(backend).job_kind()
    jobs.register(kind)
    job = jobs.submit("autotag")
    queue.run_pending(jobs)
    done = jobs.get(job.id)
    assert kind.resumable
    assert (done.state, done.progress.done, done.progress.total) == ("succeeded", 3, 3)
    assert done.result == {"found": 3, "tagged": 3, "already": 0, "failed": [], "queued_labels": 0}


def test_first_start_on_an_empty_store_syncs_with_the_backend(backend):
    add(backend, "W12-01000")  # the old tool's tags are there already
    store = MemoryTagStore()
    tags = TagService(backend, store, FORMATS)
    (w12, _test) = sync_if_empty(tags, store)
    assert (w12.prefix, w12.next_after) == ("W12-", 1001)
    assert store.peek_next("W12-") == 1001
    assert sync_if_empty(tags, store) == ()  # the store has a history now


class CancelledAfter:
    """A job context whose progress report stops the job once ``after`` assets are done."""

    def __init__(self, after: int) -> None:
        self.after = after

    def progress(self, done, total, checkpoint=None):
        if done >= self.after:
            raise JobCancelled("job 1 was cancelled")


def test_a_cancelled_run_starts_no_more_assets_whatever_the_load(backend):
    for i in range(40):
        add(backend, f"Laptop {i}")
    service = autotag(backend, concurrency=4)
    with pytest.raises(JobCancelled):
        service.run(CancelledAfter(5))
    tagged = [n for n in names(backend, "Watched").values() if n.startswith("W12-")]
    # Five reported, the sixth's report raised; at most three more were under way.
    assert 6 <= len(tagged) <= 6 + 3
