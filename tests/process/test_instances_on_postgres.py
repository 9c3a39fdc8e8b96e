"""Two instances of the service, one PostgreSQL, the real RT 5: a tag is never handed out
twice. Real ``request-tracker-utils serve`` processes (each with its own WORKING_DIR and
connection pool) on the session's RT (tests/rt_harness.py) and PostgreSQL
(tests/pg_harness.py); four HTTP clients, two per instance, ask at the same time for tags
of 24 new assets, six each. (Two callers racing for one asset are the process tests' part,
tests/process/test_tag_processes.py: RT's time is scarce here.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from tests.conftest import ROOT, free_port
from tests.rt_harness import STUDENT_DEVICES, RTServer, unique_name
from tests.web.conftest import SECRET_KEY, TOKEN_SETTING, TOKENS

from rtutils_adapters.rt import RTRestBackend
from rtutils_core.assets import AssetDraft, AssetQuery

pytestmark = [pytest.mark.slow, pytest.mark.rt]

ASSETS = 24
CLIENTS = 4


def serve(
    folder: Path, rt_server: RTServer, store_url: str, prefix: str
) -> tuple[subprocess.Popen, str]:
    """One instance, starting; returns it and its base URL (see :func:`wait_for`)."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "LOG_FORMAT": "json",
        "RTUTILS_BACKEND": "rt",
        "RT_URL": rt_server.url,
        "RT_TOKEN": rt_server.token.reveal(),
        "SECRET_KEY": SECRET_KEY,
        "RTUTILS_API_TOKENS": TOKEN_SETTING,
        "WORKING_DIR": str(folder),
        "STORE_URL": store_url,
        "PREFIX": prefix,
        "PORT": str(port),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "rtutils_web.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return proc, f"http://127.0.0.1:{port}"


def wait_for(proc: subprocess.Popen, base: str) -> None:
    """Until the instance answers."""
    deadline = time.monotonic() + 120
    while True:
        try:
            call(f"{base}/api/v1/tags/next")
            return
        except OSError:
            assert proc.poll() is None, proc.communicate()[0][-3000:]
            assert time.monotonic() < deadline, "the instance did not answer in time"
            time.sleep(0.3)


def call(url: str, method: str = "GET") -> dict:
    ask = urllib.request.Request(
        url,
        data=b"{}" if method == "POST" else None,
        method=method,
        headers={
            "Authorization": f"Bearer {TOKENS['operator']}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(ask, timeout=120) as answer:
        return json.loads(answer.read())


def test_two_instances_on_one_postgres_give_24_assets_24_distinct_tags_in_rt(
    tmp_path, rt_server: RTServer, rt_backend: RTRestBackend, pg_url
):
    names = [unique_name("Inst") for _ in range(ASSETS)]
    ids = list(
        rt_server.insert_assets([(AssetDraft(n, STUDENT_DEVICES), ()) for n in names]).values()
    )
    prefix = f"P{uuid.uuid4().hex[:5].upper()}-"  # RT is shared: a prefix of this test's own
    instances = [serve(tmp_path / f"instance-{n}", rt_server, pg_url, prefix) for n in (1, 2)]
    try:
        for proc, base in instances:
            wait_for(proc, base)
        share = [ids[k::CLIENTS] for k in range(CLIENTS)]

        def client(k: int) -> list[dict]:
            base = instances[k % 2][1]
            return [call(f"{base}/api/v1/assets/{a}/tag", "POST") for a in share[k]]

        with ThreadPoolExecutor(CLIENTS) as pool:
            answers = [a for got in pool.map(client, range(CLIENTS)) for a in got]
    finally:
        outputs = []
        for proc, _ in instances:
            proc.send_signal(signal.SIGTERM)
            outputs.append(proc.communicate(timeout=30)[0])
    assert all(proc.returncode == 0 for proc, _ in instances), outputs

    assert {a["status"] for a in answers} == {"assigned"}
    issued = {a["asset_id"]: a["tag"] for a in answers}
    assert sorted(issued) == sorted(ids)
    numbers = sorted(int(tag.removeprefix(prefix)) for tag in issued.values())
    assert numbers == list(range(1, ASSETS + 1))  # 24 distinct tags, none skipped
    found = rt_backend.search_assets(AssetQuery(ids=tuple(ids)), per_page=100).items
    assert {a.id: a.name for a in found} == issued  # RT's Names are the answers
