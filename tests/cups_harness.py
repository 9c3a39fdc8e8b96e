"""A private CUPS scheduler with CUPS-PDF queues, for tests that print through ``lp``.

CUPS comes from Debian's packages (``cups``, ``cups-client``, ``printer-driver-cups-pdf``;
``scripts/setup.sh`` installs them). :class:`CupsServer` runs its own ``cupsd`` in the
foreground from a temporary folder: its own ``cupsd.conf`` and ``cups-files.conf`` (server
root, spool, cache, state and logs all in that folder), listening on a free loopback port
and on a socket in the folder, with no authentication. The system's CUPS is never used.

Fixture (session-scoped, started on first use, registered by ``tests/conftest.py``):

``cups_server``
    The running :class:`CupsServer`: ``server`` (``127.0.0.1:port``, for ``lp -h``) and
    ``add_queue()``, which makes a CUPS-PDF queue whose PDFs land in a folder of its own.

One thing lives outside the folder: CUPS-PDF reads its settings only from ``/etc/cups``
(the path is compiled in), so each queue's ``cups-pdf-<queue>.conf`` is written there and
removed when the server stops. cupsd runs as root (it starts its filters as ``lp`` and the
CUPS-PDF backend must run as root); as another user the fixture fails and says so.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port

CUPSD = Path("/usr/sbin/cupsd")
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_CONFIG_DIR = Path("/etc/cups")


class HarnessError(Exception):
    """CUPS could not be started; the message says why."""


class CupsQueue:
    """A CUPS-PDF queue: each job becomes a PDF in ``out``."""

    def __init__(self, server: CupsServer, name: str, out: Path) -> None:
        self.server, self.name, self.out = server, name, out

    def pdfs(self) -> list[Path]:
        return sorted(self.out.glob("*.pdf"), key=lambda p: p.stat().st_mtime_ns)

    def wait_for(self, count: int, timeout: float = 60.0) -> list[Path]:
        """The PDFs once ``count`` jobs are finished; fails with the log if they are not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.pdfs()) >= count and not self.server.lpstat("-o", self.name):
                return self.pdfs()
            time.sleep(0.2)
        raise AssertionError(
            f"{len(self.pdfs())} of {count} PDFs after {timeout:g} s:\n{self.server.log_tail()}"
        )


class CupsServer:
    """cupsd in ``folder`` on ``127.0.0.1:port``."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.server = f"127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None
        self._configs: list[Path] = []

    def _write_config(self) -> None:
        f = self.folder
        for name in ("etc/ppd", "spool/tmp", "cache", "state", "log"):
            (f / name).mkdir(parents=True, exist_ok=True)
        (f / "etc/cups-files.conf").write_text(
            f"ServerRoot {f}/etc\nRequestRoot {f}/spool\nTempDir {f}/spool/tmp\n"
            f"CacheDir {f}/cache\nStateDir {f}/state\nDataDir /usr/share/cups\n"
            "ServerBin /usr/lib/cups\nDocumentRoot /usr/share/cups/doc-root\n"
            f"ErrorLog {f}/log/error_log\nAccessLog {f}/log/access_log\n"
            f"PageLog {f}/log/page_log\nSystemGroup root\nFileDevice No\n"
        )
        (f / "etc/cupsd.conf").write_text(
            f"Listen {self.server}\nListen {f}/cups.sock\nLogLevel info\nBrowsing No\n"
            "WebInterface No\nDefaultAuthType None\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order deny,allow\n    Allow all\n"
            "  </Limit>\n</Policy>\n"
        )

    def start(self, timeout: float = 30.0) -> None:
        if os.geteuid() != 0:
            raise HarnessError(
                "cupsd must run as root here: it starts its filters as user lp and Debian's"
                " CUPS-PDF backend (mode 0700, owner root) only runs as root"
            )
        for needed in (CUPSD, CUPS_PDF_PPD, Path("/usr/lib/cups/backend/cups-pdf")):
            if not needed.exists():
                raise HarnessError(f"{needed} is missing: install cups and printer-driver-cups-pdf")
        self._write_config()
        etc = self.folder / "etc"
        with (self.folder / "log/cupsd.out").open("wb") as log:
            self._process = subprocess.Popen(
                [
                    str(CUPSD),
                    "-f",
                    "-c",
                    str(etc / "cupsd.conf"),
                    "-s",
                    str(etc / "cups-files.conf"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise HarnessError(
                    f"cupsd exited with {self._process.returncode}:\n{self.log_tail()}"
                )
            if self.lpstat("-r").startswith("scheduler is running"):
                return
            time.sleep(0.1)
        raise HarnessError(f"cupsd did not answer within {timeout:g} s:\n{self.log_tail()}")

    def lpstat(self, *args: str) -> str:
        done = subprocess.run(
            ["lpstat", "-h", self.server, *args], capture_output=True, timeout=30, check=False
        )
        return done.stdout.decode(errors="replace").strip()

    def admin(self, *args: str) -> None:
        """Run a CUPS admin program (lpadmin, cupsreject, ...) against this server."""
        subprocess.run(
            [args[0], "-h", self.server, *args[1:]], capture_output=True, timeout=30, check=True
        )

    def add_queue(self) -> CupsQueue:
        """A new, enabled CUPS-PDF queue with its own output folder."""
        name = f"rtutils-{uuid.uuid4().hex[:10]}"
        out = self.folder / "out" / name
        out.mkdir(parents=True)
        out.chmod(0o1777)
        config = CUPS_PDF_CONFIG_DIR / f"cups-pdf-{name}.conf"
        config.write_text(
            f"Out {out}\nAnonDirName {out}\nSpool {self.folder}/pdf-spool\nLabel 1\n"
            f"Log {self.folder}/log\nGrp root\nUserUMask 0022\nAnonUMask 0022\n"
        )
        self._configs.append(config)
        self.admin("lpadmin", "-p", name, "-v", f"cups-pdf:/{name}", "-P", str(CUPS_PDF_PPD), "-E")
        return CupsQueue(self, name, out)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = (self.folder / "log/error_log").read_text("utf-8", "replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        for config in self._configs:
            config.unlink(missing_ok=True)
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def cups_server() -> Iterator[CupsServer]:
    """A running private CUPS shared by the whole session (see the module docstring)."""
    # Not under pytest's 0700 temp root: cupsd's filters run as user lp and must reach it.
    folder = Path(tempfile.mkdtemp(prefix="rtutils-cups-"))
    folder.chmod(0o755)
    server = CupsServer(folder)
    problem = None
    try:
        server.start()
    except HarnessError as error:
        problem = str(error)
        server.stop()
    if problem is not None:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"CUPS could not be started for the tests: {problem}", pytrace=False)
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)
