"""Labels per second for the `large` and `small` templates, against a same-run baseline.

The baseline is the plainest way to make such a page with reportlab: one canvas, the same
text lines in Helvetica, and the QR code drawn as a PNG image from ``qrcode.make`` (which
picks the best mask automatically). Both write one PDF page per label, single process.

Also measured: the cost of the QR mask choice, and how often a fixed-mask QR code decodes
after rasterising at 300 dpi (zxing-cpp), since a faster code that scans worse is no gain.

Run: .venv/bin/python benchmarks/labels.py [--labels N] [--rounds R] [--decode N]
"""

from __future__ import annotations

import argparse
import datetime
import io
import platform
import statistics
import time

import pypdfium2
import qrcode
import zxingcpp
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.pdf import PdfLabelMetrics, PdfLabelRenderer
from rtutils_adapters.pdf.symbols import QR_MASK
from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_core.labels.batches import BatchPlan, BatchSelection
from rtutils_core.labels.service import LabelService
from rtutils_web.settings import Settings

FIELDS = ["Serial Number", "Manufacturer", "Model", "Internal Name", "Type", "Funding Source"]


def make_service(count: int) -> tuple[LabelService, MemoryBackend]:
    backend = MemoryBackend("https://tickets.wc-12.com")
    backend.add_catalog("Student Devices", FIELDS)
    for n in range(1, count + 1):
        fields = {
            "Serial Number": f"NXH{n:07d}ZA",
            "Manufacturer": "Lenovo",
            "Model": "100e Chromebook Gen 3",
            "Internal Name": f"CB-LIB-{n:04d}",
            "Type": "Chromebook",
            "Funding Source": "Title I",
        }
        backend.add_asset(AssetDraft(f"W12-{n:05d}", "Student Devices", custom_fields=fields))
    settings = Settings.from_env({"RTUTILS_BACKEND": "demo", "ORGANISATION": "Westbrook USD"})
    service = LabelService.from_options(
        settings.label_options, backend, PdfLabelRenderer(), PdfLabelMetrics()
    )
    return service, backend


def baseline(service: LabelService, plan_assets) -> int:
    """Same text and QR, drawn the simplest way on a bare reportlab canvas."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(100 * mm, 62 * mm))
    for asset in plan_assets:
        tag = asset.name
        image = ImageReader(qrcode.make(service.qr_data(asset, tag)).get_image())
        page.drawImage(image, 4 * mm, 26 * mm, 32 * mm, 32 * mm)
        page.setFont("Helvetica-Bold", 22)
        page.drawString(39 * mm, 50 * mm, tag)
        page.setFont("Helvetica", 10)
        lines = [
            asset.cf("Internal Name"),
            f"{asset.cf('Manufacturer')} {asset.cf('Model')}",
            "S/N " + asset.cf("Serial Number"),
            "Funding: " + asset.cf("Funding Source"),
            service.organisation,
        ]
        for i, line in enumerate(lines):
            page.drawString(39 * mm, (44 - 5 * i) * mm, line)
        page.showPage()
    page.save()
    return len(plan_assets)


def timed(run) -> float:
    start = time.perf_counter()
    count = run()
    return count / (time.perf_counter() - start)


def qr_cost(urls: list[str], mask: int | None) -> float:
    start = time.perf_counter()
    for url in urls:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=mask)
        code.add_data(url)
        code.make(fit=True)
    return (time.perf_counter() - start) / len(urls) * 1000


def decode_rate(service: LabelService, assets, template: str) -> tuple[int, int]:
    out = io.BytesIO()
    plan_pages = service.render_batch(BatchPlan(assets), out, template)
    document = pypdfium2.PdfDocument(out.getvalue())
    good = 0
    for asset, page in zip(assets, document, strict=True):
        image = page.render(scale=300 / 72, grayscale=True).to_pil()
        found = {r.format.name: r.text for r in zxingcpp.read_barcodes(image)}
        good += found == {"QRCode": service.qr_data(asset, asset.name), "Code128": asset.name}
    document.close()
    return good, plan_pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--decode", type=int, default=500)
    args = parser.parse_args()

    service, _ = make_service(max(args.labels, args.decode))
    plan = service.plan_batch(BatchSelection(query=AssetQuery()), max(args.labels, args.decode))
    assets = plan.assets[: args.labels]
    results: dict[str, list[float]] = {"large": [], "small": [], "baseline": []}
    for _ in range(args.rounds):  # interleaved, so machine noise hits all three alike
        for name in ("large", "small"):
            batch = BatchPlan(assets)
            results[name].append(
                timed(lambda n=name, b=batch: service.render_batch(b, io.BytesIO(), n))
            )
        results["baseline"].append(timed(lambda: baseline(service, assets)))

    urls = [service.qr_data(a, a.name) for a in assets[:300]]
    auto_ms, fixed_ms = qr_cost(urls, None), qr_cost(urls, QR_MASK)
    decode = {t: decode_rate(service, plan.assets[: args.decode], t) for t in ("large", "small")}

    print(f"date: {datetime.datetime.now().isoformat(timespec='minutes')}")
    python = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"machine: {platform.machine()} {_cpu()} ({python})")
    print(f"labels per round: {args.labels}, rounds: {args.rounds} (median shown)")
    for name, rates in results.items():
        rounds = ", ".join(f"{r:.0f}" for r in rates)
        print(f"{name:>9}: {statistics.median(rates):7.0f} labels/s  (rounds: {rounds})")
    base = statistics.median(results["baseline"])
    print(f"large vs baseline: {statistics.median(results['large']) / base:.2f}x")
    print(f"QR make: automatic mask {auto_ms:.2f} ms, fixed mask {QR_MASK} {fixed_ms:.2f} ms")
    for name, (good, total) in decode.items():
        print(f"decoded at 300 dpi ({name}): {good}/{total} labels, QR and Code 128 both exact")


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            return next(ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
