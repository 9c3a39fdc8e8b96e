"""The print service over fakes: jobs, their states, failures part way and retries; and the
``print`` job of the job system that sends them in the background."""

from __future__ import annotations

import pytest
from tests.label_fakes import FakeLabelMetrics, RecordingRenderer

from rtutils_adapters.memory import MemoryBackend, MemoryPrintJobStore
from rtutils_adapters.memory.jobs import InlineJobQueue, MemoryJobStore
from rtutils_core.assets import AssetDraft
from rtutils_core.errors import (
    BackendUnavailable,
    InvalidInput,
    PrinterNotFound,
    PrintFailed,
    PrintJobConflict,
)
from rtutils_core.geometry import LabelLayout
from rtutils_core.jobs.service import JobService
from rtutils_core.labels.batches import BatchSelection
from rtutils_core.labels.service import LabelService
from rtutils_core.printing.ports import Delivery, PrinterState
from rtutils_core.printing.printers import PrinterConfig
from rtutils_core.printing.sender import PrintSender, print_job_kind
from rtutils_core.printing.service import INTERRUPTED, PrintService

TAGS = [f"W12-{n:05d}" for n in range(1, 6)]


class FakePrinter:
    """Records the tag of every label it takes; fails from label ``fail_at`` on if set."""

    def __init__(self, name: str = "desk", media: str = "62") -> None:
        self.config = PrinterConfig(name, "brother-ql", "tcp://ql:9100", "QL-820NWB", media)
        self.taken: list[str] = []
        self.fail_at: int | None = None

    def print_label(self, layout: LabelLayout) -> Delivery:
        if self.fail_at is not None and len(self.taken) + 1 >= self.fail_at:
            raise PrintFailed("printer 'desk' refused the connection")
        self.taken.append(layout.texts()["tag"])
        return Delivery(100)

    def state(self) -> PrinterState:
        return PrinterState(self.config.name, self.fail_at is None)


class FlakyBackend(MemoryBackend):
    down = False

    def iter_assets(self, query, *, people=True):
        if self.down:
            raise BackendUnavailable("RT did not answer")
        return super().iter_assets(query, people=people)


@pytest.fixture
def world():
    backend = FlakyBackend("https://rt.example.org")
    backend.add_catalog("Student Devices", ["Type", "Model"])
    for tag in TAGS:
        backend.add_asset(AssetDraft(name=tag, catalog="Student Devices"))
    backend.add_asset(AssetDraft(name="Spare laptop", catalog="Student Devices"))
    labels = LabelService(backend, RecordingRenderer(), metrics=FakeLabelMetrics())
    printer = FakePrinter()
    small = FakePrinter("loans", "29x90")
    store = MemoryPrintJobStore()
    service = PrintService(labels, {"desk": printer, "loans": small}, store, max_labels=10)
    return service, printer, backend


def test_a_job_is_queued_then_sent_label_by_label(world):
    service, printer, _ = world
    job = service.submit("desk", BatchSelection(tags=TAGS), actor="desk-1")
    assert (job.state, job.template, job.total, job.printed) == ("queued", "large", 5, 0)
    assert [item.tag for item in job.items] == TAGS
    assert printer.taken == []
    done = service.send(job.id)
    assert (done.state, done.printed, done.attempts) == ("sent", 5, 1)
    assert printer.taken == TAGS
    assert service.get(job.id) == done


def test_the_printers_stock_picks_the_template(world):
    service, _, _ = world
    assert service.submit("loans", BatchSelection(tags=TAGS[:1])).template == "small"
    with pytest.raises(InvalidInput, match="takes the 'large' label, not 'small'"):
        service.submit("desk", BatchSelection(tags=TAGS), template="small")


def test_bad_requests_are_refused_before_anything_is_queued(world):
    service, _, _ = world
    with pytest.raises(PrinterNotFound, match="no printer called 'attic' .printers: desk, loans"):
        service.submit("attic", BatchSelection(tags=TAGS))
    with pytest.raises(InvalidInput, match="copies must be between 1 and 10"):
        service.submit("desk", BatchSelection(tags=TAGS), copies=11)
    with pytest.raises(InvalidInput, match="at most 10"):
        service.submit("desk", BatchSelection(asset_ids=range(1, 12)))
    with pytest.raises(InvalidInput, match="nothing to print: W12-00099"):
        service.submit("desk", BatchSelection(tags=["W12-00099"]))
    assert service.recent() == []


def test_what_cannot_be_printed_is_named_on_the_job(world):
    service, printer, _ = world
    job = service.submit("desk", BatchSelection(asset_ids=[1, 6, 99]))
    assert [item.tag for item in job.items] == ["W12-00001"]
    assert job.skipped[0] == "asset 99"
    assert "asset 6 (Spare laptop): asset 6 has no tag yet" in job.skipped[1]


def test_a_failure_part_way_keeps_the_job_and_a_retry_prints_the_rest_once(world):
    service, printer, _ = world
    job = service.submit("desk", BatchSelection(tags=TAGS), copies=2)
    printer.fail_at = 4
    failed = service.send(job.id)
    assert (failed.state, failed.printed) == ("failed", 3)
    assert failed.reason == "label 4 of 10 (W12-00002): printer 'desk' refused the connection"
    with pytest.raises(PrintJobConflict, match="only a failed job can be retried"):
        service.retry(service.submit("desk", BatchSelection(tags=TAGS)).id)
    printer.fail_at = None
    assert service.retry(job.id).state == "queued"
    done = service.send(job.id)
    assert (done.state, done.printed, done.attempts, done.reason) == ("sent", 10, 2, "")
    assert printer.taken == [tag for tag in TAGS for _ in (1, 2)]


def test_a_job_is_sent_once_only(world):
    service, printer, _ = world
    job = service.submit("desk", BatchSelection(tags=TAGS[:2]))
    service.send(job.id)
    with pytest.raises(PrintJobConflict, match="is sent, not queued"):
        service.send(job.id)
    assert printer.taken == TAGS[:2]


def test_the_backend_down_at_sending_time_fails_the_job_with_its_reason(world):
    service, printer, backend = world
    job = service.submit("desk", BatchSelection(tags=TAGS))
    backend.down = True
    failed = service.send(job.id)
    assert (failed.state, failed.reason) == ("failed", "RT did not answer")
    backend.down = False
    service.retry(job.id)
    assert service.send(job.id).state == "sent"
    assert printer.taken == TAGS


def test_jobs_left_sending_by_a_stopped_service_become_failed(world):
    service, _, _ = world
    job = service.submit("desk", BatchSelection(tags=TAGS))
    service.store.replace(job.moved("sending", job.created_at, printed=2), expect="queued")
    (recovered,) = service.recover_interrupted()
    assert (recovered.state, recovered.printed, recovered.reason) == ("failed", 2, INTERRUPTED)


def test_printers_are_listed_with_their_state(world):
    service, printer, _ = world
    assert [c.name for c in service.configs()] == ["desk", "loans"]
    printer.fail_at = 1
    assert [s.ready for s in service.states()] == [False, True]


def test_an_unexpected_error_fails_the_job_instead_of_leaving_it_sending(world):
    service, printer, _ = world
    job = service.submit("desk", BatchSelection(tags=TAGS))

    def broken(layout):
        raise RuntimeError("bug")

    printer.print_label = broken
    with pytest.raises(RuntimeError):
        service.send(job.id)
    failed = service.get(job.id)
    assert failed.state == "failed"
    assert failed.reason == "unexpected error (RuntimeError); see the service log"


class Unreachable:
    def enqueue(self, job_id: str) -> None:
        raise BackendUnavailable("the job queue cannot be reached")


def sender_for(service: PrintService) -> PrintSender:
    jobs = JobService(MemoryJobStore(), InlineJobQueue(), lease=30)
    jobs.register(print_job_kind(lambda: service))
    return PrintSender(service, jobs)


def test_a_print_job_is_sent_by_a_job_that_shows_its_progress(world):
    service, printer, _ = world
    sender = sender_for(service)
    printer.fail_at = 3
    job = sender.enqueue(service.submit("desk", BatchSelection(tags=TAGS)))
    sender.jobs.queue.run_pending(sender.jobs)
    failed = sender.jobs.get(job.id)
    assert (failed.state, failed.progress.done, failed.progress.total) == ("failed", 2, 5)
    assert (
        failed.error
        == "print_failed: label 3 of 5 (W12-00003): printer 'desk' refused the connection"
    )
    printer.fail_at = None
    job = sender.enqueue(service.retry(failed.params["print_job"]))
    sender.jobs.queue.run_pending(sender.jobs)
    assert sender.jobs.get(job.id).result == {
        "print_job": failed.params["print_job"],
        "printer": "desk",
        "printed": 5,
    }
    assert printer.taken == TAGS


def test_a_print_job_whose_worker_died_while_sending_is_failed_to_be_retried(world):
    service, printer, _ = world
    sender = sender_for(service)
    print_job = service.submit("desk", BatchSelection(tags=TAGS))
    job = sender.enqueue(print_job)
    # A worker took both, then died after two labels.
    sender.jobs.store.claim(job.id, "dead", now=job.created, lease_until=job.created)
    service.store.replace(print_job.moved("sending", job.created, printed=2), expect="queued")
    assert sender.jobs.recover().resumed == (job.id,)
    sender.jobs.queue.run_pending(sender.jobs)
    assert sender.jobs.get(job.id).state == "failed"
    left = service.get(print_job.id)
    assert (left.state, left.printed, left.reason) == ("failed", 2, INTERRUPTED)
    assert printer.taken == []


def test_a_print_job_the_queue_cannot_take_is_failed_to_be_retried(world):
    service, _, _ = world
    sender = sender_for(service)
    sender.jobs.queue = Unreachable()
    print_job = service.submit("desk", BatchSelection(tags=TAGS))
    with pytest.raises(BackendUnavailable):
        sender.enqueue(print_job)
    left = service.get(print_job.id)
    assert (left.state, left.reason) == (
        "failed",
        "could not be queued: the job queue cannot be reached",
    )


def test_print_jobs_left_queued_without_a_job_are_sent_once_a_worker_starts(world):
    service, printer, _ = world
    sender = sender_for(service)
    orphan = service.submit("desk", BatchSelection(tags=TAGS[:2]))  # queued, never handed on
    sender.enqueue(service.submit("desk", BatchSelection(tags=TAGS[2:3])))
    (resumed,) = sender.resume()
    assert resumed.params == {"print_job": orphan.id}
    sender.jobs.queue.run_pending(sender.jobs)
    assert sorted(printer.taken) == TAGS[:3]
    assert sender.resume() == []
