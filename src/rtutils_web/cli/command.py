"""What the commands share: how one adds its sub-commands, who it acts as, how it fails."""

from __future__ import annotations

import getpass
import sys
from typing import Any

PROG = "request-tracker-utils"
#: Characters of a progress bar on a terminal.
BAR_WIDTH = 30


def sub_commands(commands: Any, name: str, help: str) -> Any:
    """Add the command ``name`` to the CLI's sub-parsers; the sub-parsers of its own
    sub-commands, one of which it requires (named in ``args.<name>_command``)."""
    command = commands.add_parser(name, help=help)
    return command.add_subparsers(
        dest=f"{name}_command", metavar=f"{name.upper()}_COMMAND", required=True
    )


def actor() -> str:
    """Who a command acts as, for the event logs: ``cli:<user>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


def failed(message: str, status: int) -> int:
    """Tell the person at the console what failed (on standard error); returns ``status``,
    the command's exit status."""
    print(f"{PROG}: {message}", file=sys.stderr)
    return status


def bar(done: int, total: int, unit: str) -> str:
    """A progress bar and its count: ``[####------] 4/10 rows``."""
    filled = round(BAR_WIDTH * done / total) if total else BAR_WIDTH
    return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {done}/{total} {unit}"
