"""``request-tracker-utils google sync``: the Google Admin sync of Chromebooks from a shell."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from rtutils_core.chrome_sync_report import ChromeSyncReport, report_csv, report_json
from rtutils_core.errors import InvalidInput
from rtutils_core.services.chrome_sync import ChromeSyncService

#: How often a real run logs its progress (every this many devices, and at the end).
PROGRESS_EVERY = 50


def add_google_commands(commands: Any) -> None:
    """Add the ``google`` command and its ``sync`` sub-command to the CLI's sub-parsers."""
    google = commands.add_parser("google", help="Google Admin: sync Chromebooks with RT assets")
    sub = google.add_subparsers(dest="google_command", metavar="GOOGLE_COMMAND", required=True)
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
) -> int:
    """Run ``google sync``; 0 when done, 1 when a write was refused (all in the report)."""
    if args.report:
        _check_writable(args.report)  # before the sync writes anything, not after
    report = service.dry_run() if args.dry_run else service.run(progress=_progress_logger(log))
    if args.report:
        _write_report(report, args.report, args.format)
    log.info("google_sync_done", dry_run=report.dry_run, **report.summary())
    print(_summary_line(report), file=out)
    return 1 if report.failures else 0


def _progress_logger(log: Any) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY == 0:
            log.info("google_sync_progress", done=done, total=total)

    return progress
