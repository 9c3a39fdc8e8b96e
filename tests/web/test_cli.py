"""The console script, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
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


@pytest.mark.slow
def test_demo_server_serves_health_and_home(tmp_path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PORT": str(port)}
    env.pop("RTUTILS_BACKEND", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "rtutils_web.cli", "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    assert r.headers["Server"] == "request-tracker-utils"
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert "W12-00001" in r.read().decode()
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=10)
    first = output.splitlines()[0]
    assert '"event": "starting"' in first  # JSON lines when not on a terminal
