"""``request-tracker-utils google sync``: the Google Admin sync of Chromebooks from a shell.

A real run runs here, in this process, with a progress bar (or progress log lines without a
terminal), and is recorded as a ``google-sync`` job, so that the jobs page and API show it
like a run started there. Here rather than queued, because the nightly timer's one-shot unit
then holds the run itself (its exit status and journal are the run's), it needs no worker
running (``JOBS_WORKER=separate``), and ``--report`` gets the whole report, which the job
store does not keep (it holds annotated users). ``--queue`` hands the run to the job worker
instead and prints the job's id.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from rtutils_adapters.jobs.worker import worker_name
from rtutils_core.errors import InvalidInput, RtutilsError
from rtutils_core.google.report import ChromeSyncReport, report_csv, report_json
from rtutils_core.google.service import ChromeSyncService, chrome_sync_job_kind, start_sync
from rtutils_core.jobs.service import JobService
from rtutils_web.cli.command import bar, sub_commands

#: How often a real run logs its progress (every this many devices, and at the end).
PROGRESS_EVERY = 50


def add_google_commands(commands: Any) -> None:
    """Add the ``google`` command and its ``sync`` sub-command to the CLI's sub-parsers."""
    sub = sub_commands(commands, "google", "Google Admin: sync Chromebooks with RT assets")
    sync = sub.add_parser(
        "sync",
        help="match Chrome OS devices to RT assets and write what differs (see docs/google.md)",
    )
    sync.add_argument(
        "--dry-run", action="store_true", help="report what would change, write nothing"
    )
    # A file, not stdout: the service's JSON log lines go to stdout.
    sync.add_argument("--report", metavar="FILE", help="write the whole report to FILE")
    sync.add_argument(
        "--queue",
        action="store_true",
        help="queue the run for the job worker and print its job id instead of running here",
    )
    sync.add_argument(
        "--format",
        choices=("json", "csv"),
        default="json",
        help="format of --report (default json)",
    )


def _summary_line(report: ChromeSyncReport) -> str:
    mode = "dry run" if report.dry_run else "sync"
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report.summary().items())
    return f"google {mode}: {counts}"


def _check_writable(target: str) -> None:
    try:
        with Path(target).open("a", encoding="utf-8"):
            pass
    except OSError as error:
        raise InvalidInput(f"cannot write the report to {target!r} ({error.strerror})") from None


def _write_report(report: ChromeSyncReport, target: str, fmt: str) -> None:
    text = report_json(report) + "\n" if fmt == "json" else report_csv(report)
    try:
        Path(target).write_text(text, "utf-8")
    except OSError as error:
        raise InvalidInput(f"cannot write the report to {target!r} ({error.strerror})") from None


def run_google_command(
    args: argparse.Namespace,
    service: ChromeSyncService,
    log: Any,
    out: TextIO = sys.stdout,
    jobs: JobService | None = None,
) -> int:
    """Run ``google sync``; 0 when done, 1 when a write was refused (all in the report).

    With ``jobs``, a real run is recorded as a ``google-sync`` job (see the module's
    docstring); a run that fails raises its error, as without.
    """
    if args.report:
        _check_writable(args.report)  # before the sync writes anything, not after
    if getattr(args, "queue", False):
        if jobs is None or args.dry_run or args.report:
            raise InvalidInput("--queue runs the real sync in the worker: no --dry-run or --report")
        job = start_sync(jobs)
        print(f"google sync queued: job {job.id}", file=out)
        return 0
    if args.dry_run:
        report = service.dry_run()
    elif jobs is None:
        report = service.run(progress=_progress_reporter(log))
    else:
        report = _run_as_job(service, jobs, log)
    if args.report:
        _write_report(report, args.report, args.format)
    if log is not None:
        log.info("google_sync_done", dry_run=report.dry_run, **report.summary())
    print(_summary_line(report), file=out)
    return 1 if report.failures else 0


def _run_as_job(service: ChromeSyncService, jobs: JobService, log: Any) -> ChromeSyncReport:
    reports: list[ChromeSyncReport] = []
    progress = _progress_reporter(log)
    # This process's own run of the kind: the same run, plus the bar and the whole report.
    jobs.register(
        chrome_sync_job_kind(lambda: service, on_progress=progress, on_report=reports.append)
    )
    job = start_sync(jobs, here_as=worker_name())
    if job.state != "succeeded" or not reports:
        raise RtutilsError(job.error or f"the sync job {job.id} ended {job.state}")
    return reports[0]


def _progress_reporter(log: Any) -> Callable[[int, int], None]:
    """A bar on a terminal; log lines every PROGRESS_EVERY devices otherwise (the journal)."""
    live = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if live:
            end = "\n" if done == total else ""
            print(f"\r{bar(done, total, 'devices')}", end=end, file=sys.stderr, flush=True)
        elif log is not None and (done == total or done % PROGRESS_EVERY == 0):
            log.info("google_sync_progress", done=done, total=total)

    return progress
