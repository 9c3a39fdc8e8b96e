"""CSV imports as background jobs: the file is kept, a job imports it, a result file remains.

The job is resumable. After a crash the job system hands it to a worker again, which runs
the whole file once more: :class:`~rtutils_core.imports.importer.IntakeImport` finds
the rows imported before by their serial (and their idempotency key) and skips them, and
finishes a row whose creation was cut off, so no device is created twice. The checkpoint
therefore holds no position, only the tally that the progress display reads.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from attrs import define, frozen

from rtutils_core.clock import utc_now
from rtutils_core.errors import BatchTooLarge, ImportNotFinished, InvalidInput, JobNotFound
from rtutils_core.imports.csv_files import CsvRow, RowResult, iter_results_csv, read_rows
from rtutils_core.imports.importer import DryRun, ImportProgress, IntakeImport
from rtutils_core.imports.ports import ImportFiles
from rtutils_core.jobs import Job, JobContext, JobKind, JsonValue
from rtutils_core.jobs.service import JobService

#: The job kind of a CSV import.
KIND = "import"
#: Most rows one file may hold; a bigger file is refused as too large.
MAX_ROWS = 5000
#: Seconds between two progress writes to the job store (the last one is always written).
REPORT_EVERY = 0.25
#: How long an import's uploaded file and its result file are kept.
RETENTION = timedelta(days=30)


def csv_text(data: bytes) -> str:
    """The text of an uploaded CSV file: UTF-8, with or without the mark spreadsheets add.

    Refuses what is no text (a spreadsheet's own format, a PDF), naming the problem.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"the file is not CSV text in UTF-8 (byte {exc.start} is not UTF-8);"
            " save it from the spreadsheet as 'CSV UTF-8'"
        ) from None
    if "\x00" in text:
        raise InvalidInput("the file is not CSV text (it holds NUL bytes); save it as CSV")
    return text


def parse_rows(text: str, max_rows: int | None = MAX_ROWS) -> list[CsvRow]:
    """The rows of a CSV file's text; refuses a file that is not CSV, lacks a required
    column or holds more than ``max_rows`` rows (None: any number), naming the problem."""
    try:
        rows = read_rows(text.splitlines())
    except csv.Error as exc:
        raise InvalidInput(f"the file is not readable as CSV: {exc}") from None
    if max_rows is not None and len(rows) > max_rows:
        raise BatchTooLarge(f"the file holds {len(rows)} rows; one import takes at most {max_rows}")
    return rows


@frozen
class ImportStatus:
    """An import job as the desk shows it: rows done of total, counts, pace, time left."""

    job: Job
    created: int
    skipped: int
    failed: int
    per_minute: float
    seconds_left: float | None

    @property
    def has_result(self) -> bool:
        return self.job.state == "succeeded"

    @classmethod
    def of(cls, job: Job) -> ImportStatus:
        tally: Mapping[str, Any] = job.checkpoint if isinstance(job.checkpoint, Mapping) else {}
        if isinstance(job.result, Mapping):
            tally = job.result
        done, total = job.progress.done, job.progress.total
        elapsed = float(tally.get("elapsed", 0.0))
        per_minute = done * 60 / elapsed if elapsed > 0 and done else 0.0
        left = None
        if job.is_finished:
            left = 0.0
        elif done and total is not None and elapsed > 0:
            left = round((total - done) * elapsed / done, 1)
        return cls(
            job,
            int(tally.get("created", 0)),
            int(tally.get("skipped", 0)),
            int(tally.get("failed", 0)),
            round(per_minute, 1),
            left,
        )


def _tally(progress: ImportProgress) -> dict[str, JsonValue]:
    return {
        "created": progress.created,
        "skipped": progress.skipped,
        "failed": progress.failed,
        "elapsed": round(progress.elapsed, 3),
    }


@define
class ImportRunner:
    """The worker's side: the ``import`` job kind, which imports a kept file."""

    importer: IntakeImport
    files: ImportFiles
    clock: Callable[[], float] = time.monotonic

    def job_kind(self) -> JobKind:
        """The ``import`` job kind; resumable, since every row is found by its serial."""
        return JobKind(KIND, self.run, resumable=True)

    def run(self, context: JobContext) -> JsonValue:
        """Import the job's file, reporting progress; write the result file; the tally."""
        params = context.params if isinstance(context.params, Mapping) else {}
        name = str(params.get("file", ""))
        rows = parse_rows(self.files.read(name), max_rows=None)  # checked when submitted
        last = [-REPORT_EVERY]
        final: list[ImportProgress] = []

        def report(progress: ImportProgress) -> None:
            final[:] = [progress]
            now = self.clock()
            if progress.done < progress.total and now - last[0] < REPORT_EVERY:
                return
            last[0] = now
            context.progress(progress.done, progress.total, checkpoint=_tally(progress))

        actor = str(params.get("actor", "import"))
        results = self.importer.run(rows, report, actor=actor, request_id=context.job.id)
        self.files.write_result(name, iter_results_csv(results))
        return {**_summary(results), "elapsed": _tally(final[0])["elapsed"] if final else 0.0}


def _summary(results: list[RowResult]) -> dict[str, JsonValue]:
    states = [r.state for r in results]
    return {
        "total": len(results),
        "created": states.count("created"),
        "skipped": states.count("skipped"),
        "failed": states.count("failed"),
    }


@define
class ImportJobs:
    """The submitting side: dry runs, new import jobs, their progress and result files."""

    importer: IntakeImport
    files: ImportFiles
    jobs: JobService
    max_rows: int = MAX_ROWS
    #: How long an import's file and result file are kept.
    retention: timedelta = RETENTION
    now: Callable[[], datetime] = utc_now

    def dry_run(self, text: str) -> DryRun:
        """Check every row of the file; changes nothing."""
        return self.importer.dry_run(parse_rows(text, self.max_rows))

    def submit(self, text: str, *, actor: str) -> Job:
        """Keep the file and queue its import; refuses a file that cannot be read at once."""
        rows = parse_rows(text, self.max_rows)
        if not rows:
            raise InvalidInput("the file holds no rows below its header")
        self.files.forget_before(self.now() - self.retention)  # older imports' files
        name = self.files.keep(text)
        return self.jobs.submit(KIND, {"file": name, "rows": len(rows), "actor": actor})

    def status(self, job_id: str) -> ImportStatus:
        """The import job ``job_id`` (:class:`JobNotFound` for any other job)."""
        job = self.jobs.get(job_id)
        if job.kind != KIND:
            raise JobNotFound(f"job {job_id!r} is not an import")
        return ImportStatus.of(job)

    def result_csv(self, job_id: str) -> str:
        """The result file of a finished import (:class:`ImportNotFinished` before)."""
        job = self.status(job_id).job
        params = job.params if isinstance(job.params, Mapping) else {}
        text = self.files.result(str(params.get("file", ""))) if job.is_finished else None
        if text is None:
            why = f"it failed: {job.error}" if job.state == "failed" else f"it is {job.state}"
            if job.state == "succeeded":
                why = f"it was removed {self.retention.days} days after the import"
            raise ImportNotFinished(f"import {job_id} has no result file yet ({why})")
        return text
