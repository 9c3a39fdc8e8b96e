"""Sending print jobs in the background: one plain worker thread per printer.

A printer that hangs holds up only its own queue, never another printer's. Jobs are kept in
the job store, so a job queued here when the process stops is still ``queued`` there (and one
cut off while sending is failed by :meth:`PrintService.recover_interrupted`): nothing is lost.
"""

from __future__ import annotations

import logging
import queue
import threading

from rtutils_core.errors import PrintJobConflict
from rtutils_core.print_jobs import PrintJob
from rtutils_core.services.printing import PrintService

log = logging.getLogger("rtutils.printing")


class PrintSender:
    """Sends the jobs handed to :meth:`enqueue`, each printer's in order."""

    def __init__(self, service: PrintService) -> None:
        self.service = service
        self._queues: dict[str, queue.Queue[str]] = {}
        self._lock = threading.Lock()

    def enqueue(self, job: PrintJob) -> None:
        """Send ``job`` (queued in the store) as soon as its printer's worker is free."""
        with self._lock:
            waiting = self._queues.get(job.printer)
            if waiting is None:
                waiting = self._queues[job.printer] = queue.Queue()
                threading.Thread(
                    target=self._work, args=(waiting,), name=f"print-{job.printer}", daemon=True
                ).start()
        waiting.put(job.id)

    def resume(self) -> list[PrintJob]:
        """At start-up: fail jobs a stopped process left sending, send the queued ones."""
        failed = self.service.recover_interrupted()
        for job in reversed(self.service.store.recent(limit=None, states=("queued",))):
            self.enqueue(job)
        return failed

    def join(self) -> None:
        """Wait until every job handed over so far has been dealt with (for tests)."""
        with self._lock:
            waiting = list(self._queues.values())
        for each in waiting:
            each.join()

    def _work(self, waiting: queue.Queue[str]) -> None:
        while True:
            job_id = waiting.get()
            try:
                self.service.send(job_id)
            except PrintJobConflict:
                pass  # sent or being sent elsewhere already: nothing to do
            except Exception:
                # The job is failed with a reason already; the worker must go on.
                log.exception("print job %s stopped on an unexpected error", job_id)
            finally:
                waiting.task_done()
