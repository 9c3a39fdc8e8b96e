"""``request-tracker-utils tags ...``: administering the tag sequences from a shell."""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import datetime
from typing import Any, TextIO

from rtutils_core.errors import InvalidInput, RtutilsError
from rtutils_core.tags import TagFormat
from rtutils_core.tags.event_query import EventQuery
from rtutils_core.tags.reports import SyncReport
from rtutils_core.tags.sequences import shown
from rtutils_core.tags.service import TagService
from rtutils_web.cli.command import actor, failed, sub_commands


def _of_a_prefix(sub: Any, name: str, help: str) -> argparse.ArgumentParser:
    """A sub-command that acts on one prefix's sequence, chosen with ``--prefix``."""
    command: argparse.ArgumentParser = sub.add_parser(name, help=help)
    command.add_argument("--prefix", help="a configured prefix (default: PREFIX)")
    return command


def add_tag_commands(commands: Any) -> None:
    """Add the ``tags`` command and its sub-commands to the CLI's sub-parsers."""
    sub = sub_commands(commands, "tags", "asset tag sequences: sync, preview, set-next, ...")
    sub.add_parser(
        "sync",
        help="scan the backend for the highest tag of each prefix and start the sequence above"
        " it (first install, migration from the old tool)",
    )
    preview = _of_a_prefix(sub, "preview", "show the next tag of a prefix (changes nothing)")
    preview.add_argument(
        "--check-backend",
        action="store_true",
        help="also pass over tags that assets in the backend carry already",
    )
    set_next = _of_a_prefix(
        sub, "set-next", "make NUMBER (or a tag such as W12-00100) the next tag"
    )
    set_next.add_argument("number", metavar="NUMBER_OR_TAG")
    set_next.add_argument(
        "--force",
        action="store_true",
        help="allow going at or below a tag issued or present in the backend (logged)",
    )
    void = _of_a_prefix(
        sub, "void", "give up an asset's open reservation (e.g. the asset was deleted)"
    )
    void.add_argument("asset_id", type=int, metavar="ASSET_ID")
    void.add_argument("--reason", default="", help="why, for the event log")
    events = sub.add_parser("events", help="print the tag event log, newest first")
    events.add_argument("--tag", help="only events of this tag")
    events.add_argument("--asset", type=int, help="only events of this asset id")
    events.add_argument("--since", help="ISO date or time, UTC unless it says otherwise")
    events.add_argument("--until", help="ISO date or time, UTC unless it says otherwise")
    events.add_argument("--limit", type=int, default=50, help="most events shown (default 50)")
    events.add_argument("--csv", action="store_true", help="the whole filtered log as CSV")


def _moment(text: str | None, name: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{name} must be an ISO date or time such as 2025-01-31 or 2025-01-31T08:00,"
            f" not {text!r}"
        ) from None


def _describe(report: SyncReport, fmt: TagFormat) -> str:
    count = report.tags_found
    found = f"{report.prefix}: found {count} tag{'' if count == 1 else 's'}"
    if report.other_widths:
        found += f" ({report.other_widths} in another width)"
    found += f", highest {report.highest_tag}" if report.highest_tag else ""
    was = (
        f"was {shown(fmt, report.next_before)}"
        if report.next_after != report.next_before
        else "unchanged"
    )
    moved = f"next tag {report.next_tag} ({was})"
    text = f"{found}; {moved}"
    if report.out_of_range:
        text += f"; ignored names too long for the digits: {', '.join(report.out_of_range)}"
    return text


def run_tag_command(args: argparse.Namespace, tags: TagService, out: TextIO | None = None) -> int:
    """Run one ``tags`` sub-command (output to ``out``, default standard output); errors
    print their message and return 1."""
    out = out or sys.stdout
    who = {"actor": actor(), "request_id": f"cli-{uuid.uuid4().hex[:12]}"}
    try:
        if args.tags_command == "sync":
            for report in tags.sync(**who):
                print(_describe(report, tags.formats.for_prefix(report.prefix)), file=out)
        elif args.tags_command == "preview":
            print(tags.preview_next(args.prefix, check_backend=args.check_backend), file=out)
        elif args.tags_command == "set-next":
            number = int(args.number) if args.number.isdigit() else args.number
            tag = tags.set_next(args.prefix, number, force=args.force, **who)
            print(f"next tag: {tag}", file=out)
        elif args.tags_command == "void":
            tag = tags.void_reservation(args.asset_id, args.prefix, reason=args.reason, **who)
            print(f"voided {tag} (asset {args.asset_id})", file=out)
        else:
            _print_events(args, tags, out)
    except RtutilsError as error:
        return failed(error.message, 1)
    return 0


def _print_events(args: argparse.Namespace, tags: TagService, out: TextIO) -> None:
    query = EventQuery(
        tag=args.tag,
        asset_id=args.asset,
        since=_moment(args.since, "--since"),
        until=_moment(args.until, "--until"),
        limit=args.limit,
    )
    if args.csv:
        out.writelines(tags.events_csv(query))
        return
    for e in tags.events(query):
        asset = f"asset {e.asset_id}" if e.asset_id is not None else "-"
        line = f"{e.at:%Y-%m-%d %H:%M:%S}Z  {e.state:<12} {e.tag or e.prefix:<12} {asset:<12}"
        print(f"{line} {e.actor} {e.request_id}  {e.detail}".rstrip(), file=out)
