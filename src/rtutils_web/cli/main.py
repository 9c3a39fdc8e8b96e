"""The ``request-tracker-utils`` command: read the settings, then serve, check or run a command."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from rtutils_core.errors import ConfigError, RtutilsError
from rtutils_web.cli.db import add_db_commands, run_db_command
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


def _epilog() -> str:
    width = max(len(v.name) for v in VARIABLES)
    secrets_file = ", ".join(v.name for v in VARIABLES if v.secret)
    lines = [f"environment variables (the secrets file sets {secrets_file}):"]
    for v in VARIABLES:
        lines.append(f"  {v.name:<{width}}  {v.help} [default: {v.shown_default}]")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="request-tracker-utils",
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


#: Files the service makes (databases, job queues, the demo token) are its own alone.
PRIVATE_UMASK = 0o077


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.umask(PRIVATE_UMASK)
    raw_env = os.environ if environ is None else environ
    env = _environment(args, raw_env)
    try:
        settings = Settings.from_env(env)
    except ConfigError as error:
        print(f"request-tracker-utils: configuration error: {error.message}", file=sys.stderr)
        return 2

    from rtutils_web.logs import configure_logging, get_logger

    fmt = settings.log_format if "LOG_FORMAT" in raw_env else "auto"
    configure_logging(level=settings.log_level, fmt=fmt, secrets=settings.secrets())
    log = get_logger("rtutils.cli")
    if args.command == "db":
        return run_db_command(args, settings)

    from rtutils_web.app import create_app
    from rtutils_web.container import build_container

    try:
        container = build_container(settings)
        app = create_app(container=container)
        if not settings.is_demo:
            container.backend().ping()
    except RtutilsError as error:
        log.error("startup_failed", error_code=error.code, error=error.message)
        what = "configuration error" if isinstance(error, ConfigError) else "cannot start"
        print(f"request-tracker-utils: {what}: {error.message}", file=sys.stderr)
        return 2

    if args.command == "check-config":
        print(f"configuration ok: backend={settings.backend}")
        return 0
    if args.command == "tags":
        return run_tag_command(args, container.tag_service())
    if args.command == "google":
        return _run_google(args, container, log)
    if args.command == "students":
        return _run_students(args, container, log)
    try:
        first_start(container, log)
    except RtutilsError as error:
        log.error("startup_failed", error_code=error.code, error=error.message)
        print(f"request-tracker-utils: cannot start: {error.message}", file=sys.stderr)
        return 2
    if args.command == "worker":
        return run_worker_command(container, log)
    if args.command == "assets":
        return _run_assets(args, container, log)
    if settings.is_demo and not raw_env.get("RTUTILS_API_TOKENS", "").strip():
        hand_out_demo_token(settings, container.base.working_dir(), log)
    worker = start_inside_worker(container, log)
    try:
        return serve(settings, app)
    finally:
        if worker is not None:
            worker.stop()


def _run_google(args: argparse.Namespace, container: Any, log: Any) -> int:
    try:
        return run_google_command(
            args, container.google.chrome_sync_service(), log, jobs=container.jobs.job_service()
        )
    except RtutilsError as error:
        log.error("google_sync_failed", error_code=error.code, error=error.message)
        what = "configuration error" if isinstance(error, ConfigError) else "google sync failed"
        print(f"request-tracker-utils: {what}: {error.message}", file=sys.stderr)
        return 2


def _run_assets(args: argparse.Namespace, container: Any, log: Any) -> int:
    try:
        return run_asset_command(args, container.imports.intake_import())
    except RtutilsError as error:
        log.error("asset_import_failed", error_code=error.code, error=error.message)
        print(f"request-tracker-utils: import failed: {error.message}", file=sys.stderr)


def _run_students(args: argparse.Namespace, container: Any, log: Any) -> int:
    try:
        return run_student_command(args, container)
    except RtutilsError as error:
        log.error("students_failed", error_code=error.code, error=error.message)
        print(f"request-tracker-utils: students: {error.message}", file=sys.stderr)
        return 2
