"""The job queue on huey: SQLite in ``WORKING_DIR`` on one machine, Redis for several.

huey carries one message per delivery, holding only the job id: parameters, progress, result
and error live in the job store (``rtutils_core.jobs.ports.JobStore``), which also decides who runs
a job (the claim). huey keeps no results here (``results=False``): the store has them.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey
from redis.exceptions import RedisError

from rtutils_core.errors import BackendUnavailable, ConfigError

QUEUE_NAME = "rtutils"
FILE_NAME = "queue.sqlite3"
TASK_NAME = "rtutils.run_job"


def sqlite_huey(working_dir: Path, name: str = QUEUE_NAME) -> Huey:
    """huey on a SQLite file in ``working_dir`` (created with mode 0600)."""
    path = Path(working_dir) / FILE_NAME
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError as exc:
        raise ConfigError(f"the job queue {path} cannot be created: {exc}") from None
    return SqliteHuey(name, filename=str(path), results=False, utc=True, fsync=True)


def redis_huey(url: str, name: str = QUEUE_NAME) -> Huey:
    """huey on the Redis at ``url`` (``redis://[:password@]host:port/db``)."""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"a Redis URL starts with redis://, rediss:// or unix://, not {url!r}")
    return RedisHuey(name, url=url, results=False, utc=True)


class HueyJobQueue:
    """A :class:`~rtutils_core.jobs.ports.JobQueue` on a huey instance.

    The submitting side only enqueues. A worker process calls :meth:`serve_with` with the
    function that runs a job id (``JobService.run`` bound to its worker name) before its
    huey consumer starts.
    """

    def __init__(self, huey: Huey) -> None:
        self.huey = huey
        self._runner: Callable[[str], object] | None = None
        self._task = huey.task(name=TASK_NAME)(self._run)

    def serve_with(self, runner: Callable[[str], object]) -> None:
        """Run delivered job ids with ``runner`` (in this process's huey consumer)."""
        self._runner = runner

    def _run(self, job_id: str) -> None:
        if self._runner is None:
            raise ConfigError("a job reached a process that serves no jobs")
        self._runner(job_id)

    def enqueue(self, job_id: str) -> None:
        try:
            self._task(job_id)
        except (RedisError, sqlite3.Error, OSError) as exc:
            raise BackendUnavailable(f"the job queue cannot be reached: {exc}") from None
