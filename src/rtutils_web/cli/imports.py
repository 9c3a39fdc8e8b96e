"""``request-tracker-utils assets import FILE.csv``: new devices from a CSV file.

The command imports in this process, not through a job: the person at the terminal watches
it, and it works whether a worker runs or not. It shares the stores of ``WORKING_DIR`` with
the service, so an import cut off (Ctrl-C, a crash) is finished by running the same command
again: the rows imported before are found by serial and skipped, never created twice.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from rtutils_core.errors import RtutilsError
from rtutils_core.imports.csv_files import iter_results_csv
from rtutils_core.imports.importer import DryRun, ImportProgress, IntakeImport
from rtutils_core.imports.jobs import csv_text, parse_rows
from rtutils_web.cli.command import actor, bar, failed, sub_commands

#: Seconds between two redraws of the progress bar on a terminal.
REDRAW_EVERY = 0.1


def add_asset_commands(commands: Any) -> None:
    """Add the ``assets`` command and its ``import`` sub-command to the CLI's sub-parsers."""
    sub = sub_commands(commands, "assets", "new assets in bulk: import a CSV file")
    imports = sub.add_parser(
        "import",
        help="create an asset for each row of a CSV file (docs/intake.md: the columns);"
        " run it again after an interruption: rows imported before are skipped",
    )
    imports.add_argument("file", type=Path, metavar="FILE.csv")
    imports.add_argument(
        "--dry-run",
        action="store_true",
        help="check every row and print each problem by row number; create nothing",
    )
    imports.add_argument(
        "--result",
        type=Path,
        metavar="OUT.csv",
        help="where the result file goes (default: FILE.result.csv next to FILE.csv)",
    )


def format_seconds(seconds: float | None) -> str:
    """``1h 02m``, ``3m 20s``, ``12s``; ``?`` while unknown."""
    if seconds is None:
        return "?"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def progress_line(progress: ImportProgress) -> str:
    """One line of the bar: rows done of total, rate, time left, and the counts."""
    return (
        f"{bar(progress.done, progress.total, 'rows')}"
        f"  {progress.per_minute:.0f}/min  {format_seconds(progress.seconds_left)} left"
        f"  (created {progress.created}, skipped {progress.skipped}, failed {progress.failed})"
    )


class ProgressBar:
    """Redraws one line on a terminal; elsewhere (a log, a pipe) prints a line per tenth."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.live = out.isatty()
        self._drawn = 0.0
        self._tenth = -1

    def __call__(self, progress: ImportProgress) -> None:
        end = progress.done >= progress.total
        if self.live:
            now = time.monotonic()
            if end or now - self._drawn >= REDRAW_EVERY:
                self._drawn = now
                self.out.write("\r" + progress_line(progress) + ("\n" if end else ""))
                self.out.flush()
            return
        tenth = progress.done * 10 // max(progress.total, 1)
        if tenth != self._tenth:
            self._tenth = tenth
            print(progress_line(progress), file=self.out, flush=True)


def print_dry_run(report: DryRun, out: TextIO) -> None:
    for problem in report.problems:
        where = f"{problem.field.replace('_', ' ')}: " if problem.field else ""
        print(f"row {problem.row}: {where}{problem.message}", file=out)
    print(
        f"{report.total} rows: {report.ready} to create, {len(report.already)} imported"
        f" before, {len(report.bad_rows)} with problems",
        file=out,
    )


def run_asset_command(args: argparse.Namespace, importer: IntakeImport) -> int:
    """Run ``assets import``; 0 when every row is fine, 1 when a row is bad or failed."""
    try:
        rows = parse_rows(csv_text(args.file.read_bytes()), max_rows=None)
    except OSError as exc:
        return failed(f"cannot read {args.file}: {exc.strerror}", 2)
    except RtutilsError as error:
        return failed(f"{args.file}: {error.message}", 2)
    if args.dry_run:
        report = importer.dry_run(rows)
        print_dry_run(report, sys.stdout)
        return 1 if report.problems else 0
    result_file = args.result or args.file.with_name(args.file.stem + ".result.csv")
    # Opened first: a result file that cannot be written stops the import before its rows.
    with result_file.open("w", encoding="utf-8", newline="") as out:
        results = importer.run(rows, ProgressBar(sys.stderr), actor=actor())
        out.writelines(iter_results_csv(results))
    states = [r.state for r in results]
    print(
        f"{len(results)} rows: {states.count('created')} created,"
        f" {states.count('skipped')} imported before, {states.count('failed')} failed;"
        f" result file {result_file}",
    )
    for bad in (r for r in results if r.state == "failed"):
        print(f"row {bad.row}: {bad.error}", file=sys.stderr)
    return 1 if "failed" in states else 0
