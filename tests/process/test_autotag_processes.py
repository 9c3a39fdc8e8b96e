"""Automatic tags against the real RT 5, with two polling processes on one tag store.

Both processes poll on every interval's boundary at the same time: the worst case, as if two
services ran the schedule with no claim between them. 30 untagged assets created in a
watched catalog are all tagged within two intervals, none twice, and the assets of another
catalog keep their names.

The interval follows the speed of the RT at hand: one pass must have time to tag 30 assets
at about five RT round trips each (read, search for the tag, write, read back, and the other
poller's read), and is never below 20 s. The test RT's requests are several times slower on
a busy machine than on an idle one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest
from tests.conftest import ROOT
from tests.rt_harness import RTServer, perl_string

from rtutils_adapters.rt import RTRestBackend
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_core.tags.event_query import EventQuery

pytestmark = [pytest.mark.slow, pytest.mark.rt]

ASSETS = 30
ROUND_TRIPS = 5


def interval_for(backend: RTRestBackend, asset_id: int) -> float:
    """Seconds per poll for ``ASSETS`` assets, from the time one asset read takes now."""
    started = time.monotonic()
    for _ in range(3):
        backend.get_asset(asset_id)
    per_request = (time.monotonic() - started) / 3
    return max(20.0, round(ASSETS * ROUND_TRIPS * per_request * 1.3))


def add_catalogs(rt_server: RTServer, *names: str) -> None:
    catalogs = "".join(
        f"  {{ Name => {perl_string(n)}, Description => 'autotag test', Lifecycle => 'assets' }},\n"
        for n in names
    )
    rt_server.insert_initialdata(f"@Catalogs = (\n{catalogs});\n1;\n")


def names_in(backend: RTRestBackend, catalog: str) -> dict[int, str]:
    return {a.id: a.name for a in backend.iter_assets(AssetQuery(catalog=catalog))}


def test_two_pollers_tag_30_new_assets_within_two_intervals_none_twice(
    tmp_path, rt_server, rt_backend
):
    uid = uuid.uuid4().hex[:6].upper()
    watched, other, prefix = f"Autotag Watch {uid}", f"Autotag Other {uid}", f"AT{uid}-"
    add_catalogs(rt_server, watched, other)
    created = rt_server.insert_assets(
        [(AssetDraft(f"Projector {uid} {n}", other), ()) for n in range(3)]
    )
    interval = interval_for(rt_backend, min(created.values()))
    tag_db, until = tmp_path / "tags.sqlite3", tmp_path / "until"
    SqliteTagStore(tag_db).close()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "RT_TOKEN": rt_server.token.reveal(),
    }
    pollers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.process.autotag_poller",
                str(tag_db),
                rt_server.url,
                prefix,
                str(interval),
                str(until),
                watched,
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        rt_server.insert_assets(
            [(AssetDraft(f"New laptop {uid} {n}", watched), ()) for n in range(ASSETS)]
        )
        created_at = time.time()
        deadline = created_at + 2 * interval
        while time.time() < deadline:
            if all(name.startswith(prefix) for name in names_in(rt_backend, watched).values()):
                break
            time.sleep(1)
        tagged_after = time.time() - created_at
    finally:
        until.touch()
        outputs = [proc.communicate(timeout=3 * interval) for proc in pollers]
    for proc, (_, err) in zip(pollers, outputs, strict=True):
        assert proc.returncode == 0, err[-3000:]
    reports = [json.loads(line) for out, _ in outputs for line in out.splitlines()]

    timing = f"all tagged {tagged_after:.0f} s after creation, interval {interval} s"
    (tmp_path / "timing.txt").write_text(f"{timing}\n{reports}\n")
    assert tagged_after <= 2 * interval, f"not all tagged within two intervals: {timing}"
    names = names_in(rt_backend, watched)
    assert len(names) == ASSETS
    assert sorted(names.values()) == [f"{prefix}{n:05d}" for n in range(1, ASSETS + 1)]
    assert sum(r["tagged"] for r in reports) == ASSETS, f"an asset counted twice: {reports}"
    assert all(r["failed"] == [] for r in reports)
    events = SqliteTagStore(tag_db).events(EventQuery(limit=None))
    assigned = Counter(e.asset_id for e in events if e.state == "assigned")
    assert set(assigned) == set(names) and set(assigned.values()) == {1}
    others = names_in(rt_backend, other)
    assert sorted(others.values()) == sorted(f"Projector {uid} {n}" for n in range(3))
    assert set(others) == set(created.values())
