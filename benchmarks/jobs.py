"""Jobs per second through the job service and a huey worker, on SQLite and on Redis.

    .venv/bin/python benchmarks/jobs.py [--jobs 300] [--threads 2] [--repeat 3]

Each run submits --jobs empty jobs to a fresh queue and job store in a temporary folder and
times until an in-process worker (--threads threads) has finished them all: submit, deliver,
claim, heartbeat thread, finish. The Redis runs start a private redis-server (Debian's
redis-server) on a free loopback port. A baseline in the same run: the same jobs through the
in-memory store and the inline queue (the cost of the service's own Python).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "src")]
sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from tests.redis_harness import start_redis  # noqa: E402

from rtutils_adapters.jobs import HueyJobQueue, JobWorker, redis_huey, sqlite_huey  # noqa: E402
from rtutils_adapters.memory.jobs import InlineJobQueue, MemoryJobStore  # noqa: E402
from rtutils_adapters.sqlite.jobs import SqliteJobStore  # noqa: E402
from rtutils_core.jobs import JobKind  # noqa: E402
from rtutils_core.jobs.service import JobService  # noqa: E402

NOTHING = JobKind("nothing", lambda ctx: None)


def inline_rate(jobs: int) -> float:
    queue = InlineJobQueue()
    service = JobService(MemoryJobStore(), queue)
    service.register(NOTHING)
    started = time.perf_counter()
    for _ in range(jobs):
        service.submit("nothing")
    queue.run_pending(service)
    return jobs / (time.perf_counter() - started)


def huey_rate(folder: Path, jobs: int, threads: int, redis: str | None) -> float:
    huey = redis_huey(redis, f"bench-{time.time_ns()}") if redis else sqlite_huey(folder)
    queue = HueyJobQueue(huey)
    service = JobService(SqliteJobStore.in_dir(folder), queue)
    service.register(NOTHING)
    worker = JobWorker(service, queue, threads=threads, tick=1.0)
    worker.start()
    try:
        started = time.perf_counter()
        for _ in range(jobs):
            service.submit("nothing")
        while service.list(states=["queued", "running"], limit=1):
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
    finally:
        worker.stop()
    assert {j.state for j in service.list(limit=jobs)} == {"succeeded"}
    return jobs / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        redis_dir = Path(tmp) / "redis"
        redis_dir.mkdir()
        process, url = start_redis(redis_dir)
        try:
            rates: dict[str, list[float]] = {"inline": [], "sqlite": [], "redis": []}
            for run in range(args.repeat):
                rates["inline"].append(inline_rate(args.jobs))
                for name, redis in (("sqlite", None), ("redis", url)):
                    folder = Path(tmp) / f"{name}-{run}"
                    folder.mkdir()
                    rates[name].append(huey_rate(folder, args.jobs, args.threads, redis))
        finally:
            process.terminate()
            process.wait()
    print(f"{args.jobs} jobs, {args.threads} worker threads, median of {args.repeat}")
    print(f"baseline, memory store + inline queue: {statistics.median(rates['inline']):.0f}/s")
    for name in ("sqlite", "redis"):
        print(f"huey on {name}, SQLite job store: {statistics.median(rates[name]):.1f} jobs/s")


if __name__ == "__main__":
    main()
