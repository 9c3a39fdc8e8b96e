"""Sending print jobs in the background, through the job system: one ``print`` job each.

The print job store keeps what printing needs (queued, sending, sent, failed with its reason,
how many labels the printer took); the job system carries the sending to a worker (in the
service or a process of its own), shows its progress with the other jobs and recovers it
when the worker dies. A ``print`` job whose worker died while sending fails its print job
with :data:`~rtutils_core.printing.service.INTERRUPTED` (the label being sent may or may
not have printed), so a retry prints every label once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from attrs import define

from rtutils_core.errors import InvalidInput, PrintFailed, RtutilsError
from rtutils_core.jobs import Job, JobContext, JobKind, JsonValue
from rtutils_core.jobs.service import ACTIVE, JobService
from rtutils_core.labels.batches import BatchSelection
from rtutils_core.printing.print_jobs import PrintJob
from rtutils_core.printing.service import PrintService

#: The job kind that sends one print job.
KIND = "print"
#: Active ``print`` jobs looked at by :meth:`PrintSender.resume`.
MAX_ACTIVE = 1000


def print_job_kind(printing: Callable[[], PrintService]) -> JobKind:
    """The ``print`` job kind; ``printing`` gives the print service when a job runs.

    Resumable: a resumed job does not send again what may have printed, it fails the print
    job as interrupted (see the module's docstring), or reports the outcome it had reached.
    """

    def run(context: JobContext) -> JsonValue:
        service = printing()
        params = context.params
        job_id = params.get("print_job") if isinstance(params, Mapping) else None
        if not isinstance(job_id, str):
            raise InvalidInput("a print job needs the parameter 'print_job'")
        job = service.get(job_id)
        if context.job.attempts > 1 and job.state == "sending":
            job = service.interrupted(job_id)
        elif context.job.attempts == 1 or job.state == "queued":
            job = service.send(job_id, lambda done: context.progress(done.printed, done.total))
        context.progress(job.printed, job.total)
        if job.state == "failed":
            raise PrintFailed(job.reason)
        return {"print_job": job.id, "printer": job.printer, "printed": job.printed}

    return JobKind(KIND, run, resumable=True)


@define
class PrintSender:
    """Hands print jobs to the job system; the sending itself is :func:`print_job_kind`'s."""

    printing: PrintService
    jobs: JobService

    def enqueue(self, job: PrintJob) -> Job:
        """Send the queued ``job`` in the background; returns the ``print`` job doing it.

        If the job system cannot take it, the print job fails with the reason (it can be
        retried) and the error is raised.
        """
        return _enqueue(self.printing, self.jobs.submit, job)

    def resume(self) -> list[Job]:
        """Send the print jobs left ``queued`` without a ``print`` job to send them (queued
        before sending went through the job system); a worker calls this when it starts.

        A print job that does get two ``print`` jobs still prints once: the second finds it
        sent (or sending) and fails with that conflict.
        """
        active = self.jobs.list(kind=KIND, states=ACTIVE, limit=MAX_ACTIVE)
        covered = {job.params.get("print_job") for job in active if isinstance(job.params, Mapping)}
        waiting = self.printing.store.recent(limit=None, states=("queued",))
        return [self.enqueue(job) for job in reversed(waiting) if job.id not in covered]

    def print_assets(self, printer: str, asset_ids: tuple[int, ...], *, actor: str) -> PrintJob:
        """Queue the labels of ``asset_ids`` for ``printer`` and send them in the background."""
        return send_assets(self.printing, self.jobs.submit, printer, asset_ids, actor=actor)


#: How a print job is handed to the job system: a job service's or a running job's submit.
Submit = Callable[[str, JsonValue], Job]


def send_assets(
    printing: PrintService, submit: Submit, printer: str, asset_ids: tuple[int, ...], *, actor: str
) -> PrintJob:
    """Queue the labels of ``asset_ids`` for ``printer`` and ``submit`` the ``print`` job
    that sends them (a job that prints passes its context's submit: see ``JobContext``)."""
    selection = BatchSelection(asset_ids=asset_ids)
    job = printing.submit(printer, selection, actor=actor)
    _enqueue(printing, submit, job)
    return job


def _enqueue(printing: PrintService, submit: Submit, job: PrintJob) -> Job:
    try:
        return submit(KIND, {"print_job": job.id})
    except RtutilsError as error:
        printing.not_queued(job.id, f"could not be queued: {error.message}")
        raise
