"""Serving the app with a production WSGI server, and the demo's one-time admin token."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any
from wsgiref.types import WSGIApplication

from rtutils_web.cli.command import failed
from rtutils_web.settings import Settings

DEMO_TOKEN_NAME = "demo-admin"  # noqa: S105 - the name shown in logs, not a secret
DEMO_TOKEN_FILE = "demo-admin-token"  # noqa: S105 - a file name


def hand_out_demo_token(settings: Settings, working_dir: Path, log: Any) -> None:
    """Show the generated demo token to the person at the console, once.

    Without a terminal (systemd, a pipe) the token would land in the journal or a log file,
    so it goes to a file only the service user can read, and the log says where.
    """
    token = settings.api_tokens.reveal().split(":", 2)[2]
    login = f"http://{settings.host}:{settings.port}/login"
    if sys.stderr.isatty():
        print(
            f"\nDemo: sign in at {login} with this admin token (shown once, valid until the"
            f" service stops):\n\n    {token}\n",
            file=sys.stderr,
            flush=True,
        )
        return
    path = working_dir / DEMO_TOKEN_FILE
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(token + "\n")
    log.warning("demo_token_written", path=str(path), login=login)


def wsgi_server(app: WSGIApplication, host: str, port: int, threads: int) -> Any:
    """``app`` under waitress, listening on ``host``:``port`` (not yet serving)."""
    from waitress.server import create_server

    from rtutils_web.http.security import MAX_REQUEST_BYTES

    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="request-tracker-utils",
        # Refuse oversized bodies before buffering them; the app answers 413 with JSON below.
        max_request_body_size=MAX_REQUEST_BYTES * 2,
        # poll(), not select(): select() fails once a descriptor is numbered 1024 or more,
        # which a busy process (connections, store files, log files) can reach.
        asyncore_use_poll=True,
    )


def serve(settings: Settings, app: WSGIApplication) -> int:
    from rtutils_web.logs import get_logger

    log = get_logger("rtutils.cli")
    address = f"{settings.host}:{settings.port}"
    try:
        server = wsgi_server(app, settings.host, settings.port, settings.threads)
    except OSError as error:  # port taken, address not on this machine, no permission
        message = f"cannot listen on {address}: {error.strerror or error}"
        log.error("startup_failed", error_code="cannot_listen", error=message)
        return failed(f"cannot start: {message}", 2)
    # systemd stops the service with SIGTERM: exit normally so that clean-up (atexit) runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    log.info(
        "starting",
        backend=settings.backend,
        host=settings.host,
        port=settings.port,
        threads=settings.threads,
        rt_url=settings.rt_url_shown if not settings.is_demo else None,
        rt_sessions=settings.rt_sessions if not settings.is_demo else None,
        url=f"http://{settings.host}:{settings.port}/",
    )
    server.run()
    return 0
