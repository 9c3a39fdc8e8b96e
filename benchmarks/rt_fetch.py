"""Label data for N assets from a real RT 5: the adapter's bulk path against one GET per asset.

Starts an isolated RT with the test harness (tests/rt_harness.py; needs Debian's
request-tracker5 rt5-db-sqlite rt5-standalone, run as root), loads N assets with all six
label fields, then in the same run reads them once through ``iter_assets`` (per_page=100,
fields inlined, catalog metadata read cold), once by their ids in searches of 100 ids (as a
label batch by asset ids reads them) and once with one ``get_asset`` per asset, the way the
replaced tool did. All read the same label data; the script checks that.

Run: .venv/bin/python benchmarks/rt_fetch.py [--assets N] [--rounds R]
Target: at most ceil(N/100)+2 requests and at least 10x faster than one GET per asset.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.rt_harness import STUDENT_DEVICES, RTServer, start_rt  # noqa: E402

from rtutils_adapters.rt import RTRestBackend  # noqa: E402
from rtutils_core.assets import MAX_QUERY_IDS, Asset, AssetDraft, AssetQuery  # noqa: E402


def drafts(count: int) -> list[tuple[AssetDraft, tuple[str, ...]]]:
    return [
        (
            AssetDraft(
                name=f"BENCH-{n:05d}",
                catalog=STUDENT_DEVICES,
                status="allocated",
                owner="li.wei",
                custom_fields={
                    "Serial Number": f"NXH{n:07d}ZA",
                    "Manufacturer": "Lenovo",
                    "Model": "100e Chromebook Gen 3",
                    "Internal Name": f"CB-LIB-{n:04d}",
                    "Type": "Chromebook",
                    "Funding Source": "Title I",
                },
            ),
            ("amara.okafor",),
        )
        for n in range(1, count + 1)
    ]


def timed(
    server: RTServer, read: Callable[[RTRestBackend], list[Asset]]
) -> tuple[list[Asset], int, float]:
    """Assets read, requests sent and seconds taken, with a fresh (cold) backend."""
    backend = RTRestBackend(server.url, server.token, read_timeout=120)
    started = time.perf_counter()
    assets = read(backend)
    seconds = time.perf_counter() - started
    backend.close()
    return assets, backend.requests_sent, seconds


def read_by_ids(backend: RTRestBackend, ids: list[int]) -> list[Asset]:
    """The assets of ``ids`` as a label batch by ids reads them: one search per 100 ids."""
    chunks = (ids[i : i + MAX_QUERY_IDS] for i in range(0, len(ids), MAX_QUERY_IDS))
    return [a for chunk in chunks for a in backend.iter_assets(AssetQuery(ids=chunk))]


def label_data(assets: list[Asset]) -> list[tuple[object, ...]]:
    return sorted(
        (a.id, a.name, a.owner, a.held_by, tuple(sorted(a.custom_fields.items()))) for a in assets
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=200, help="how many assets (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="bulk rounds; median is reported")
    args = parser.parse_args()
    count = args.assets

    with tempfile.TemporaryDirectory(prefix="rtutils-bench-") as folder:
        print(f"starting RT and loading {count} assets ...", file=sys.stderr)
        server = start_rt(Path(folder))
        try:
            ids = sorted(server.insert_assets(drafts(count)).values())
            query = AssetQuery(catalog=STUDENT_DEVICES, name_prefix="BENCH-")
            bulk_runs = []
            for _ in range(args.rounds):
                bulk_runs.append(timed(server, lambda b: list(b.iter_assets(query))))
            by_ids, ids_requests, ids_seconds = timed(server, lambda b: read_by_ids(b, ids))
            single, single_requests, single_seconds = timed(
                server, lambda b: [b.get_asset(i) for i in ids]
            )
        finally:
            server.stop()

    bulk, bulk_requests, _ = bulk_runs[0]
    bulk_seconds = statistics.median(s for _, _, s in bulk_runs)
    if not label_data(bulk) == label_data(by_ids) == label_data(single) or len(bulk) != count:
        print("FAIL: the two paths did not read the same label data", file=sys.stderr)
        return 1
    budget = math.ceil(count / 100) + 2
    speedup = single_seconds / bulk_seconds
    print(f"date: {datetime.date.today().isoformat()}")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python: {platform.python_version()}; RT from Debian packages, SQLite, rt-server")
    print(f"assets: {count}")
    print("| path | requests | seconds |")
    print("|---|---|---|")
    rounds = ", ".join(f"{s:.2f}" for _, _, s in bulk_runs)
    print(f"| bulk: iter_assets (median of {rounds}) | {bulk_requests} | {bulk_seconds:.2f} |")
    print(f"| bulk by ids: 100 ids per search | {ids_requests} | {ids_seconds:.2f} |")
    print(f"| one GET per asset | {single_requests} | {single_seconds:.2f} |")
    print(f"speed-up: {speedup:.1f}x; requests {bulk_requests} (budget ceil(N/100)+2 = {budget})")
    ok = max(bulk_requests, ids_requests) <= budget and speedup >= 10
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
