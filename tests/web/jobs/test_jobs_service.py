"""The service as the README runs it: jobs work inside it, or in a worker process of its own."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from tests.conftest import ROOT, free_port
from tests.web.conftest import TOKEN_SETTING, TOKENS

pytestmark = pytest.mark.slow


def service_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # Unbuffered, so that a log line is read when it is written, not when the process ends.
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "LOG_FORMAT": "json",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(
        RTUTILS_BACKEND="demo",
        RTUTILS_API_TOKENS=TOKEN_SETTING,
        WORKING_DIR=str(tmp_path / "state"),
        **extra,
    )
    return env


def start_cli(command: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "rtutils_web.cli", command],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def get_json(url: str) -> dict:
    ask = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKENS['operator']}"})
    with urllib.request.urlopen(ask, timeout=5) as answer:
        return json.loads(answer.read())


def test_the_served_demo_tags_new_assets_automatically_with_its_inside_worker(tmp_path):
    port = free_port()
    env = service_env(
        tmp_path, PORT=str(port), AUTOTAG_INTERVAL="2", AUTOTAG_CATALOGS="Student Devices"
    )
    proc = start_cli("serve", env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                runs = get_json(f"{base}/api/v1/jobs?kind=autotag&state=succeeded")["jobs"]
            except OSError:
                runs = []
            if runs or time.monotonic() > deadline or proc.poll() is not None:
                break
            time.sleep(0.5)
        assert runs, "no automatic tag run succeeded"
        first = runs[-1]
        assert first["result"]["tagged"] >= 1 and first["result"]["failed"] == []
        assert get_json(f"{base}/api/v1/jobs/{first['id']}")["state"] == "succeeded"
        asset = get_json(f"{base}/api/v1/assets/16")
        assert asset["name"].startswith("W12-")  # was "Library cart A1"
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0, output[-3000:]
    assert '"event": "job_worker_started"' in output


def is_worker_started(line: str) -> bool:
    entry = json.loads(line) if line.startswith("{") else {}
    return entry.get("logger") == "rtutils.jobs" and entry.get("message") == "job worker started"


def test_the_worker_command_runs_until_sigterm(tmp_path):
    env = service_env(tmp_path, JOBS_WORKER="separate")
    proc = start_cli("worker", env)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    # The worker handles signals before it starts its consumer and logs that it started:
    # that line, not a pause, says SIGTERM is handled from here on.
    deadline = time.monotonic() + 120
    while not any(is_worker_started(line) for line in lines):
        assert proc.poll() is None and time.monotonic() < deadline, "".join(lines)[-3000:]
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0, "".join(lines)[-3000:]
    reader.join(5)
    events = [json.loads(line)["event"] for line in lines if line.startswith("{")]
    assert events[-1] == "job_worker_stopped"
