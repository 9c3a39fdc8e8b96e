"""How fast the test harness's real RT 5 answers the requests the tests make.

Starts an isolated RT with the test harness (tests/rt_harness.py; needs Debian's
request-tracker5 rt5-db-sqlite rt5-standalone, run as root) and times, with plain REST 2.0
requests as root:

- the first ``GET /asset/{id}`` each of the harness's workers answers (Mason compiles the
  REST 2.0 components once per worker, so this is what the first tests of a session pay);
- ``POST /asset`` with the six device custom fields, one after the other;
- ``GET /asset/{id}``, a ``POST /assets`` search (AssetSQL), ``PUT /asset/{id}``;
- creators in parallel threads (as two instances issuing tags do), in creates per minute;
- the CPU time rt-server and its workers used for all of it (steadier than wall time).

Run: .venv/bin/python benchmarks/rt_harness_speed.py [--count N] [--creators C] [--bcrypt-cost K]
(``--bcrypt-cost 4`` is the tests' RT, see ``TEST_BCRYPT_COST``; without it, RT's default.)
Medians in ms per request kind. The machine is shared: compare figures from one session.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.rt_harness import STUDENT_DEVICES, RTServer, start_rt  # noqa: E402


def asset_body(n: int) -> dict[str, object]:
    """A new Student Devices asset with the six device fields filled in."""
    key = uuid.uuid4().hex[:8]
    return {
        "Name": f"SPEED-{key}",
        "Catalog": STUDENT_DEVICES,
        "Description": "harness speed",
        "CustomFields": {
            "Serial Number": f"NXH{n:07d}{key}",
            "Manufacturer": "Lenovo",
            "Model": "Chromebook 314",
            "Internal Name": f"CB-{n:04d}",
            "Type": "Chromebook",
            "Funding Source": "Title I",
        },
    }


def session(server: RTServer) -> requests.Session:
    http = requests.Session()
    http.headers["Authorization"] = "token " + server.token.reveal()
    return http


def timed(call: Callable[[], requests.Response]) -> tuple[float, requests.Response]:
    start = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - start) * 1000
    response.raise_for_status()
    return elapsed, response


def create(http: requests.Session, api: str, n: int) -> tuple[float, int]:
    ms, response = timed(lambda: http.post(api + "/asset", json=asset_body(n), timeout=60))
    return ms, int(response.json()["id"])


def first_requests(server: RTServer, asset_id: int, workers: int) -> list[float]:
    """One cold GET per worker, sent at once so that each worker takes one."""
    times: list[float] = []
    barrier = threading.Barrier(workers)

    def one() -> None:
        http = session(server)
        barrier.wait()
        ms, _ = timed(lambda: http.get(f"{server.api_url}/asset/{asset_id}", timeout=120))
        times.append(ms)

    threads = [threading.Thread(target=one) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(times)


def parallel_creates(server: RTServer, creators: int, each: int) -> float:
    """Creates per minute with ``creators`` threads, each creating ``each`` assets."""
    barrier = threading.Barrier(creators + 1)

    def one(k: int) -> None:
        http = session(server)
        barrier.wait()
        for n in range(each):
            create(http, server.api_url, 10_000 * (k + 1) + n)

    threads = [threading.Thread(target=one, args=(k,)) for k in range(creators)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return creators * each * 60 / (time.perf_counter() - start)


def measure(server: RTServer, count: int, creators: int, workers: int) -> dict[str, object]:
    http = session(server)
    api = server.api_url
    # The harness already made one REST request (its readiness check); the first asset
    # request of a worker is still cold.
    _, first_id = create(http, api, 0)
    cold = first_requests(server, first_id, workers)
    creates = [create(http, api, n) for n in range(1, count + 1)]
    ids = [i for _, i in creates]
    gets = [timed(lambda i=i: http.get(f"{api}/asset/{i}", timeout=60))[0] for i in ids]
    search = [{"field": "Catalog", "value": STUDENT_DEVICES}, {"field": "id", "value": 0}]
    searches = []
    for i in ids:
        search[1] = {"field": "id", "operator": "<=", "value": i}
        searches.append(
            timed(lambda: http.post(f"{api}/assets?per_page=20", json=search, timeout=60))[0]
        )
    puts = [
        timed(
            lambda i=i: http.put(
                f"{api}/asset/{i}",
                json={"Description": "updated", "CustomFields": {"Internal Name": f"U-{i}"}},
                timeout=60,
            )
        )[0]
        for i in ids
    ]
    rate = parallel_creates(server, creators, max(count // creators, 3))
    return {
        "first GET per worker (ms)": ", ".join(f"{t:.0f}" for t in cold),
        "POST /asset": statistics.median(t for t, _ in creates),
        "GET /asset/{id}": statistics.median(gets),
        "POST /assets search": statistics.median(searches),
        "PUT /asset/{id}": statistics.median(puts),
        f"creates/min, {creators} creators": rate,
    }


def cpu_seconds(group: int) -> float:
    """User + system CPU time of the live processes in process group ``group``."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp; utime, stime and the reaped children's follow
            total += sum(int(f) for f in fields[11:15])
    return total / ticks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30, help="requests per kind (default 30)")
    parser.add_argument("--creators", type=int, default=4, help="parallel creators (default 4)")
    parser.add_argument("--workers", type=int, default=4, help="cold GETs sent at once")
    parser.add_argument(
        "--bcrypt-cost", type=int, default=None, help="RT's $BcryptCost (default: RT's own)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rtutils-bench-") as folder:
        started = time.perf_counter()
        server = start_rt(Path(folder), bcrypt_cost=args.bcrypt_cost)
        start_s = time.perf_counter() - started
        try:
            figures = measure(server, args.count, args.creators, args.workers)
            # CPU time is steadier than wall time on a shared machine.
            figures["rt-server CPU s, whole run"] = cpu_seconds(server.pid or 0)
        finally:
            server.stop()
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"RT start-up (harness start_rt): {start_s:.1f} s")
    for name, value in figures.items():
        shown = value
        if isinstance(value, float):
            shown = f"{value:.1f}" if "CPU" in name else f"{value:.0f}"
        print(f"{name}: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
