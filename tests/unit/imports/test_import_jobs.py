"""CSV imports as background jobs on the fakes: 500 rows of which 10 are bad, file checks,
progress with pace, the result file, cancellation and a job run again."""

from __future__ import annotations

import csv
import io
import stat

import pytest
from tests.intake_world import memory_world
from tests.rt_harness import STUDENT_DEVICES
from tests.unit.imports.test_intake_import import BAD, assets_by_serial, five_hundred_rows

from rtutils_adapters.memory.jobs import InlineJobQueue, MemoryJobStore
from rtutils_adapters.sqlite.import_files import ImportFileFolder
from rtutils_core.assets import AssetDraft
from rtutils_core.errors import (
    BatchTooLarge,
    ImportNotFinished,
    InvalidInput,
    JobNotFound,
    NotFound,
)
from rtutils_core.imports.csv_files import read_rows
from rtutils_core.imports.importer import IntakeImport
from rtutils_core.imports.jobs import ImportJobs, ImportRunner, ImportStatus, csv_text
from rtutils_core.jobs import JobCancelled, JobKind
from rtutils_core.jobs.service import JobService

FILE = "\n".join(five_hundred_rows()) + "\n"


class Ticks:
    """A monotonic clock that moves one second a reading."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


@pytest.fixture
def setup(tmp_path):
    world = memory_world()
    world.backend.create_asset(
        AssetDraft("OLD-9", STUDENT_DEVICES, custom_fields={"Serial Number": "IN-RT-ALREADY"})
    )
    importer = IntakeImport(world.service(), concurrency=8, clock=Ticks())
    files = ImportFileFolder.in_dir(tmp_path)
    queue = InlineJobQueue()
    jobs = JobService(MemoryJobStore(), queue)
    jobs.register(ImportRunner(importer, files).job_kind())
    return world, ImportJobs(importer, files, jobs), queue


def test_500_rows_10_bad_dry_run_names_them_the_job_creates_490_and_the_result_matches(
    setup, tmp_path
):
    world, imports, queue = setup
    report = imports.dry_run(FILE)
    assert report.bad_rows == tuple(sorted(BAD))
    assert {p.row: p.field for p in report.problems} == {n: f for n, (f, _) in BAD.items()}
    assert world.backend.calls.get("create_asset") == 1  # the set-up's only

    job = imports.submit(FILE, actor="desk-1")
    (kept,) = (tmp_path / "imports").glob("*.csv")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert imports.status(job.id).job.state == "queued"
    with pytest.raises(ImportNotFinished, match="it is queued"):
        imports.result_csv(job.id)
    queue.run_pending(imports.jobs)

    status = imports.status(job.id)
    assert (status.job.state, status.job.progress.done, status.job.progress.total) == (
        "succeeded",
        500,
        500,
    )
    assert (status.created, status.skipped, status.failed) == (490, 0, 10)
    assert status.per_minute > 0 and status.seconds_left == 0.0
    carriers = assets_by_serial(world.backend)
    assert sum(len(a) for a in carriers.values()) == 491  # 490 and the one there before
    assert all(len(a) == 1 for a in carriers.values())

    table = list(csv.DictReader(io.StringIO(imports.result_csv(job.id))))
    assert [int(e["row"]) for e in table] == list(range(2, 502))
    assert {int(e["row"]) for e in table if e["state"] == "failed"} == set(BAD)
    for entry in table:
        if entry["state"] == "failed":
            assert entry["error"] and not entry["asset_id"]
            continue
        asset = world.backend.get_asset(int(entry["asset_id"]))
        assert entry["state"] == "created"
        assert (asset.name, asset.cf("Internal Name")) == (entry["tag"], entry["internal_name"])
    (result,) = (tmp_path / "imports").glob("*.result.csv")
    assert stat.S_IMODE(result.stat().st_mode) == 0o600

    # The same file again, as a resumed job does: nothing is created twice.
    creates = world.backend.calls["create_asset"]
    again = imports.submit(FILE, actor="desk-1")
    queue.run_pending(imports.jobs)
    assert imports.status(again.id).skipped == 490
    assert world.backend.calls["create_asset"] == creates


def test_progress_carries_the_pace_while_the_job_runs(setup):
    _, imports, queue = setup
    imports.jobs.register(ImportRunner(imports.importer, imports.files, Ticks()).job_kind())
    store = imports.jobs.store
    seen = []
    real = store.report

    def report(job_id, worker, news):
        stored = real(job_id, worker, news)
        if news.checkpoint is not None:
            seen.append(ImportStatus.of(store.get(job_id)))
        return stored

    store.report = report
    imports.submit(FILE, actor="desk-1")
    queue.run_pending(imports.jobs)
    assert len(seen) > 400  # one report a row with this clock (at most 4 a second else)
    middle = next(s for s in seen if s.job.progress.done > 100)
    assert middle.job.progress.total == 500
    assert middle.per_minute > 0 and middle.seconds_left > 0
    assert middle.created + middle.failed == middle.job.progress.done


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", InvalidInput, "not CSV text in UTF-8"),
        (b"serial,catalog\n\x00,x\n", InvalidInput, "NUL bytes"),
        (b"serial,catalog,type\nA,B,C\n", InvalidInput, "lacks the columns manufacturer"),
        (b"", InvalidInput, "empty"),
        (FILE.splitlines()[0].encode() + b"\n", InvalidInput, "no rows below its header"),
    ],
)
def test_a_bad_file_is_refused_naming_the_problem_and_nothing_is_queued(
    setup, data, error, message
):
    _, imports, _ = setup
    with pytest.raises(error, match=message):
        imports.submit(csv_text(data), actor="desk-1")
    assert imports.jobs.list() == []


def test_a_file_with_too_many_rows_is_too_large(setup):
    _, imports, _ = setup
    imports.max_rows = 100
    with pytest.raises(BatchTooLarge, match="holds 500 rows; one import takes at most 100"):
        imports.dry_run(FILE)


def test_a_spreadsheet_byte_order_mark_is_not_part_of_the_first_column():
    assert csv_text("\ufeffcatalog,serial".encode()) == "catalog,serial"


def test_other_jobs_are_no_imports_and_a_vanished_file_fails_the_job(setup, tmp_path):
    _, imports, queue = setup
    imports.jobs.register(JobKind("other", lambda ctx: None))
    other = imports.jobs.submit("other")
    with pytest.raises(JobNotFound, match="not an import"):
        imports.status(other.id)
    job = imports.submit(FILE, actor="desk-1")
    for kept in (tmp_path / "imports").glob("*.csv"):
        kept.unlink()
    queue.run_pending(imports.jobs)
    failed = imports.status(job.id).job
    assert failed.state == "failed" and "no longer in" in failed.error
    with pytest.raises(ImportNotFinished, match="it failed: not_found"):
        imports.result_csv(job.id)
    with pytest.raises(InvalidInput, match="names no import file"):
        imports.files.read("../../etc/passwd")
    with pytest.raises(NotFound):
        imports.files.read("0" * 32)


def test_an_import_stopped_by_its_progress_report_starts_no_more_rows(setup):
    """Whatever the machine's load: a row starts only after the report of an earlier one, so
    beyond the rows reported when the job stops, at most ``concurrency - 1`` were under way
    (and finish); none starts after."""
    world, imports, _ = setup
    concurrency = imports.importer.concurrency
    stopped_at = []

    def cancel_at_20(progress):
        if progress.done >= 20:
            stopped_at.append(progress)
            raise JobCancelled("job 1 was cancelled")

    with pytest.raises(JobCancelled):
        imports.importer.run(read_rows(FILE.splitlines()), cancel_at_20)
    created = world.backend.calls["create_asset"] - 1
    (stop,) = stopped_at
    # The 10 bad rows count as done from the start, so 10 were created when it stopped.
    assert (stop.done, stop.created) == (20, 10)
    assert stop.created <= created <= stop.created + concurrency - 1
