"""The label ports against the real PDF adapter: labels are rasterised at the printer's 300 dpi
and read with a real decoder (zxing-cpp), as a scanner at the IT desk would read them."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from math import ceil

import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from tests.conftest import ROOT
from tests.label_fakes import FakeLabelMetrics

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.pdf import PdfLabelMetrics, PdfLabelRenderer
from rtutils_adapters.pdf.fonts import FontSet
from rtutils_core.assets import AssetDraft
from rtutils_core.geometry import LabelLayout
from rtutils_core.labels.batches import BatchSelection
from rtutils_core.labels.service import LabelService
from rtutils_web.settings import Settings

DPI = 300
FIELDS = ["Serial Number", "Manufacturer", "Model", "Internal Name", "Type", "Funding Source"]
CONTENT = {
    "ascii": {
        "Serial Number": "NXH0007919ZA",
        "Manufacturer": "Lenovo",
        "Model": "100e Chromebook Gen 3",
        "Internal Name": "CB-ART-01",
        "Funding Source": "Title I",
    },
    "long": {
        "Serial Number": "SN-" + "0123456789" * 8,
        "Manufacturer": "Hewlett-Packard Development Company",
        "Model": "Chromebook x360 11 G4 Education Edition with stylus " * 3,
        "Internal Name": "Library loaner cart A, shelf 3, slot 14, " * 4,
        "Funding Source": "Elementary and Secondary School Emergency Relief Fund III " * 2,
    },
    "empty": {},
    "non-latin": {
        "Serial Number": "NXH0118785ZA",
        "Model": "Chromebook 3100",
        "Internal Name": "测试 Chromebook — Ñandú Zoë 図書館",
        "Funding Source": "Бюджет школы Ελληνικά",
    },
}
METRICS = PdfLabelMetrics()
RENDERER = PdfLabelRenderer()


def make_backend() -> MemoryBackend:
    backend = MemoryBackend("https://rt.example.org")
    backend.add_catalog("Student Devices", FIELDS)
    return backend


def make_service(backend: MemoryBackend, **env: str) -> LabelService:
    settings = Settings.from_env(
        {"RTUTILS_BACKEND": "demo", "ORGANISATION": "Westbrook USD", **env}
    )
    return LabelService.from_options(settings.label_options, backend, RENDERER, METRICS)


def rasterise(pdf: bytes) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=DPI / 72, grayscale=True).to_pil() for page in document]
    finally:
        document.close()


def as_printed(image: Image.Image) -> Image.Image:
    """What a 1-bit thermal printer makes of the page: every dot black or white."""
    return image.point(lambda v: 0 if v < 128 else 255, mode="1").convert("L")


def decoded(image: Image.Image) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for result in zxingcpp.read_barcodes(image):
        found.setdefault(result.format.name, []).append(result.text)
    return found


def marks_outside_printable(image: Image.Image, layout: LabelLayout) -> tuple[int, ...] | None:
    """The bounding box of any mark outside the printable area, or None."""
    scale = DPI / 25.4
    box = layout.printable
    left, top = int(box.x * scale) - 1, int(box.y * scale) - 1
    right, bottom = int(box.right * scale) + 1, int(box.bottom * scale) + 1
    mask = Image.new("L", image.size, 255)
    mask.paste(0, (max(0, left), max(0, top), right, bottom))
    dark = image.point(lambda v: 255 if v < 250 else 0)
    outside = Image.composite(dark, Image.new("L", image.size, 0), mask)
    return outside.getbbox()


@pytest.fixture(scope="module")
def backend():
    backend = make_backend()
    for n, fields in enumerate(CONTENT.values(), start=1):
        for kind in ("Chromebook", "Charger"):
            backend.add_asset(
                AssetDraft(
                    name=f"W12-{n:03d}{1 if kind == 'Charger' else 0:02d}",
                    catalog="Student Devices",
                    custom_fields={**fields, "Type": kind},
                )
            )
    return backend


@pytest.mark.parametrize("target", ["rt", "service"])
@pytest.mark.parametrize("template", ["large", "small"])
@pytest.mark.parametrize("content", list(CONTENT))
def test_every_label_scans_both_codes_exactly(backend, template, content, target):
    env = {"QR_TARGET": "service", "PUBLIC_URL": "https://labels.example.org"}
    service = make_service(backend, **(env if target == "service" else {}))
    tag = f"W12-{list(CONTENT).index(content) + 1:03d}00"
    asset = service.plan_batch(BatchSelection(tags=[tag]), 1).assets[0]
    pdf = service.render_pdf(asset, template)
    assert pdf.startswith(b"%PDF-")
    (page,) = rasterise(pdf)
    url = (
        f"https://labels.example.org/a/{tag}"
        if target == "service"
        else f"https://rt.example.org/Asset/Display.html?id={asset.id}"
    )
    for image in (page, as_printed(page)):
        assert decoded(image) == {"QRCode": [url], "Code128": [tag]}
    layout = service.layout(asset, template)
    assert marks_outside_printable(page, layout) is None
    assert page.size == (ceil(layout.width_mm / 25.4 * DPI), ceil(layout.height_mm / 25.4 * DPI))
    assert layout.problems == ()


def test_non_latin_text_is_real_text_in_embedded_fonts(backend):
    service = make_service(backend)
    asset = service.plan_batch(BatchSelection(tags=["W12-00400"]), 1).assets[0]
    pdf = service.render_pdf(asset)
    document = pypdfium2.PdfDocument(pdf)
    text = document[0].get_textpage().get_text_range()
    document.close()
    assert "测试 Chromebook — Ñandú Zoë 図書館" in text
    assert "Бюджет школы Ελληνικά" in text
    assert b"/FontFile2" in pdf and b"DroidSansFallback" in pdf and b"DejaVuSansCondensed" in pdf


def test_characters_no_font_has_are_reported_not_drawn_as_empty_boxes():
    backend = make_backend()
    asset = backend.add_asset(
        AssetDraft(
            name="W12-00007",
            catalog="Student Devices",
            custom_fields={"Internal Name": "Cart \U00013000 1"},
        )
    )
    service = make_service(backend)
    assert service.layout(asset).problems == (
        "internal_name: no embedded font can draw U+13000 '\U00013000';"
        " printed as '\ufffd' instead",
    )
    document = pypdfium2.PdfDocument(service.render_pdf(asset))
    assert "Cart \ufffd 1" in document[0].get_textpage().get_text_range()
    document.close()


def test_the_png_preview_is_the_label_at_300_dpi(backend):
    service = make_service(backend)
    asset = service.plan_batch(BatchSelection(tags=["W12-00101"]), 1).assets[0]  # a charger
    image = Image.open(io.BytesIO(service.render_png(asset)))
    assert image.format == "PNG"
    assert image.size == (ceil(90.3 / 25.4 * DPI), ceil(29 / 25.4 * DPI))
    assert image.info["dpi"] == pytest.approx((DPI, DPI), abs=0.01)
    assert decoded(image.convert("L"))["Code128"] == ["W12-00101"]


def test_png_previews_can_be_made_from_several_threads_at_once(backend):
    service = make_service(backend)
    asset = service.plan_batch(BatchSelection(tags=["W12-00100"]), 1).assets[0]
    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(service.render_png(asset))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and len(set(results)) == 1


def test_fonts_embedded_from_several_threads_at_once_are_the_fonts_embedded_alone():
    # The web server renders labels in several threads, and they share the parsed fonts.
    face = FontSet.embedded().regular
    accented = [ord(ch) for ch in "ÀÉÑÖÜàéñöüŽžŠšČčĆćǼǽW12-0123456789 Zoë Ñandú"]
    alone = face.subset(accented)
    results: list[bytes] = []

    def embed() -> None:
        results.extend(face.subset(accented) for _ in range(200))

    threads = [threading.Thread(target=embed) for _ in range(4)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to meet a race
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert len(results) == 4 * 200
    assert sum(r != alone for r in results) == 0


def test_a_batch_is_one_pdf_with_a_page_per_label_each_scanning(backend):
    service = make_service(backend)
    tags = ["W12-00100", "W12-00101", "W12-00400", "W12-00401"]
    plan = service.plan_batch(BatchSelection(tags=tags), 10)
    out = io.BytesIO()
    assert service.render_batch(plan, out) == 4
    pages = rasterise(out.getvalue())
    assert [decoded(p)["Code128"] for p in pages] == [[t] for t in tags]
    # Chargers (W12-...01) come out on the small stock, the rest on the large one.
    assert [p.size[1] for p in pages] == [733, 343, 733, 343]


def test_pages_are_written_while_later_labels_are_still_being_laid_out(backend):
    service = make_service(backend)
    layout = service.layout(service.plan_batch(BatchSelection(tags=["W12-00100"]), 1).assets[0])
    out = io.BytesIO()
    written_when_asked: list[int] = []

    def layouts():
        for _ in range(5):
            written_when_asked.append(out.tell())
            yield layout

    assert RENDERER.render_pdf(layouts(), out) == 5
    assert written_when_asked[0] < written_when_asked[1] < written_when_asked[4]


STREAM_SCRIPT = """
import sys
from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.pdf import PdfLabelMetrics, PdfLabelRenderer
from rtutils_adapters.pdf.fonts import FontSet
from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_core.labels.batches import BatchSelection
from rtutils_core.labels.service import LabelService
from rtutils_web.settings import Settings

count, path = int(sys.argv[1]), sys.argv[2]
backend = MemoryBackend()
backend.add_catalog("Student Devices", ["Internal Name", "Serial Number", "Model"])
for n in range(1, count + 1):
    # A different CJK character on every label makes the fonts' subsets grow, too.
    fields = {"Internal Name": f"Cart {n} " + chr(0x4E00 + n), "Serial Number": f"SN{n:08d}"}
    draft = AssetDraft(name=f"W12-{n:05d}", catalog="Student Devices", custom_fields=fields)
    backend.add_asset(draft)
settings = Settings.from_env({"RTUTILS_BACKEND": "demo"})
renderer, metrics = PdfLabelRenderer(), PdfLabelMetrics()
service = LabelService.from_options(settings.label_options, backend, renderer, metrics)
plan = service.plan_batch(BatchSelection(query=AssetQuery()), count)
peaks = {}


def peak_mb():
    # VmHWM starts afresh at exec; ru_maxrss would carry over the parent's (pytest's) peak.
    with open("/proc/self/status") as status:
        line = next(ln for ln in status if ln.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def layouts():
    for i, asset in enumerate(plan.assets, start=1):
        if i in (200, count):
            peaks[i] = peak_mb()
        yield service.layout(asset)


with open(path, "wb") as f:
    pages = PdfLabelRenderer().render_pdf(layouts(), f)
print(pages, peaks[200], peaks[count], peak_mb())
"""


@pytest.mark.slow
def test_a_2000_label_batch_streams_in_bounded_memory(tmp_path):
    path = tmp_path / "batch.pdf"
    out = subprocess.run(
        [sys.executable, "-c", STREAM_SCRIPT, "2000", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    pages, at_200, at_2000, peak = out.stdout.split()
    assert int(pages) == 2000
    # Well under 200 MB, CJK fallback font and the service's imports included; the bound that
    # says "streamed" is the next one.
    assert float(peak) < 128, out.stdout
    # Bounded: the last 1,800 labels add next to nothing to what the first 200 needed.
    assert float(at_2000) - float(at_200) < 8, out.stdout
    document = pypdfium2.PdfDocument(str(path))
    assert len(document) == 2000
    assert decoded(document[1999].render(scale=DPI / 72, grayscale=True).to_pil()) == {
        "QRCode": ["https://rt.example.org/Asset/Display.html?id=2000"],
        "Code128": ["W12-02000"],
    }
    document.close()


@pytest.mark.parametrize("metrics", [FakeLabelMetrics(), METRICS], ids=["fake", "pdf"])
def test_label_metrics_contract(metrics):
    width = metrics.text_width_mm("Chromebook", 10)
    assert width > 0
    assert metrics.text_width_mm("Chromebook", 20) == pytest.approx(2 * width)
    assert metrics.text_width_mm("Chromebook cart", 10) > width
    assert metrics.text_width_mm("W12-00001", 10, bold=True) > metrics.text_width_mm(
        "W12-00001", 10
    )
    assert metrics.undrawable("Zoë 测试 Ñandú") == ""
    assert metrics.undrawable("a\U00013000b\U00013000") == "\U00013000"
    short, long = metrics.qr_modules("https://x.org/a/1"), metrics.qr_modules("https://" + "x" * 80)
    assert 21 <= short < long and (short - 17) % 4 == 0 and (long - 17) % 4 == 0
    assert metrics.qr_modules("https://rt.example.org/Asset/Display.html?id=2244") == 33
    assert metrics.code128_modules("W12-00042") >= 123
    assert metrics.code128_modules("W12-000042") > metrics.code128_modules("W12-0042")


def test_code128_uses_digit_pairs_for_a_shorter_symbol():
    # Subset C packs two digits per symbol: an even run of digits is shorter (label-facts).
    assert METRICS.code128_modules("W12-00042") == 123
    assert METRICS.code128_modules("W12-0042") == 112
