"""``request-tracker-utils due ...``: the notices by e-mail from a shell or a timer.

``due notices`` runs tonight's reminders and overdue notices here, recorded as a
``due-notices`` job (the NixOS timer's one-shot unit holds the run: its exit status and
journal are the run's); ``due campaign --year Y`` sends the return campaign's notices.
``--dry-run`` writes who would get what as CSV to ``--report FILE`` (or standard output;
names and addresses: for an operator, not for a log) and sends nothing; ``--queue`` hands
the run to the job worker.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from rtutils_adapters.jobs.worker import worker_name
from rtutils_core.due import jobs as due_jobs
from rtutils_core.due.export import plan_csv
from rtutils_core.due.service import DueService
from rtutils_core.errors import InvalidInput, RtutilsError
from rtutils_core.jobs import Job
from rtutils_core.jobs.service import JobService


def add_due_commands(commands: Any) -> None:
    """Add the ``due`` command and its sub-commands to the CLI's sub-parsers."""
    due = commands.add_parser("due", help="notices by e-mail: reminders, overdue, campaign")
    sub = due.add_subparsers(dest="due_command", metavar="DUE_COMMAND", required=True)
    notices = sub.add_parser("notices", help="send today's reminders and overdue notices")
    campaign = sub.add_parser("campaign", help="send the return campaign's notices")
    campaign.add_argument("--year", type=int, required=True, help="the school year (its end)")
    for parser in (notices, campaign):
        parser.add_argument("--dry-run", action="store_true", help="list who would get what")
        # A file, not stdout: the service's JSON log lines go to stdout.
        parser.add_argument("--report", metavar="FILE", help="write the dry run's CSV to FILE")
        parser.add_argument("--queue", action="store_true", help="queue for the job worker")
        parser.add_argument("--day", type=date.fromisoformat, help="the day (default today)")


def run_due_command(
    args: argparse.Namespace, service: DueService, jobs: JobService, out: TextIO = sys.stdout
) -> int:
    """Run a ``due`` command; 0 when everything went, 1 when a notice failed."""
    day: date | None = args.day
    kind = due_jobs.NIGHTLY if args.due_command == "notices" else due_jobs.CAMPAIGN
    params: dict[str, Any] = {"day": day.isoformat()} if day else {}
    if kind == due_jobs.CAMPAIGN:
        params["year"] = args.year
    if args.dry_run:
        if args.queue:
            raise InvalidInput("--dry-run prints here: it cannot be queued")
        if kind == due_jobs.NIGHTLY:
            plan = service.plan_loans(day)
        else:
            plan = service.plan_campaign(args.year, day)
        text = plan_csv(plan)
        if args.report:
            try:
                Path(args.report).write_text(text, "utf-8")
            except OSError as error:
                raise InvalidInput(f"cannot write {args.report!r} ({error.strerror})") from None
        else:
            out.write(text)
        return 0
    if args.queue:
        job = jobs.submit(kind, params)
        print(f"due {args.due_command} queued: job {job.id}", file=out)
        return 0
    return _print_run(jobs.run_here(kind, params, worker=worker_name()), args, out)


def _print_run(job: Job, args: argparse.Namespace, out: TextIO) -> int:
    if job.state != "succeeded" or not isinstance(job.result, dict):
        raise RtutilsError(job.error or f"the notice job {job.id} ended {job.state}")
    result = job.result
    counts = ", ".join(
        f"{k} {result.get(k, 0)}" for k in ("notices", "sent", "deferred", "failed", "unreachable")
    )
    print(f"due {args.due_command} {result.get('day')}: {counts} (job {job.id})", file=out)
    return 1 if result.get("failed") else 0
