"""Fixtures shared by every test layer."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rtutils_web.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

# The real RT 5 (fixtures rt_server, rt_backend) for any test module; see tests/rt_harness.py.
pytest_plugins = ["tests.rt_harness", "tests.google_standin", "tests.redis_harness"]
# RT going away and back (fixture rt_outage); see tests/rt_outage.py.
pytest_plugins += ["tests.rt_outage"]
# The real PostgreSQL (fixtures pg_server, pg_url); see tests/pg_harness.py.
pytest_plugins += ["tests.pg_harness", "tests.smtp_harness"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def kill_leftovers(processes: list) -> None:
    """Kill the child processes a test started that still run, and reap them all."""
    for proc in processes:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


class SteppingClock:
    """A clock for logs: one minute later at every reading, from 2025-03-01 08:00 UTC."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


class EpochClock:
    """A settable clock in seconds since the epoch (``time.time``'s kind), from 2025-03-01
    08:00 UTC; it moves only when told."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 8, 0, tzinfo=UTC).timestamp()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def demo_settings(tmp_path: Path) -> Settings:
    return Settings.from_env({"RTUTILS_BACKEND": "demo", "WORKING_DIR": str(tmp_path / "state")})


# A private CUPS with CUPS-PDF queues (fixture cups_server); see tests/cups_harness.py.
pytest_plugins.append("tests.cups_harness")
