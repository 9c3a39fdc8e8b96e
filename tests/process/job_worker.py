"""A child process of the job tests: a real worker on huey, as the ``worker`` command runs it.

    python -m tests.process.job_worker DIR [--redis URL --queue NAME] [--lease S]
        [--every S] [--threads N] [--store POSTGRESQL_URL]

DIR holds the job store (jobs.sqlite3), the SQLite queue unless ``--redis`` is given, and
the ledger (ledger.sqlite3) in which the demo jobs record what they did. ``--every`` adds a
schedule that submits a ``stamp`` job once per S seconds. ``--store`` keeps the job state in
that PostgreSQL database instead of jobs.sqlite3.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import time
from pathlib import Path

from rtutils_adapters.jobs import HueyJobQueue, redis_huey, run_worker, sqlite_huey
from rtutils_adapters.postgres import PostgresJobStore
from rtutils_adapters.sqlite.jobs import SqliteJobStore
from rtutils_core.jobs import JobContext, JobKind, Schedule
from rtutils_core.jobs.service import JobService


class Ledger:
    """What the demo jobs did, one row per item performed, in a SQLite file."""

    def __init__(self, folder: Path) -> None:
        self.db = sqlite3.connect(folder / "ledger.sqlite3", timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS performed (job TEXT, item INTEGER, pid INTEGER, at REAL)"
        )

    def has(self, job: str, item: int) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM performed WHERE job = ? AND item = ?", (job, item)
        ).fetchone()
        return row is not None

    def perform(self, job: str, item: int) -> None:
        self.db.execute(
            "INSERT INTO performed VALUES (?, ?, ?, ?)", (job, item, os.getpid(), time.time())
        )

    def items(self, job: str) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT item FROM performed WHERE job = ?", (job,))]


def process_items(folder: Path):
    """The demo of a resumable job: params {"items": N, "delay": s}; each item idempotent.

    An item is looked up in the ledger before it is done (as an import looks a row up before
    it creates it), so the one item a crash may catch between its effect and the checkpoint
    is not done twice after the resume.
    """

    def run(ctx: JobContext) -> dict:
        ledger = Ledger(folder)
        total, delay = ctx.params["items"], ctx.params.get("delay", 0.0)
        start = ctx.checkpoint["next"] if ctx.checkpoint else 0
        found_done = 0
        for item in range(start, total):
            if ledger.has(ctx.job.id, item):
                found_done += 1
            else:
                time.sleep(delay)
                ledger.perform(ctx.job.id, item)
            ctx.progress(item + 1, total, checkpoint={"next": item + 1})
        return {"items": total, "resumed_from": start, "found_done": found_done}

    return run


def stamp(ctx: JobContext) -> dict:
    return {"pid": os.getpid()}


def build_service(
    folder: Path,
    redis: str | None = None,
    queue_name: str = "rtutils",
    lease: float = 30.0,
    store: str | None = None,
) -> tuple[JobService, HueyJobQueue]:
    """The same service and queue the worker builds, for the test to submit with."""
    huey = redis_huey(redis, queue_name) if redis else sqlite_huey(folder, queue_name)
    queue = HueyJobQueue(huey)
    jobs = PostgresJobStore(store) if store else SqliteJobStore.in_dir(folder)
    service = JobService(jobs, queue, lease=lease)
    service.register(JobKind("items", process_items(folder), resumable=True))
    service.register(JobKind("items-once", process_items(folder), resumable=False))
    service.register(JobKind("stamp", stamp))
    return service, queue


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("--redis")
    parser.add_argument("--queue", default="rtutils")
    parser.add_argument("--lease", type=float, default=30.0)
    parser.add_argument("--every", type=float)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--store")
    args = parser.parse_args()
    service, queue = build_service(args.dir, args.redis, args.queue, args.lease, args.store)
    if args.every:
        service.add_schedule(Schedule("stamp-often", "stamp", args.every))
    run_worker(service, queue, threads=args.threads, tick=0.1)


if __name__ == "__main__":
    main()
