"""The console script, run as a real process."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest
from tests.conftest import ROOT, free_port

TOKEN = "7-31-00112233445566778899aabbccddeeff"


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
    out = run_cli("check-config", env={"RTUTILS_BACKEND": "rt", "SECRET_KEY": "k" * 32})
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
            "SECRET_KEY": "k" * 32,
            "WORKING_DIR": "/tmp/rtutils-cli-test",
        },
    )
    assert out.returncode != 0
    assert TOKEN not in out.stdout + out.stderr


def test_help_documents_every_variable():
    from rtutils_core.settings import VARIABLES

    out = run_cli("--help", env={})
    assert out.returncode == 0
    for name in VARIABLES:
        assert name in out.stdout
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
def test_demo_server_prints_a_token_once_that_signs_in_to_the_home_page(tmp_path):
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
        token = next(
            line.strip() for line in lines if re.fullmatch(r"\s+[A-Za-z0-9_-]{32}\s*", line)
        )
        opener = _sign_in_like_a_browser(base, token)
        with opener.open(f"{base}/", timeout=5) as r:
            assert "W12-00001" in r.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        reader.join(timeout=5)
    output = "".join(lines)
    assert output.count(token) == 1  # printed once, never logged
    first_json = next(line for line in lines if line.startswith("{"))
    assert '"event": "starting"' in first_json  # JSON lines when not on a terminal
