"""Printing to a Brother QL: the raster that reaches the (stand-in) printer, read back with
brother_ql's own reader into bitmaps and decoded with zxing-cpp, as a scanner reads the label.
Faults: a printer that is off, refuses, does not answer, or accepts and then hangs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from tests.conftest import free_port
from tests.printer_standins import StandInQL, Unanswering, read_raster

from rtutils_adapters.memory import MemoryBackend, MemoryPrintJobStore
from rtutils_adapters.pdf import PdfLabelMetrics, PdfLabelRenderer
from rtutils_adapters.printers import BrotherQLPrinter
from rtutils_core.assets import AssetDraft
from rtutils_core.errors import ConfigError
from rtutils_core.labels import LabelOptions
from rtutils_core.labels.batches import BatchSelection
from rtutils_core.labels.service import LabelService
from rtutils_core.printing.printers import PrinterConfig, parse_printers
from rtutils_core.printing.service import PrintService

RT = "https://rt.example.org"
COUNT = 20
CONNECT_TIMEOUT = 1.0
SEND_TIMEOUT = 1.5


def make_backend() -> MemoryBackend:
    backend = MemoryBackend(RT)
    backend.add_catalog(
        "Student Devices", ["Serial Number", "Model", "Manufacturer", "Internal Name", "Type"]
    )
    for n in range(1, COUNT + 1):
        backend.add_asset(
            AssetDraft(
                name=f"W12-{n:05d}",
                catalog="Student Devices",
                custom_fields={
                    "Serial Number": f"NXH{n:07d}ZA",
                    "Manufacturer": "Lenovo",
                    "Model": "100e Chromebook Gen 3",
                    "Internal Name": f"CB-Ñandú-{n:02d} 测试",
                },
            )
        )
    return backend


TAGS = [f"W12-{n:05d}" for n in range(1, COUNT + 1)]


def config(address: str, media: str, name: str = "desk") -> PrinterConfig:
    return parse_printers(f"{name}=brother-ql,{address},QL-820NWB,{media}")[name]


def make_service(backend: MemoryBackend, *printers: BrotherQLPrinter) -> PrintService:
    labels = LabelService.from_options(
        LabelOptions(organisation="Westbrook USD", rt_url=RT),
        backend,
        PdfLabelRenderer(),
        PdfLabelMetrics(),
    )
    return PrintService(
        labels, {p.config.name: p for p in printers}, MemoryPrintJobStore(), max_labels=100
    )


def printer(address: str, media: str = "62") -> BrotherQLPrinter:
    return BrotherQLPrinter(
        config(address, media), connect_timeout=CONNECT_TIMEOUT, send_timeout=SEND_TIMEOUT
    )


def scanned(image: Image.Image) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for result in zxingcpp.read_barcodes(image):
        found.setdefault(result.format.name, []).append(result.text)
    return found


def printed_tags(jobs: list[bytes], workdir: Path) -> list[str]:
    """The Code 128 of every page received; each page must carry its asset's QR code too."""
    tags = []
    for job in jobs:
        (page,) = read_raster(job, workdir)
        codes = scanned(page)
        (tag,) = codes["Code128"]
        assert codes["QRCode"] == [f"{RT}/Asset/Display.html?id={int(tag[4:])}"]
        tags.append(tag)
    return tags


@pytest.mark.parametrize(("media", "width", "length"), [("62", 720, 1181), ("29x90", 720, 991)])
def test_twenty_labels_reach_the_printer_as_twenty_raster_jobs_that_scan(
    tmp_path, media, width, length
):
    backend = make_backend()
    with StandInQL() as ql:
        service = make_service(backend, printer(ql.address, media))
        job = service.submit("desk", BatchSelection(tags=TAGS), actor="desk-1")
        assert job.state == "queued"
        done = service.send(job.id)
    assert (done.state, done.printed, done.total, done.reason) == ("sent", COUNT, COUNT, "")
    assert len(ql.jobs) == COUNT
    for n, raw in enumerate(ql.jobs):
        (page,) = read_raster(raw, tmp_path / "pages")
        # The printer's full head width (90 bytes a row) by the label's length in dots.
        assert page.size == (width, length)
        codes = scanned(page)
        asset = backend.get_asset(n + 1)
        assert codes == {
            "QRCode": [f"{RT}/Asset/Display.html?id={asset.id}"],
            "Code128": [asset.name],
        }


def test_the_raster_cuts_after_each_label_and_sets_the_stock(tmp_path):
    backend = make_backend()
    for media, mtype, width, length in (("62", 0x0A, 62, 0), ("29x90", 0x0B, 29, 90)):
        with StandInQL() as ql:
            service = make_service(backend, printer(ql.address, media))
            service.send(service.submit("desk", BatchSelection(tags=TAGS[:1])).id)
        (raw,) = ql.jobs
        # ESC i z: media type, width and length in mm (brother_ql's media/quality command).
        media_at = raw.index(b"\x1bi\x7a")
        assert tuple(raw[media_at + 4 : media_at + 7]) == (mtype, width, length)
        assert b"\x1biM\x40" in raw  # auto cut on
        assert b"\x1biA\x01" in raw  # cut after every label
        assert raw.endswith(b"\x1a")  # print, last page


def test_copies_print_each_label_that_many_times(tmp_path):
    with StandInQL() as ql:
        service = make_service(make_backend(), printer(ql.address))
        job = service.submit("desk", BatchSelection(tags=TAGS[:3]), copies=2)
        assert service.send(job.id).printed == 6
    assert printed_tags(ql.jobs, tmp_path) == [t for t in TAGS[:3] for _ in (1, 2)]


def test_a_switched_off_printer_fails_the_job_with_its_reason_and_a_retry_prints_each_once(
    tmp_path,
):
    port = free_port()
    service = make_service(make_backend(), printer(f"tcp://127.0.0.1:{port}"))
    job = service.submit("desk", BatchSelection(tags=TAGS))
    started = time.monotonic()
    failed = service.send(job.id)
    assert time.monotonic() - started < CONNECT_TIMEOUT + 1
    assert failed.state == "failed"
    assert failed.printed == 0
    assert f"label 1 of {COUNT} (W12-00001)" in failed.reason
    assert "refused the connection" in failed.reason
    assert service.get(job.id) == failed
    with StandInQL(port) as ql:
        assert service.retry(job.id).state == "queued"
        done = service.send(job.id)
    assert (done.state, done.printed, done.attempts) == ("sent", COUNT, 2)
    assert printed_tags(ql.jobs, tmp_path) == TAGS


def test_a_printer_that_does_not_answer_fails_within_the_connect_timeout():
    silent = Unanswering()
    try:
        service = make_service(make_backend(), printer(f"tcp://127.0.0.1:{silent.port}"))
        job = service.submit("desk", BatchSelection(tags=TAGS[:2]))
        started = time.monotonic()
        failed = service.send(job.id)
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert CONNECT_TIMEOUT - 0.1 < elapsed < CONNECT_TIMEOUT + 1
    assert failed.state == "failed"
    assert "did not answer within 1 s (connect timeout)" in failed.reason


def test_a_printer_that_accepts_and_hangs_fails_within_the_send_timeout_and_retry_resumes(
    tmp_path,
):
    port = free_port()
    service = make_service(make_backend(), printer(f"tcp://127.0.0.1:{port}"))
    with StandInQL(port) as ql:
        job = service.submit("desk", BatchSelection(tags=TAGS[:5]))
        service.send(job.id)
    assert printed_tags(ql.jobs, tmp_path) == TAGS[:5]
    job = service.submit("desk", BatchSelection(tags=TAGS))
    with StandInQL(port, hang=True):
        started = time.monotonic()
        failed = service.send(job.id)
        elapsed = time.monotonic() - started
    assert elapsed < SEND_TIMEOUT + 1
    assert failed.state == "failed"
    assert "accepted the connection but did not take the label within 1.5 s" in failed.reason
    assert failed.printed == 0
    with StandInQL(port) as ql:
        service.retry(job.id)
        done = service.send(job.id)
    assert done.state == "sent"
    assert printed_tags(ql.jobs, tmp_path) == TAGS


def test_printer_state_says_whether_it_answers():
    with StandInQL() as ql:
        up = printer(ql.address)
        assert up.state().ready
    port = free_port()
    down = printer(f"tcp://127.0.0.1:{port}").state()
    assert not down.ready
    assert "connection refused" in down.detail


def test_an_unknown_model_is_refused_naming_the_printer():
    bad = PrinterConfig("desk", "brother-ql", "tcp://127.0.0.1:9100", "QL-9999", "62")
    with pytest.raises(ConfigError, match="printer 'desk' has model 'QL-9999'"):
        BrotherQLPrinter(bad)


def test_a_compressed_raster_reads_back_to_the_same_label(tmp_path):
    backend = make_backend()
    layouts = make_service(backend).labels
    plain = printer("tcp://127.0.0.1:9100")
    packed = BrotherQLPrinter(config("tcp://127.0.0.1:9100", "62"), compress=True)
    layout = layouts.layout(backend.get_asset(3), "large")
    small, big = packed.raster(layout), plain.raster(layout)
    assert b"M\x02" in small
    assert len(small) < len(big) / 2
    (unpacked,) = read_raster(small, tmp_path / "packed")
    (raw,) = read_raster(big, tmp_path / "plain")
    assert unpacked.tobytes() == raw.tobytes()
    assert scanned(unpacked)["Code128"] == ["W12-00003"]


def test_a_printer_that_drops_the_connection_fails_the_job_with_that_reason():
    with StandInQL(drop=True) as ql:
        service = make_service(make_backend(), printer(ql.address))
        failed = service.send(service.submit("desk", BatchSelection(tags=TAGS[:2])).id)
    assert (failed.state, failed.printed) == ("failed", 0)
    # Reset while connecting or while sending, depending on timing: both say so.
    assert "reset" in failed.reason.lower(), failed.reason
