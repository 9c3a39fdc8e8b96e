"""The ``request-tracker-utils`` command: read the settings, then serve, check or run a command."""

from __future__ import annotations

import argparse
import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rtutils_core.errors import BackendUnreachable, ConfigError, RtutilsError
from rtutils_web.cli.command import PROG, failed
from rtutils_web.cli.db import add_db_commands, run_db_command
from rtutils_web.cli.due import add_due_commands, run_due_command
from rtutils_web.cli.google import add_google_commands, run_google_command
from rtutils_web.cli.imports import add_asset_commands, run_asset_command
from rtutils_web.cli.jobs import (
    add_job_commands,
    first_start,
    run_worker_command,
    start_inside_worker,
)
from rtutils_web.cli.serve import DEMO_TOKEN_NAME, hand_out_demo_token, serve
from rtutils_web.cli.students import add_student_commands, run_student_command
from rtutils_web.cli.tags import add_tag_commands, run_tag_command
from rtutils_web.settings import VARIABLES, Settings

if TYPE_CHECKING:
    from rtutils_web.container import Container


def _epilog() -> str:
    width = max(len(v.name) for v in VARIABLES)
    secrets_file = ", ".join(v.name for v in VARIABLES if v.secret)
    lines = [f"environment variables (the secrets file sets {secrets_file}):"]
    for v in VARIABLES:
        lines.append(f"  {v.name:<{width}}  {v.help} [default: {v.shown_default}]")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Asset tags, scannable labels and device look-ups for Request Tracker 5 Assets."
            " Without a command, serves the web app and JSON API."
        ),
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use the built-in demo backend (sets RTUTILS_BACKEND=demo)",
    )
    parser.add_argument("--host", help="address to listen on (overrides HOST)")
    parser.add_argument("--port", help="port to listen on (overrides PORT)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("serve", help="serve the web app and JSON API (the default)")
    commands.add_parser("check-config", help="validate the settings and the backend, then exit")
    add_tag_commands(commands)
    add_db_commands(commands)
    add_google_commands(commands)
    add_job_commands(commands)
    add_asset_commands(commands)
    add_student_commands(commands)
    add_due_commands(commands)
    return parser


def _environment(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, str]:
    env = dict(environ)
    if args.demo:
        env["RTUTILS_BACKEND"] = "demo"
    if (
        env.get("RTUTILS_BACKEND", "").strip().lower() == "demo"
        and not env.get("RTUTILS_API_TOKENS", "").strip()
    ):
        # The demo gets a fresh admin token per start, so a newcomer can sign in; it is a
        # secret like any other (redacted from logs) and printed once to the console.
        env["RTUTILS_API_TOKENS"] = f"{DEMO_TOKEN_NAME}:admin:{secrets.token_urlsafe(24)}"
    if args.host:
        env["HOST"] = args.host
    if args.port:
        env["PORT"] = args.port
    if "LOG_FORMAT" not in environ:
        env["LOG_FORMAT"] = "json"
    return env


#: The commands that start while RT cannot be reached (the web service and the worker).
KEEPS_WORKING = (None, "serve", "worker")

#: Files the service makes (databases, job queues, the demo token) are its own alone.
PRIVATE_UMASK = 0o077


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the command of ``argv``; its exit status. Every failure is a message on standard
    error and a status other than 0 (2: settings or start-up, else the command's own)."""
    args = build_parser().parse_args(argv)
    os.umask(PRIVATE_UMASK)
    raw_env = os.environ if environ is None else environ
    env = _environment(args, raw_env)
    try:
        settings = Settings.from_env(env)
    except ConfigError as error:
        return failed(f"configuration error: {error.message}", 2)

    from rtutils_web.logs import configure_logging, get_logger

    fmt = settings.log_format if "LOG_FORMAT" in raw_env else "auto"
    configure_logging(level=settings.log_level, fmt=fmt, secrets=settings.secrets())
    log = get_logger("rtutils.cli")
    if args.command == "db":
        return run_db_command(args, settings)
    event, what = FAILURES.get(args.command, ("startup_failed", "cannot start"))
    try:
        return _run(args, settings, raw_env, log)
    except RtutilsError as error:
        log.error(event, error_code=error.code, error=error.message)
        what = "configuration error" if isinstance(error, ConfigError) else what
        return failed(f"{what}: {error.message}", 2)
    except OSError as error:  # a file the command was asked to read or write
        log.error(event, error_code="os_error", error=error.strerror)
        return failed(f"{what}: {error.filename}: {error.strerror}", 2)


def _run(args: argparse.Namespace, settings: Settings, raw_env: Mapping[str, str], log: Any) -> int:
    from rtutils_web.container import build_container, check_start_up

    container = build_container(settings)
    if not settings.is_demo:
        try:
            container.backend().ping()
        except BackendUnreachable as error:
            if args.command not in KEEPS_WORKING:
                raise
            # RT restarting must not keep the desk from starting: its writes wait in the
            # outbox until RT answers (docs/outbox.md).
            log.warning("rt_unreachable_at_start", error_code=error.code, error=error.message)
    command = COMMANDS.get(args.command)
    if command is not None:  # what the command needs is built when it asks: no web app
        return command(args, container, log)
    if args.command == "worker":
        check_start_up(container)
        first_start(container, log)
        return run_worker_command(container, log)

    from rtutils_web.app import create_app

    app = create_app(container=container)
    if args.command == "check-config":
        print(f"configuration ok: backend={settings.backend}")
        return 0
    first_start(container, log)
    if settings.is_demo and not raw_env.get("RTUTILS_API_TOKENS", "").strip():
        hand_out_demo_token(settings, container.base.working_dir(), log)
    worker = start_inside_worker(container, log)
    try:
        return serve(settings, app)
    finally:
        if worker is not None:
            worker.stop()


def _tags(args: argparse.Namespace, container: Container, log: Any) -> int:
    return run_tag_command(args, container.tag_service())


def _google(args: argparse.Namespace, container: Container, log: Any) -> int:
    sync = container.google.chrome_sync_service()
    return run_google_command(args, sync, log, jobs=container.jobs.job_service())


def _students(args: argparse.Namespace, container: Container, log: Any) -> int:
    return run_student_command(args, container)


def _assets(args: argparse.Namespace, container: Container, log: Any) -> int:
    first_start(container, log)  # the import issues tags
    return run_asset_command(args, container.imports.intake_import())


def _due(args: argparse.Namespace, container: Container, log: Any) -> int:
    return run_due_command(args, container.due.due_service(), container.jobs.job_service())


#: The commands that need some services and no web app, by name.
COMMANDS: dict[str, Callable[[argparse.Namespace, Container, Any], int]] = {
    "tags": _tags,
    "google": _google,
    "students": _students,
    "assets": _assets,
    "due": _due,
}
#: A command's failure: the log event, and what the message on standard error calls it.
FAILURES = {
    "tags": ("tags_failed", "tags"),
    "google": ("google_sync_failed", "google sync failed"),
    "students": ("students_failed", "students"),
    "assets": ("asset_import_failed", "import failed"),
    "due": ("due_notices_failed", "notices failed"),
}
