"""``request-tracker-utils db ...``: the stores' schemas and moving them into PostgreSQL.

These commands need neither RT nor a store that opens at the current schema, so they run
before the container is built (a store from a newer version stops the service itself).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from rtutils_adapters.stores import copy_stores, upgrade_stores
from rtutils_core.errors import ConfigError, RtutilsError
from rtutils_web.cli.command import failed, sub_commands
from rtutils_web.settings import Settings


def add_db_commands(commands: Any) -> None:
    """Add the ``db`` command and its sub-commands to the CLI's sub-parsers."""
    sub = sub_commands(commands, "db", "the stores: upgrade their schemas, copy them")
    sub.add_parser(
        "upgrade",
        help="apply pending schema migrations to every store (STORE_URL, else SQLite in"
        " WORKING_DIR); the service also does this when it starts",
    )
    sub.add_parser(
        "copy",
        help="copy the SQLite stores of WORKING_DIR into the empty PostgreSQL database of"
        " STORE_URL (stop the service first), checked by counts, the last tag event and"
        " the highest ids",
    )


def _working_dir(settings: Settings) -> Path:
    if settings.working_dir is None:
        raise ConfigError("the db commands need WORKING_DIR (the demo has no lasting store)")
    return settings.working_dir


def run_db_command(args: argparse.Namespace, settings: Settings, out: TextIO | None = None) -> int:
    """Run one ``db`` sub-command (output to ``out``, default standard output); errors print
    their message and return 2 (configuration) or 1 (anything else)."""
    out = out or sys.stdout
    password = settings.store_password.reveal()
    try:
        working_dir = _working_dir(settings)
        if args.db_command == "upgrade":
            for change in upgrade_stores(settings.store_url, working_dir, password=password):
                done = "upgraded" if change.is_changed else "up to date"
                was = f"version {change.after} ({done}, was {change.before})"
                print(f"{change.component} schema: {was}", file=out)
        else:
            report, others = copy_stores(working_dir, settings.store_url, password=password)
            rows = ", ".join(f"{n} {table}" for table, n in report.counts.items())
            last = report.last_event
            tail = (
                f"; last event {last.id} ({last.state} {last.tag or last.detail})" if last else ""
            )
            print(f"copied {rows} into STORE_URL, checked{tail}", file=out)
            for copied in others:
                rows = ", ".join(f"{n} {table}" for table, n in copied.counts.items())
                print(f"copied {copied.component}: {rows}, checked", file=out)
    except ConfigError as error:
        return failed(f"configuration error: {error.message}", 2)
    except RtutilsError as error:
        return failed(error.message, 1)
    return 0
