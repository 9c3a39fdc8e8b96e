"""A real, private PostgreSQL 15 for tests and benchmarks, and the fixtures that share it.

PostgreSQL comes from Debian's packages (``postgresql-15``; ``scripts/setup.sh`` installs it).
:class:`PGServer` runs ``initdb`` and ``pg_ctl`` on a data folder in a fresh temporary
directory and listens only on a unix socket in that directory (no TCP port at all), with
trust authentication for the ``postgres`` role. ``initdb`` refuses to run as root, so as
root the folder belongs to the ``postgres`` system user and the server runs as that user
(``runuser``); as anyone else it runs as the caller.

Fixtures (PostgreSQL starts on first use, once per pytest session; ``tests/conftest.py``
registers them for every test module):

``pg_server``
    The running :class:`PGServer`: ``url(dbname)``, ``create_database()``,
    ``drop_database(name)``.
``pg_url``
    The URL of a fresh, empty database for one test, dropped after it.

If PostgreSQL cannot be started, tests that use these fixtures FAIL with the reason; they
never skip, so a broken installation cannot pass CI by going quiet.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SUPERUSER = "postgres"
INSTALL_HINT = (
    "install PostgreSQL 15 with ./scripts/test run as root (it installs postgresql-15 from"
    " Debian), or apt-get install postgresql-15"
)
#: Settings for throw-away test data: no fsync (a crash of the machine loses nothing we keep).
FAST = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")


class HarnessError(RuntimeError):
    """PostgreSQL could not be set up or started; the message says what to do."""


class PGServer:
    """One PostgreSQL cluster in its own temporary folder, reached over a unix socket there."""

    def __init__(self, *, durable: bool = False, max_connections: int = 300) -> None:
        self.durable = durable
        self.max_connections = max_connections
        self.folder = Path(tempfile.mkdtemp(prefix="rtutils-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._started = False

    # -- running the server binaries as a user initdb accepts ------------------------------

    def _as_owner(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        runuser = shutil.which("runuser")
        if runuser is None:
            raise HarnessError("running as root needs runuser (util-linux) to drop to postgres")
        return [runuser, "-u", SUPERUSER, "--"]

    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        binary = PG_BIN / program
        if not binary.exists():
            raise HarnessError(f"PostgreSQL 15 is missing ({binary}); {INSTALL_HINT}")
        done = subprocess.run(
            [*self._as_owner(), str(binary), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise HarnessError(
                f"{program} failed ({done.returncode}):\n{done.stdout}{done.stderr}\n"
                f"{self.log_tail()}"
            )

    def start(self) -> None:
        """``initdb`` a new cluster and start it; stopped and removed again if that fails."""
        if os.geteuid() == 0:
            shutil.chown(self.folder, SUPERUSER, SUPERUSER)
        self._run(
            "initdb",
            *("-D", str(self.data), "-A", "trust", "-U", SUPERUSER),
            *("-E", "UTF8", "--locale=C.UTF-8", "--no-sync"),
        )
        options: Sequence[str] = (
            *("-k", str(self.folder), "-c", "listen_addresses="),
            *("-c", f"max_connections={self.max_connections}"),
            *(() if self.durable else FAST),
        )
        self._started = True
        self._run(
            "pg_ctl",
            *("-D", str(self.data), "-l", str(self.log), "-w", "-t", "60"),
            *("-o", " ".join(options), "start"),
        )

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its folder."""
        if self._started:
            self._started = False
            # The folder goes anyway; a server whose data folder is gone shuts itself down.
            with contextlib.suppress(HarnessError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    # -- databases ------------------------------------------------------------------------

    def url(self, dbname: str = "postgres") -> str:
        """A libpq URL for ``dbname`` on this server, over its socket."""
        return f"postgresql://{SUPERUSER}@/{dbname}?host={self.folder}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(statement)

    def create_database(self) -> str:
        """A new empty database; returns its name."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE template0 STRATEGY file_copy")
        return name

    def drop_database(self, name: str) -> None:
        """Drop ``name``, ending whatever connections are still open on it."""
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def start_pg(*, durable: bool = False) -> PGServer:
    """A started :class:`PGServer`; cleaned up again if start-up fails."""
    server = PGServer(durable=durable)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PGServer]:
    """A running, private PostgreSQL shared by the whole session (see the module docstring)."""
    problem = None
    try:
        server = start_pg()
    except (HarnessError, OSError, subprocess.SubprocessError) as error:
        problem = str(error)
    if problem is not None:
        pytest.fail(f"PostgreSQL could not be started for the tests: {problem}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: PGServer) -> Iterator[str]:
    """A fresh empty database for one test (dropped after it), as a libpq URL."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)
