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

REAL RT 5 (RT is the limit), started by the test harness (tests/rt_harness.py; Debian's
request-tracker5 rt5-db-sqlite rt5-standalone, run as root):

    .venv/bin/python benchmarks/tags.py --backend rt [--issues 50] [--clients 4]

loads 2 x --issues untagged assets in bulk, then issues tags through the service with the
SQLite store on a file: once from one client, once from --clients client threads (each with
its own RTRestBackend, all on one tag file) sharing the other assets out. It counts the RT
requests per issue by kind, checks that every asset ended with its own tag, and measures
in the same run the baselines: the same service on the fake backend, and RT's rate for
single ``GET /asset/{id}`` requests, one client and --clients clients.

SQLITE AGAINST POSTGRESQL, in one run (a private PostgreSQL 15 from Debian's postgresql-15,
started by tests/pg_harness.py with its durable defaults: fsync and synchronous_commit on):

    .venv/bin/python benchmarks/tags.py --stores [--issues 2000] [--repeat 3]

issues tags through the service with the fake backend on each store, from one thread, from
four threads sharing the store, and from two processes (two instances of the service, each
with its own store handle and connection pool) sharing the assets out, once on one prefix
and once with a prefix each (PostgreSQL locks per prefix, SQLite the whole file). Baselines: raw
committed one-row transactions per second on each database. With --no-fsync, PostgreSQL
runs without fsync (as the tests run it), which shows its cost without the disk.

AN RT OF YOUR OWN, configured as for the service (RTUTILS_BACKEND=rt, RT_URL, RT_TOKEN,
SECRET_KEY, and a sandbox prefix in EXTRA_PREFIXES such as BENCH-):

    .venv/bin/python benchmarks/tags.py --backend env --catalog "General assets" \\
        --prefix BENCH- --issues 50

creates --issues new assets in --catalog, then tags them through the backend the container
builds, with a throw-away tag store (never the one in WORKING_DIR). Never point it at a
production RT: it creates and renames assets. RTUTILS_BACKEND=demo runs the same path on
the demo data.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.memory.tags import MemoryTagStore
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.tags import TagFormat, TagFormats
from rtutils_core.tags.ports import TagStore
from rtutils_core.tags.service import TagService

FORMATS = TagFormats(TagFormat("W12-", 5), (TagFormat("STF-", 5),))
ROOT = Path(__file__).resolve().parent.parent


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


def raw_postgres_commits(count: int, url: str) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE TABLE t (n integer PRIMARY KEY, tag text UNIQUE)")

        def run() -> None:
            for n in range(count):
                with db.transaction():
                    db.execute("INSERT INTO t VALUES (%s, %s)", (n, f"W12-{n:05d}"))

        return rate(count, run)


def open_store(where: str) -> TagStore:
    if where.startswith("postgresql://"):
        from rtutils_adapters.postgres import PostgresTagStore

        return PostgresTagStore(where)
    return SqliteTagStore(Path(where))


def _process_worker(
    where: str, count: int, part: int, parts: int, prefix: str | None, ready, go, done
) -> None:
    """One instance of the service: its own store handle, tagging its share of the assets
    (with ``prefix``; None is the default one)."""
    backend = memory_backend(count)
    tags = TagService(backend, open_store(where), FORMATS)
    ready.wait()
    go.wait()
    for asset_id in range(part + 1, count + 1, parts):
        tags.issue_tag(asset_id, prefix, actor="benchmark", request_id=f"p{part}")
    done.put(time.perf_counter())


def in_processes(where: str, count: int, processes: int, *, own_prefix: bool = False) -> float:
    """Issues/s of ``processes`` service processes sharing the store at ``where``; with
    ``own_prefix`` each process issues tags of a prefix of its own (W12-, STF-)."""
    import multiprocessing

    spawn = multiprocessing.get_context("spawn")
    ready, go, done = spawn.Barrier(processes + 1), spawn.Event(), spawn.Queue()

    def prefix(part: int) -> str | None:
        return FORMATS.all[part % len(FORMATS.all)].prefix if own_prefix else None

    open_store(where)  # created before the clock starts, as at service start-up
    workers = [
        spawn.Process(
            target=_process_worker,
            args=(where, count, p, processes, prefix(p), ready, go, done),
        )
        for p in range(processes)
    ]
    for w in workers:
        w.start()
    ready.wait()
    started = time.perf_counter()
    go.set()
    finished = max(done.get(timeout=600) for _ in workers)
    for w in workers:
        w.join()
    return count / (finished - started)


def bench_stores(count: int, repeat: int, *, durable: bool = True) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    from tests.pg_harness import start_pg

    from rtutils_adapters.postgres import PostgresTagStore

    print("starting PostgreSQL ...", file=sys.stderr)
    server = start_pg(durable=durable)

    def on_pg(measure: Callable[[str], float]) -> Callable[[Path], float]:
        def run(_: Path) -> float:
            name = server.create_database()
            try:
                return measure(server.url(name))
            finally:
                server.drop_database(name)

        return run

    def sqlite_file(folder: Path) -> str:
        return str(folder / "tags.sqlite3")

    def pg_service(url: str, threads: int) -> float:
        store = PostgresTagStore(url)
        try:
            return through_service(count, store, threads)
        finally:
            store.close()

    try:
        figures = {
            "baseline: raw SQLite commits/s (WAL, FULL)": median_of(
                repeat, lambda d: raw_sqlite_commits(count, d)
            ),
            f"baseline: raw PostgreSQL commits/s (fsync {'on' if durable else 'off'})": median_of(
                repeat, on_pg(lambda url: raw_postgres_commits(count, url))
            ),
            "issues/s, SQLite store, 1 thread": median_of(
                repeat, lambda d: through_service(count, SqliteTagStore.in_dir(d))
            ),
            "issues/s, PostgreSQL store, 1 thread": median_of(
                repeat, on_pg(lambda url: pg_service(url, 1))
            ),
            "issues/s, SQLite store, 4 threads": median_of(
                repeat, lambda d: through_service(count, SqliteTagStore.in_dir(d), threads=4)
            ),
            "issues/s, PostgreSQL store, 4 threads": median_of(
                repeat, on_pg(lambda url: pg_service(url, 4))
            ),
            "issues/s, SQLite store, 2 processes": median_of(
                repeat, lambda d: in_processes(sqlite_file(d), count, 2)
            ),
            "issues/s, PostgreSQL store, 2 processes": median_of(
                repeat, on_pg(lambda url: in_processes(url, count, 2))
            ),
            "issues/s, SQLite store, 2 processes, a prefix each": median_of(
                repeat, lambda d: in_processes(sqlite_file(d), count, 2, own_prefix=True)
            ),
            "issues/s, PostgreSQL store, 2 processes, a prefix each": median_of(
                repeat, on_pg(lambda url: in_processes(url, count, 2, own_prefix=True))
            ),
        }
    finally:
        server.stop()
    print("| measured | median | runs |\n|---|---:|---|")
    for label, (median, runs) in figures.items():
        print(f"| {label} | {median:.0f} | {', '.join(f'{r:.0f}' for r in runs)} |")


def bench_env(count: int, catalog: str, prefix: str | None) -> None:
    from rtutils_web.container import build_container
    from rtutils_web.settings import Settings

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


class RequestCount(logging.Handler):
    """RT requests by method and path shape, from the adapter's own debug lines."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        path = getattr(record, "path", "")
        shape = "/asset/{id}" if path.startswith("/asset/") else path
        self.counts[f"{getattr(record, 'method', '?')} {shape}"] += 1


Work = Callable[[AssetBackend, int], None]


def on_rt(connect: Callable[[], Any], count: int, clients: int, work: Work):
    """``count`` per second of ``clients`` threads each running ``work(backend, number)``
    with a backend of its own, and the RT requests they sent, by kind."""
    counter = RequestCount()
    rt_log = logging.getLogger("rtutils.rt")
    rt_log.addHandler(counter)
    rt_log.setLevel(logging.DEBUG)
    backends = [connect() for _ in range(clients)]

    def run() -> None:
        workers = [threading.Thread(target=work, args=(b, n)) for n, b in enumerate(backends)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()

    try:
        return rate(count, run), counter.counts
    finally:
        rt_log.removeHandler(counter)
        for backend in backends:
            backend.close()


def per_issue(counts: Counter[str], issued: int) -> str:
    parts = ", ".join(f"{k} {v / issued:.2f}" for k, v in sorted(counts.items()))
    return f"{sum(counts.values()) / issued:.2f} ({parts})"


def bench_rt(count: int, clients: int, fake_count: int, repeat: int) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    from tests.rt_harness import STUDENT_DEVICES, start_rt

    from rtutils_adapters.rt import RTRestBackend

    fake, fake_runs = median_of(
        repeat, lambda d: through_service(fake_count, SqliteTagStore.in_dir(d))
    )
    formats = TagFormats(TagFormat("ONE-", 5), (TagFormat("MANY-", 5),))
    with tempfile.TemporaryDirectory(prefix="rtutils-bench-") as folder:
        print("starting RT and loading the assets ...", file=sys.stderr)
        server = start_rt(Path(folder))
        try:

            def connect() -> RTRestBackend:
                return RTRestBackend(server.url, server.token, read_timeout=120)

            drafts = [
                (AssetDraft(name=f"BENCH-{n:04d}", catalog=STUDENT_DEVICES), ())
                for n in range(2 * count)
            ]
            ids = sorted(server.insert_assets(drafts).values())
            alone, shared = ids[:count], ids[count:]
            store = Path(folder) / "tags.sqlite3"

            def gets(step: int) -> Work:
                def work(backend: AssetBackend, n: int) -> None:
                    for asset_id in alone[n::step]:
                        backend.get_asset(asset_id)

                return work

            def tag(of: list[int], step: int, prefix: str) -> Work:
                def work(backend: AssetBackend, n: int) -> None:
                    tags = TagService(backend, SqliteTagStore(store), formats)
                    for asset_id in of[n::step]:
                        tags.issue_tag(asset_id, prefix, actor="benchmark", request_id=f"b{n}")

                return work

            get_one, _ = on_rt(connect, count, 1, gets(1))
            get_many, _ = on_rt(connect, count, clients, gets(clients))
            one, one_sent = on_rt(connect, count, 1, tag(alone, 1, "ONE-"))
            many, many_sent = on_rt(connect, count, clients, tag(shared, clients, "MANY-"))
            check = connect()
            for prefix, wanted in (("ONE-", alone), ("MANY-", shared)):
                names = {a.id: a.name for a in check.iter_assets(AssetQuery(name_prefix=prefix))}
                if sorted(names) != wanted or len(set(names.values())) != count:
                    raise SystemExit(f"FAIL: the {prefix} assets did not each get their own tag")
            check.close()
        finally:
            server.stop()

    spread = ", ".join(f"{r:.0f}" for r in fake_runs)
    rows = [
        (f"baseline: issues/s, SQLite store + fake backend (runs: {spread})", f"{fake:.0f}"),
        ("baseline: RT `GET /asset/{id}` requests/s, 1 client", f"{get_one:.2f}"),
        (f"baseline: RT `GET /asset/{{id}}` requests/s, {clients} clients", f"{get_many:.2f}"),
        ("**issues/s through the service, real RT, 1 client**", f"**{one:.2f}**"),
        (f"issues/s through the service, real RT, {clients} clients", f"{many:.2f}"),
    ]
    print(f"{count} issues per RT run; fake backend: {fake_count} issues, median of {repeat}")
    print("| measured | figure |\n|---|---:|")
    for label, figure in rows:
        print(f"| {label} | {figure} |")
    print(f"RT requests per issue, 1 client: {per_issue(one_sent, count)}")
    print(f"RT requests per issue, {clients} clients: {per_issue(many_sent, count)}")
    print(f"the fake backend issues {fake / one:.0f}x as fast as one client on RT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--issues", type=int, help="issues per run (2000; 50 with --backend rt or env)"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backend", choices=["memory", "rt", "env"], default="memory")
    parser.add_argument("--clients", type=int, default=4, help="client threads (--backend rt)")
    parser.add_argument("--catalog", help="catalog for the new assets (--backend env)")
    parser.add_argument("--prefix", help="a configured prefix to issue (--backend env)")
    parser.add_argument(
        "--stores", action="store_true", help="SQLite against PostgreSQL (fake backend)"
    )
    parser.add_argument(
        "--no-fsync",
        action="store_true",
        help="with --stores: PostgreSQL without fsync, as the tests run it (its cost without disk)",
    )
    args = parser.parse_args()

    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    if args.stores:
        count = args.issues or 2000
        print(f"{count} issues per run, median of {args.repeat} runs")
        bench_stores(count, args.repeat, durable=not args.no_fsync)
    elif args.backend == "rt":
        bench_rt(args.issues or 50, args.clients, fake_count=2000, repeat=args.repeat)
    elif args.backend == "env":
        if not args.catalog:
            parser.error("--backend env needs --catalog")
        bench_env(args.issues or 50, args.catalog, args.prefix)
    else:
        count = args.issues or 2000
        print(f"{count} issues per run, median of {args.repeat} runs")
        bench_local(count, args.repeat)


if __name__ == "__main__":
    main()
