"""Printing labels straight to a label printer, as jobs that are kept until they are sent.

``submit`` resolves the labels (the same checks as a PDF batch) and stores a ``queued`` job;
``send`` prints it label by label, storing after each label how many the printer took, so a
failure (printer off, refusing, hanging, the backend down) leaves a ``failed`` job with its
reason that ``retry`` sends on from where it stopped: every label comes out once. Sending may
run in any thread or process; the store's compare-and-set lets only one of them send a job.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime

from attrs import define, field

from rtutils_core.assets import Asset
from rtutils_core.clock import utc_now
from rtutils_core.errors import (
    InvalidInput,
    PrinterNotFound,
    PrintJobConflict,
    RtutilsError,
)
from rtutils_core.jobs import JobCancelled
from rtutils_core.labels.batches import BatchSelection
from rtutils_core.labels.service import LabelService
from rtutils_core.printing.ports import Printer, PrinterState, PrintJobStore
from rtutils_core.printing.print_jobs import MAX_COPIES, JobState, PrintItem, PrintJob
from rtutils_core.printing.printers import PrinterConfig

CANCELLED = "cancelled while sending; retry to print the rest"
INTERRUPTED = (
    "the service stopped while this job was being sent; the label being sent then may or may"
    " not have printed. Retry to print the rest"
)


def _new_id() -> str:
    return uuid.uuid4().hex


@define
class PrintService:
    """Print jobs over the configured printers (by name) and a job store."""

    labels: LabelService
    printers: Mapping[str, Printer]
    store: PrintJobStore
    max_labels: int = 2000
    clock: Callable[[], datetime] = field(default=utc_now)
    new_id: Callable[[], str] = field(default=_new_id)
    #: One lock per printer: this process sends one job at a time to each printer, so that
    #: two jobs never interleave their labels on one tape (a printer takes one connection).
    _locks: dict[str, threading.Lock] = field(factory=dict, init=False, repr=False)
    _locks_lock: threading.Lock = field(factory=threading.Lock, init=False, repr=False)

    def configs(self) -> list[PrinterConfig]:
        """Every configured printer, in configuration order."""
        return [printer.config for printer in self.printers.values()]

    def states(self) -> list[PrinterState]:
        """What each printer says about itself now (each within its own timeouts)."""
        return [printer.state() for printer in self.printers.values()]

    def printer(self, name: str) -> Printer:
        """The printer called ``name``, or :class:`PrinterNotFound`."""
        try:
            return self.printers[name]
        except KeyError:
            known = ", ".join(self.printers) or "none configured"
            raise PrinterNotFound(f"no printer called {name!r} (printers: {known})") from None

    def submit(
        self,
        printer: str,
        selection: BatchSelection,
        *,
        template: str | None = None,
        copies: int = 1,
        actor: str = "",
    ) -> PrintJob:
        """Resolve the labels of ``selection`` and keep a ``queued`` job for ``printer``.

        Nothing is sent yet: call :meth:`send` (in the background). Raises
        :class:`InvalidInput` when nothing of the selection can be printed.
        """
        config = self.printer(printer).config
        if template is not None and template != config.template:
            raise InvalidInput(
                f"printer {config.name!r} holds {config.media_name}, which takes the"
                f" {config.template!r} label, not {template!r}"
            )
        if not 1 <= copies <= MAX_COPIES:
            raise InvalidInput(f"copies must be between 1 and {MAX_COPIES}, not {copies}")
        plan = self.labels.plan_batch(selection, self.max_labels, config.template)
        skipped = (*plan.missing, *plan.refused)
        if not plan.assets:
            raise InvalidInput("nothing to print: " + ("; ".join(skipped) or "no assets"))
        now = self.clock()
        job = PrintJob(
            id=self.new_id(),
            printer=config.name,
            template=config.template,
            items=[PrintItem(a.id, self.labels.tag_of(a)) for a in plan.assets],
            created_at=now,
            updated_at=now,
            copies=copies,
            actor=actor,
            skipped=skipped,
        )
        self.store.add(job)
        return job

    def get(self, job_id: str) -> PrintJob:
        """The job, or :class:`~rtutils_core.errors.PrintJobNotFound`."""
        return self.store.get(job_id)

    def recent(self, limit: int = 50) -> list[PrintJob]:
        """The newest jobs first."""
        return self.store.recent(limit)

    def send(self, job_id: str, progress: Callable[[PrintJob], object] | None = None) -> PrintJob:
        """Send a queued job from where it stopped; return it ``sent`` or ``failed``.

        ``progress`` is called with the job after each label the printer took; whatever it
        raises (a cancelled background job) stops the sending and fails the print job.
        Raises :class:`PrintJobConflict` if the job is not queued (sent, or being sent).
        """
        with self._lock(self.store.get(job_id).printer):
            return self._send(job_id, progress or (lambda job: None))

    def _lock(self, printer: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(printer, threading.Lock())

    def _send(self, job_id: str, progress: Callable[[PrintJob], object]) -> PrintJob:
        job = self.store.get(job_id)
        job = self._move(job, "queued", "sending", reason="", attempts=job.attempts + 1)
        try:
            printer = self.printer(job.printer)
            assets = self._assets(job)
            for position, item in job.remaining():
                label = f"label {position + 1} of {job.total} ({item.tag})"
                try:
                    layout = self.labels.layout(assets[item.asset_id], job.template)
                    printer.print_label(layout)
                except RtutilsError as exc:
                    return self._move(job, "sending", "failed", reason=f"{label}: {exc.message}")
                job = self._move(job, "sending", "sending", printed=position + 1)
                progress(job)
        except RtutilsError as exc:
            return self._move(job, "sending", "failed", reason=exc.message)
        except JobCancelled:
            self._move(job, "sending", "failed", reason=CANCELLED)
            raise
        except Exception as exc:
            # A bug must not leave the job "sending" for good: fail it (it can be retried),
            # then let the error reach the log.
            reason = f"unexpected error ({type(exc).__name__}); see the service log"
            self._move(job, "sending", "failed", reason=reason)
            raise
        return self._move(job, "sending", "sent")

    def retry(self, job_id: str) -> PrintJob:
        """Queue a failed job again; :meth:`send` then prints only what did not print."""
        job = self.store.get(job_id)
        if job.state != "failed":
            raise PrintJobConflict(
                f"print job {job_id} is {job.state}; only a failed job can be retried"
            )
        return self._move(job, "failed", "queued")

    def recover_interrupted(self) -> list[PrintJob]:
        """Mark every job left ``sending`` by a stopped process as failed.

        Only for a process that is the one sender (no worker elsewhere): the job system
        recovers one job at a time with :meth:`interrupted` instead.
        """
        return [
            self._move(job, "sending", "failed", reason=INTERRUPTED)
            for job in self.store.recent(limit=None, states=("sending",))
        ]

    def interrupted(self, job_id: str) -> PrintJob:
        """Fail a job whose sender stopped while sending it (it can be retried)."""
        return self._move(self.store.get(job_id), "sending", "failed", reason=INTERRUPTED)

    def not_queued(self, job_id: str, reason: str) -> PrintJob:
        """Fail a queued job that could not be handed to a worker (it can be retried)."""
        return self._move(self.store.get(job_id), "queued", "failed", reason=reason)

    def _assets(self, job: PrintJob) -> dict[int, Asset]:
        # Read again when sending: the label shows the asset as it is when it prints.
        ids = tuple(dict.fromkeys(item.asset_id for _, item in job.remaining()))
        if not ids:
            return {}
        selection = BatchSelection(asset_ids=ids)
        plan = self.labels.plan_batch(selection, len(ids), job.template)
        problems = (*plan.missing, *plan.refused)
        if problems:
            raise InvalidInput("cannot print any more: " + "; ".join(problems))
        return {asset.id: asset for asset in plan.assets}

    def _move(
        self, job: PrintJob, expect: JobState, state: JobState, **changes: object
    ) -> PrintJob:
        moved = job.moved(state, self.clock(), **changes)
        self.store.replace(moved, expect=expect)
        return moved
