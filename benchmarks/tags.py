"""Issues per second through TagService, with baselines measured in the same run.

    .venv/bin/python benchmarks/tags.py [--issues 2000] [--repeat 5]

Figures (median of --repeat runs, each on a fresh database in a temporary folder):

- baseline, raw SQLite: committed one-row transactions per second with the store's own
  settings (WAL, synchronous=FULL, BEGIN IMMEDIATE). An issue commits twice (reserve,
  assign), so half of this is the ceiling for the store.
- baseline, no disk: issues/s through the service with the in-memory store and backend:
  the cost of the service's own Python.
- the service: issues/s with the SQLite store and the in-memory backend, one thread, and
  four threads sharing the store (as the web server's threads do). Target: >= 500/s.

REAL RT (the figure the issue asks for; RT is the limit): with a test RT configured in the
environment as for the service (RTUTILS_BACKEND=rt, RT_URL, RT_TOKEN, SECRET_KEY, and a
sandbox prefix in EXTRA_PREFIXES such as BENCH-):

    .venv/bin/python benchmarks/tags.py --backend env --catalog "General assets" \\
        --prefix BENCH- --issues 50

creates --issues new assets in --catalog, then tags them through the backend the container
builds, with a throw-away tag store (never the one in WORKING_DIR). Never point it at a
production RT: it creates and renames assets. RTUTILS_BACKEND=demo runs the same path on
the demo data.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.memory.tags import MemoryTagStore
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_core.assets import AssetDraft
from rtutils_core.ports import AssetBackend, TagStore
from rtutils_core.services.tags import TagService
from rtutils_core.tags import TagFormat, TagFormats

FORMATS = TagFormats(TagFormat("W12-", 5))


def rate(count: int, run: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    return count / (time.perf_counter() - started)


def raw_sqlite_commits(count: int, folder: Path) -> float:
    db = sqlite3.connect(folder / "raw.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, tag TEXT UNIQUE)")

    def run() -> None:
        for n in range(count):
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO t VALUES (?, ?)", (n, f"W12-{n:05d}"))
            db.execute("COMMIT")

    return rate(count, run)


def memory_backend(count: int) -> MemoryBackend:
    backend = MemoryBackend()
    backend.add_catalog("Devices")
    for n in range(count):
        backend.add_asset(AssetDraft(name=f"Device {n}", catalog="Devices"))
    return backend


def issues(tags: TagService, asset_ids: list[int], threads: int = 1, prefix=None) -> float:
    chunks = [asset_ids[i::threads] for i in range(threads)]

    def work(chunk: list[int]) -> None:
        for asset_id in chunk:
            tags.issue_tag(asset_id, prefix, actor="benchmark", request_id="bench")

    def run() -> None:
        workers = [threading.Thread(target=work, args=(c,)) for c in chunks]
        for w in workers:
            w.start()
        for w in workers:
            w.join()

    return rate(len(asset_ids), run)


def through_service(count: int, store: TagStore, threads: int = 1) -> float:
    backend = memory_backend(count)
    return issues(TagService(backend, store, FORMATS), list(range(1, count + 1)), threads)


def median_of(repeat: int, measure: Callable[[Path], float]) -> tuple[float, list[float]]:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="rtutils-bench-") as folder:
            runs.append(measure(Path(folder)))
    return statistics.median(runs), runs


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()},"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version},"
        f" temp dir {tempfile.gettempdir()}"
    )


def bench_local(count: int, repeat: int) -> None:
    figures = {
        "baseline: raw SQLite commits/s (WAL, FULL)": median_of(
            repeat, lambda d: raw_sqlite_commits(count, d)
        ),
        "baseline: issues/s, memory store + memory backend": median_of(
            repeat, lambda d: through_service(count, MemoryTagStore())
        ),
        "issues/s, SQLite store + memory backend, 1 thread": median_of(
            repeat, lambda d: through_service(count, SqliteTagStore.in_dir(d))
        ),
        "issues/s, SQLite store + memory backend, 4 threads": median_of(
            repeat, lambda d: through_service(count, SqliteTagStore.in_dir(d), threads=4)
        ),
    }
    for label, (median, runs) in figures.items():
        spread = ", ".join(f"{r:.0f}" for r in runs)
        print(f"{label:<55} {median:>8.0f}   (runs: {spread})")


def bench_env(count: int, catalog: str, prefix: str | None) -> None:
    from rtutils_core.settings import Settings
    from rtutils_web.container import build_container

    settings = Settings.from_env()
    backend: AssetBackend = build_container(settings).backend()
    run_id = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    asset_ids = [
        backend.create_asset(AssetDraft(name=f"bench {run_id} {n}", catalog=catalog)).id
        for n in range(count)
    ]
    created = count / (time.perf_counter() - started)
    with tempfile.TemporaryDirectory(prefix="rtutils-bench-") as folder:
        tags = TagService(backend, SqliteTagStore.in_dir(Path(folder)), settings.tag_formats)
        tags.sync(actor="benchmark")  # start above whatever the backend carries already
        issued = issues(tags, asset_ids, prefix=prefix)
    print(f"backend {settings.backend} at {settings.rt_url if not settings.is_demo else 'demo'}")
    print(f"{'baseline: asset creations/s (a POST each on RT)':<55} {created:>8.1f}")
    print(f"{'issues/s through the service, 1 thread':<55} {issued:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backend", choices=["memory", "env"], default="memory")
    parser.add_argument("--catalog", help="catalog for the new assets (--backend env)")
    parser.add_argument("--prefix", help="a configured prefix to issue (--backend env)")
    args = parser.parse_args()

    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    if args.backend == "env":
        if not args.catalog:
            parser.error("--backend env needs --catalog")
        bench_env(args.issues, args.catalog, args.prefix)
    else:
        print(f"{args.issues} issues per run, median of {args.repeat} runs")
        bench_local(args.issues, args.repeat)


if __name__ == "__main__":
    main()
