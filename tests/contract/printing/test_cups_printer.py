"""Printing through a real CUPS (private cupsd, CUPS-PDF queues): every label comes out as a
PDF page at the label's size that scans, read as a scanner would at 300 dpi."""

from __future__ import annotations

import time

import pypdfium2
import pytest
import zxingcpp
from tests.contract.printing.test_brother_ql_printer import RT, TAGS, make_backend, make_service
from tests.cups_harness import CupsServer

from rtutils_adapters.printers import CupsPrinter
from rtutils_core.labels.batches import BatchSelection
from rtutils_core.printing.printers import parse_printers

DPI = 300


def cups_printer(server: str, queue: str, media: str = "62") -> CupsPrinter:
    spec = f"office=cups,{server}/{queue},QL-820NWB,{media}"
    return CupsPrinter(parse_printers(spec)["office"], timeout=20)


def pages(path) -> list[tuple[tuple[float, float], dict[str, list[str]]]]:
    """Each page's size in mm and the codes read from it."""
    document = pypdfium2.PdfDocument(path)
    try:
        found = []
        for page in document:
            width, height = page.get_size()
            image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            codes: dict[str, list[str]] = {}
            for result in zxingcpp.read_barcodes(image):
                codes.setdefault(result.format.name, []).append(result.text)
            found.append(((width * 25.4 / 72, height * 25.4 / 72), codes))
        return found
    finally:
        document.close()


# CUPS-PDF runs Ghostscript for every job (about 2 s each here): twenty on the tape, a few of
# the die-cut labels to show their page size.
@pytest.mark.parametrize(
    ("media", "size", "count"), [("62", (100, 62), 20), ("29x90", (90.3, 29), 4)]
)
def test_twenty_labels_through_cups_pdf_come_out_as_twenty_pages_that_scan(
    cups_server: CupsServer, media, size, count
):
    queue = cups_server.add_queue()
    service = make_service(make_backend(), cups_printer(cups_server.server, queue.name, media))
    job = service.submit("office", BatchSelection(tags=TAGS[:count]))
    done = service.send(job.id)
    assert (done.state, done.printed, done.reason) == ("sent", count, "")
    printed = [page for pdf in queue.wait_for(count) for page in pages(pdf)]
    assert len(printed) == count
    tags = []
    for (width, height), codes in printed:
        # CUPS-PDF rounds the page to whole points (0.35 mm).
        assert abs(width - size[0]) < 0.7
        assert abs(height - size[1]) < 0.7
        (tag,) = codes["Code128"]
        assert codes["QRCode"] == [f"{RT}/Asset/Display.html?id={int(tag[4:])}"]
        tags.append(tag)
    assert sorted(tags) == TAGS[:count]


def test_a_queue_that_refuses_jobs_fails_the_job_and_a_retry_prints_each_once(
    cups_server: CupsServer,
):
    queue = cups_server.add_queue()
    printer = cups_printer(cups_server.server, queue.name)
    service = make_service(make_backend(), printer)
    cups_server.admin("cupsreject", queue.name)
    job = service.submit("office", BatchSelection(tags=TAGS[:3]))
    failed = service.send(job.id)
    assert failed.state == "failed"
    assert f"queue '{queue.name}' on {cups_server.server}) refused the label" in failed.reason
    assert "not accepting jobs" in failed.reason
    cups_server.admin("cupsaccept", queue.name)
    service.retry(job.id)
    assert service.send(job.id).state == "sent"
    codes = [c for pdf in queue.wait_for(3) for _, c in pages(pdf)]
    assert sorted(c["Code128"][0] for c in codes) == TAGS[:3]


def test_an_unknown_queue_and_a_stopped_cups_fail_with_their_reason(cups_server: CupsServer):
    service = make_service(make_backend(), cups_printer(cups_server.server, "no-such-queue"))
    failed = service.send(service.submit("office", BatchSelection(tags=TAGS[:1])).id)
    assert "refused the label" in failed.reason
    assert "does not exist" in failed.reason
    down = cups_printer("127.0.0.1:1", "labels")
    started = time.monotonic()
    service = make_service(make_backend(), down)
    failed = service.send(service.submit("office", BatchSelection(tags=TAGS[:1])).id)
    assert time.monotonic() - started < down.timeout + 1
    assert failed.state == "failed"
    assert "on 127.0.0.1:1" in failed.reason
    assert not down.state().ready


def test_the_queue_state_is_reported(cups_server: CupsServer):
    queue = cups_server.add_queue()
    printer = cups_printer(cups_server.server, queue.name)
    state = printer.state()
    assert state.ready, state.detail
    cups_server.admin("cupsdisable", queue.name)
    state = printer.state()
    assert not state.ready
    assert "disabled" in state.detail
