"""Ports of printing: the label printers, and where print jobs are kept."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from attrs import frozen

from rtutils_core.geometry import LabelLayout
from rtutils_core.printing.print_jobs import JOB_STATES, JobState, PrintJob
from rtutils_core.printing.printers import PrinterConfig


@frozen
class PrinterState:
    """What a printer says about itself: ``ready`` or not, and why not."""

    name: str
    ready: bool
    detail: str = ""


@frozen
class Delivery:
    """What the printer took for one label: bytes sent, and its own job id if it has one."""

    size: int
    printer_job: str = ""


@runtime_checkable
class Printer(Protocol):
    """One label printer. Implementations draw the layout in their own format and send it.

    Failures are :class:`~rtutils_core.errors.PrintFailed` whose message is the reason, given
    within the printer's connect and send timeouts; nothing is retried on the printer's side.
    """

    @property
    def config(self) -> PrinterConfig:
        """How the printer is configured."""

    def print_label(self, layout: LabelLayout) -> Delivery:
        """Send one label; return once the printer took all of it, else raise PrintFailed."""

    def state(self) -> PrinterState:
        """Whether the printer can take a label now (never raises for an unreachable one)."""


@runtime_checkable
class PrintJobStore(Protocol):
    """Durable print jobs. Each method is atomic; jobs are never deleted by the service.

    Implementations pass ``tests/contract/test_print_job_store.py``.
    """

    def add(self, job: PrintJob) -> None:
        """Keep a new job; :class:`~rtutils_core.errors.PrintJobConflict` if its id exists."""

    def get(self, job_id: str) -> PrintJob:
        """The job, or :class:`~rtutils_core.errors.PrintJobNotFound`."""

    def replace(self, job: PrintJob, *, expect: JobState) -> None:
        """Store ``job`` over the stored one if that is still in state ``expect``.

        Raises :class:`~rtutils_core.errors.PrintJobConflict` when it moved on (another
        worker took it) and :class:`~rtutils_core.errors.PrintJobNotFound` if it is unknown.
        """

    def recent(
        self, limit: int | None = 50, states: Sequence[JobState] = JOB_STATES
    ) -> list[PrintJob]:
        """Jobs in one of ``states``, newest first (by creation); ``limit=None`` is all."""
