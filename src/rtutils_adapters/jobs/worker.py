"""The worker: a huey consumer (threads) that runs jobs, and a ticker for recovery and schedules.

:class:`JobWorker` runs inside the web service (started and stopped by the shell) or in a
process of its own through :func:`run_worker`. Any number of workers may share one queue and
one job store: the store's claims decide who runs a job and which worker submits a
scheduled one.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid
from types import FrameType

from huey.consumer import Consumer

from rtutils_adapters.jobs.queue import HueyJobQueue
from rtutils_core.errors import RtutilsError
from rtutils_core.jobs.service import JobService

log = logging.getLogger("rtutils.jobs")

#: Seconds between two recovery and schedule checks.
DEFAULT_TICK = 1.0
#: Seconds a graceful stop waits for running jobs; one still running is resumed elsewhere
#: once its lease runs out.
DEFAULT_STOP_TIMEOUT = 10.0


class _QuietConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer without its signal handlers: the process owner handles signals."""

    def _set_signal_handlers(self) -> None:
        pass


def worker_name() -> str:
    """A name for this worker that no other process gets: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class JobWorker:
    """Runs the jobs of ``queue`` with ``service`` on ``threads`` threads until stopped."""

    def __init__(
        self,
        service: JobService,
        queue: HueyJobQueue,
        *,
        threads: int = 2,
        tick: float = DEFAULT_TICK,
        stop_timeout: float = DEFAULT_STOP_TIMEOUT,
        name: str | None = None,
    ) -> None:
        self.service = service
        self.queue = queue
        self.name = name or worker_name()
        self.tick = tick
        self._stopping = threading.Event()
        self._ticker = threading.Thread(target=self._tick_loop, name="job-ticker", daemon=True)
        self._consumer = _QuietConsumer(
            queue.huey,
            workers=threads,
            periodic=False,  # schedules run through the job store's slots instead
            worker_type="thread",
            initial_delay=0.1,
            max_delay=1.0,
            shutdown_timeout=stop_timeout,
        )

    def start(self) -> None:
        """Start the consumer threads and the ticker; returns at once."""
        self.queue.serve_with(lambda job_id: self.service.run(job_id, self.name))
        self._consumer.start()
        self._ticker.start()
        log.info("job worker started", extra={"worker": self.name})

    def stop(self) -> None:
        """Stop taking jobs and wait (up to the stop timeout) for the running ones."""
        self._stopping.set()
        self._ticker.join()
        self._consumer.stop(graceful=True)
        log.info("job worker stopped", extra={"worker": self.name})

    def _tick_loop(self) -> None:
        while True:
            try:
                self.service.tick()
            except RtutilsError as error:  # the store is busy or gone: try again next tick
                log.warning("job tick failed", extra={"error": str(error)})
            if self._stopping.wait(self.tick):
                return


def run_worker(
    service: JobService,
    queue: HueyJobQueue,
    *,
    threads: int = 2,
    tick: float = DEFAULT_TICK,
    stop_timeout: float = DEFAULT_STOP_TIMEOUT,
) -> None:
    """Run a worker in this process until SIGTERM or SIGINT (the ``worker`` command)."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    worker = JobWorker(service, queue, threads=threads, tick=tick, stop_timeout=stop_timeout)
    worker.start()
    try:
        stop.wait()
    finally:
        worker.stop()
