"""Brother QL raster labels per second, per template, against brother_ql converting a PNG.

Ours: the whole path of one label to the printer's bytes: lay it out, draw it dot by dot at
300 dpi (:class:`RasterLabelRenderer`), turn it along the stock and convert it with
brother_ql's ``convert`` (cut after the label; uncompressed, as the adapter sends by default,
and packbits-compressed). Baseline, in the same run: what a
brother_ql user does with a finished label picture: ``convert`` of a PNG file of the same
size (the label drawn once beforehand, so the baseline pays for no drawing at all).

Run: .venv/bin/python benchmarks/printing.py [--labels N] [--rounds R]
"""

from __future__ import annotations

import argparse
import datetime
import platform
import statistics
import tempfile
import time
from pathlib import Path

from brother_ql.conversion import convert
from brother_ql.raster import BrotherQLRaster

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.pdf import PdfLabelMetrics, PdfLabelRenderer
from rtutils_adapters.printers import BrotherQLPrinter
from rtutils_core.assets import Asset, AssetDraft
from rtutils_core.labels import LabelOptions
from rtutils_core.labels.service import LabelService
from rtutils_core.printing.printers import parse_printers

MODEL = "QL-820NWB"
STOCK = {"large": "62", "small": "29x90"}


def make_service(count: int) -> tuple[LabelService, list[Asset]]:
    backend = MemoryBackend("https://tickets.wc-12.com")
    backend.add_catalog(
        "Student Devices", ["Serial Number", "Manufacturer", "Model", "Internal Name"]
    )
    assets = [
        backend.add_asset(
            AssetDraft(
                f"W12-{n:05d}",
                "Student Devices",
                custom_fields={
                    "Serial Number": f"NXH{n:07d}ZA",
                    "Manufacturer": "Lenovo",
                    "Model": "100e Chromebook Gen 3",
                    "Internal Name": f"CB-LIB-{n:04d}",
                },
            )
        )
        for n in range(1, count + 1)
    ]
    options = LabelOptions(organisation="Westbrook USD")
    service = LabelService.from_options(options, backend, PdfLabelRenderer(), PdfLabelMetrics())
    return service, assets


def ours(
    service: LabelService, printer: BrotherQLPrinter, assets: list[Asset], template: str
) -> float:
    started = time.perf_counter()
    for asset in assets:
        printer.raster(service.layout(asset, template))
    return len(assets) / (time.perf_counter() - started)


def baseline(png: Path, media: str, count: int, compress: bool) -> float:
    started = time.perf_counter()
    for _ in range(count):
        convert(BrotherQLRaster(MODEL), [str(png)], media, cut=True, rotate=0, compress=compress)
    return count / (time.perf_counter() - started)


def compare(service, assets, template, media, folder, compress, rounds) -> str:
    config = parse_printers(f"ql=brother-ql,tcp://127.0.0.1:9100,{MODEL},{media}")["ql"]
    printer = BrotherQLPrinter(config, compress=compress)
    png = Path(folder) / f"{template}.png"
    image = printer.image(service.layout(assets[0], template))
    image.convert("L").save(png)
    ours_runs, base_runs = [], []
    for _ in range(rounds):  # interleaved: both see the same machine load
        ours_runs.append(ours(service, printer, assets, template))
        base_runs.append(baseline(png, media, len(assets), compress))
    mine, base = statistics.median(ours_runs), statistics.median(base_runs)
    size = len(printer.raster(service.layout(assets[0], template)))
    return (
        f"| `{template}` ({media}, {image.width}x{image.height} dots)"
        f" | {'packbits' if compress else 'none'} | {size // 1024} KB"
        f" | {mine:.0f} {[round(r) for r in ours_runs]}"
        f" | {base:.0f} {[round(r) for r in base_runs]} | {mine / base:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    service, assets = make_service(args.labels)
    print(f"# {datetime.date.today()} {platform.machine()} {platform.processor() or ''}")
    print(f"# Python {platform.python_version()}, {args.labels} labels x {args.rounds} rounds")
    print("| template | compression | job | ours labels/s | brother_ql PNG labels/s | ratio |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for compress in (False, True):
            for template, media in STOCK.items():
                print(compare(service, assets, template, media, folder, compress, args.rounds))


if __name__ == "__main__":
    main()
