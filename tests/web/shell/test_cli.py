"""The console script, run as a real process."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from tests.conftest import ROOT, free_port
from tests.web.conftest import SECRET_KEY

TOKEN = "7-31-" + "0011223344556677" + "8899aabbccddeeff"


def run_cli(*args: str, env: dict[str, str], timeout: float = 30) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("RT", "PORT", "HOST"))}
    base["PYTHONPATH"] = str(ROOT / "src")
    return subprocess.run(
        [sys.executable, "-m", "rtutils_web.cli", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_rt_backend_without_token_stops_naming_rt_token():
    out = run_cli("check-config", env={"RTUTILS_BACKEND": "rt", "SECRET_KEY": SECRET_KEY})
    assert out.returncode != 0
    assert "RT_TOKEN" in out.stderr


def test_bad_port_stops_naming_port():
    out = run_cli("--demo", "check-config", env={"PORT": "abc"})
    assert out.returncode != 0
    assert "PORT" in out.stderr and "abc" in out.stderr


def test_unreachable_rt_stops_start_up_without_leaking_the_token():
    port = free_port()  # nothing listens there
    out = run_cli(
        "check-config",
        env={
            "RTUTILS_BACKEND": "rt",
            "RT_URL": f"http://127.0.0.1:{port}",
            "RT_TOKEN": TOKEN,
            "SECRET_KEY": SECRET_KEY,
            "WORKING_DIR": "/tmp/rtutils-cli-test",
        },
    )
    assert out.returncode != 0
    assert TOKEN not in out.stdout + out.stderr


def test_help_documents_every_variable():
    from rtutils_web.settings import VARIABLES

    out = run_cli("--help", env={})
    assert out.returncode == 0
    for variable in VARIABLES:
        assert variable.name in out.stdout
    assert "--demo" in out.stdout


def _read_lines(stream, lines: list[str]) -> None:
    for line in stream:
        lines.append(line)


def _sign_in_like_a_browser(base: str, token: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(f"{base}/login", timeout=5) as r:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', r.read().decode()).group(1)
    form = urllib.parse.urlencode({"token": token, "csrf_token": csrf}).encode()
    with opener.open(f"{base}/login", data=form, timeout=5) as r:
        assert r.status == 200  # followed the redirect to the home page
    return opener


@pytest.mark.slow
def test_demo_server_hands_out_a_token_that_signs_in_to_the_home_page(tmp_path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PORT": str(port)}
    for name in ("RTUTILS_BACKEND", "RTUTILS_API_TOKENS"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "rtutils_web.cli", "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=_read_lines, args=(proc.stdout, lines), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                    assert r.status == 200
                    assert r.headers["Server"] == "request-tracker-utils"
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/", timeout=5) as r:
            assert r.url.endswith("/login?next=/")  # signed out: sent to the login page
        # No terminal here: the token is in a file only the service user can read.
        written = next(
            json.loads(line) for line in lines if '"event": "demo_token_written"' in line
        )
        token_file = Path(written["path"])
        assert token_file.stat().st_mode & 0o777 == 0o600
        token = token_file.read_text().strip()
        opener = _sign_in_like_a_browser(base, token)
        with opener.open(f"{base}/", timeout=5) as r:
            assert "W12-00001" in r.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        reader.join(timeout=5)
    assert proc.returncode == 0  # SIGTERM (systemd's stop) is a clean exit
    assert not token_file.parent.exists()  # the demo's state and token go with the process
    output = "".join(lines)
    assert token not in output  # never in the log lines
    assert all(line.startswith("{") for line in lines if line.strip())  # JSON lines only
    assert any('"event": "starting"' in line for line in lines)


@pytest.mark.slow
def test_on_a_terminal_the_demo_token_is_printed_once_and_never_logged():
    import pty
    import selectors

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PORT": str(port)}
    for name in ("RTUTILS_BACKEND", "RTUTILS_API_TOKENS", "LOG_FORMAT"):
        env.pop(name, None)
    terminal, console = pty.openpty()  # stderr is a terminal, stdout (the logs) a pipe
    proc = subprocess.Popen(
        [sys.executable, "-m", "rtutils_web.cli", "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=console,
        text=True,
    )
    os.close(console)
    shown = ""
    waiting = selectors.DefaultSelector()  # not select(): it refuses descriptors >= 1024
    waiting.register(terminal, selectors.EVENT_READ)
    token_line = re.compile(r"\n\s+([A-Za-z0-9_-]{32})\s*\n")
    try:
        deadline = time.monotonic() + 20
        while not token_line.search(shown):
            if time.monotonic() > deadline:
                raise AssertionError(f"no demo token on the terminal: {shown!r}")
            if waiting.select(0.5):
                shown += os.read(terminal, 4096).decode()
        token = token_line.search(shown).group(1)
        assert f"http://127.0.0.1:{port}/login" in shown
        opener = None
        deadline = time.monotonic() + 20
        while opener is None:
            try:
                opener = _sign_in_like_a_browser(f"http://127.0.0.1:{port}", token)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        proc.terminate()
        logs, _ = proc.communicate(timeout=10)
        waiting.close()
        os.close(terminal)
    assert shown.count(token) == 1
    assert token not in logs and '"event": "login"' in logs


def test_a_port_in_use_stops_start_up_with_one_json_line_and_no_traceback():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = run_cli("--demo", env={"PORT": str(port), "RTUTILS_API_TOKENS": ""})
    assert out.returncode == 2
    assert "Traceback" not in out.stdout + out.stderr
    assert f"127.0.0.1:{port}" in out.stderr
    (failed,) = [json.loads(line) for line in out.stdout.splitlines() if "startup_failed" in line]
    assert failed["level"] == "error" and failed["error_code"] == "cannot_listen"


def test_the_worker_starts_while_rt_cannot_be_reached(tmp_path):
    """RT restarting must not keep the desk's worker from starting (docs/outbox.md): it
    says so and runs; SIGTERM stops it as usual."""
    port = free_port()  # nothing listens there
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "RTUTILS_BACKEND": "rt",
        "RT_URL": f"http://127.0.0.1:{port}",
        "RT_TOKEN": TOKEN,
        "SECRET_KEY": SECRET_KEY,
        "WORKING_DIR": str(tmp_path / "state"),
        "JOBS_WORKER": "separate",
        "LOG_FORMAT": "json",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "rtutils_web.cli", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        seen: list[str] = []
        for line in proc.stdout:
            seen.append(line)
            if "job worker started" in line:  # its signal handlers are in place
                break
        text = "".join(seen)
        assert "rt_unreachable_at_start" in text and TOKEN not in text
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
