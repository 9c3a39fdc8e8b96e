"""``request-tracker-utils students ...``: the roster import (and the RT user-field sync)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from rtutils_core.errors import InvalidInput
from rtutils_core.students import ImportReport, school_year_of
from rtutils_web.cli.command import sub_commands

#: Most bytes of a roster file (a district's roster is far smaller).
MAX_ROSTER_BYTES = 20 * 1024 * 1024


def add_student_commands(commands: Any) -> None:
    """Add the ``students`` command and its sub-commands to the CLI's sub-parsers."""
    sub = sub_commands(commands, "students", "the student roster (see docs/students.md)")
    found = sub.add_parser("import", help="import the roster CSV from the school system")
    found.add_argument("file", metavar="FILE.csv", help="the roster file (UTF-8 CSV)")
    found.add_argument(
        "--dry-run", action="store_true", help="report what would change, write nothing"
    )
    found.add_argument(
        "--remove-missing",
        action="store_true",
        help="remove students that are not in the file (they are reported either way)",
    )
    sync = sub.add_parser(
        "sync-fields",
        help="write student id and graduation year to RT user custom fields (changes only)",
    )
    sync.add_argument(
        "--dry-run", action="store_true", help="report what would change, write nothing"
    )
    sync.add_argument(
        "--year",
        type=int,
        help="the school year, named by the year it ends in (default: this one)",
    )


def read_roster_file(name: str) -> str:
    """The text of roster file ``name``; a clear error for one that cannot be read."""
    path = Path(name)
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise InvalidInput(f"{name} is larger than {MAX_ROSTER_BYTES // 2**20} MiB")
        return path.read_text("utf-8")
    except OSError as error:
        raise InvalidInput(f"cannot read {name!r} ({error.strerror})") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{name!r} is not UTF-8 text; save the roster as UTF-8 CSV") from None


def print_import_report(report: ImportReport, out: TextIO) -> None:
    """The report as lines a person reads: counts, then bad rows, missing and unlinked ids."""
    mode = "dry run" if report.dry_run else "import"
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report.summary().items())
    print(f"students {mode}: {counts}", file=out)
    for bad in report.bad_rows:
        print(f"bad row: line {bad.line}: {bad.reason}", file=out)
    kept = "removed" if report.removed else "kept; --remove-missing removes them"
    if report.missing:
        print(f"not in the file ({kept}): {', '.join(report.missing)}", file=out)
    if report.unlinked:
        print(f"no RT user: {', '.join(report.unlinked)}", file=out)


def run_student_command(args: argparse.Namespace, container: Any, out: TextIO = sys.stdout) -> int:
    """Run a ``students`` sub-command; 0 when done, 1 when rows were bad or writes failed."""
    if args.students_command == "sync-fields":
        return _sync_fields(args, container, out)
    text = read_roster_file(args.file)
    report = container.students.roster_service().import_roster(
        text, dry_run=args.dry_run, remove_missing=args.remove_missing
    )
    print_import_report(report, out)
    return 1 if report.bad_rows else 0


def _sync_fields(args: argparse.Namespace, container: Any, out: TextIO) -> int:
    settings = container.settings()
    year = args.year or school_year_of(
        datetime.now(UTC).date(), settings.campaign_options.year_starts_month
    )
    report = container.students.user_field_sync().run(year, dry_run=args.dry_run)
    mode = "dry run" if report.dry_run else "sync"
    counts = ", ".join(f"{k} {v}" for k, v in report.summary().items())
    print(f"user fields {mode} for school year {year}: {counts}", file=out)
    for change in report.changes:
        values = ", ".join(
            f"{name} {change.before.get(name, '')!r} -> {value!r}"
            for name, value in change.values.items()
        )
        outcome = f" FAILED: {change.error}" if change.error else ""
        print(
            f"student {change.student_id} (RT user {change.user_id}): {values}{outcome}", file=out
        )
    return 1 if report.failures else 0
