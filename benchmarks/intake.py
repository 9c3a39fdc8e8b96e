"""Receiving new devices into a real RT 5: requests per device and devices per minute.

Starts an isolated RT with the test harness (tests/rt_harness.py; needs Debian's
request-tracker5 rt5-db-sqlite rt5-standalone, run as root). The intake service runs with
the real SQLite tag and intake stores in a temporary folder. In the same run it measures:

- one device at a time (as a desk scans), metadata warm: RT requests and seconds per device;
- a CSV import of ROWS devices with CONCURRENCY rows at once: devices per minute;
- the baseline: RT's own time for a bare ``POST /asset`` with the same six custom fields,
  one at a time and CONCURRENCY at once (no check, no read-back, no store).

Run: .venv/bin/python benchmarks/intake.py [--devices N] [--rows R] [--concurrency C]
Target: 3 requests per device with warm metadata (serial check, create, read back).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.intake_world import FORMATS, device  # noqa: E402
from tests.rt_harness import STUDENT_DEVICES, RTServer, start_rt  # noqa: E402

from rtutils_adapters.rt import RTRestBackend  # noqa: E402
from rtutils_adapters.sqlite import SqliteIntakeStore, SqliteNewAssetTagStore  # noqa: E402
from rtutils_core.imports.csv_files import CsvRow  # noqa: E402
from rtutils_core.imports.importer import IntakeImport  # noqa: E402
from rtutils_core.intake.service import IntakeService  # noqa: E402


def service_for(server: RTServer, folder: Path, pool: int) -> IntakeService:
    backend = RTRestBackend(server.url, server.token, read_timeout=120, pool_size=pool)
    return IntakeService(
        backend,
        SqliteNewAssetTagStore(folder / "tags.sqlite3"),
        FORMATS,
        SqliteIntakeStore(folder / "intake.sqlite3"),
    )


def bare_body(n: int, run: str) -> dict:
    return {
        "Name": f"BARE-{run}-{n:05d}",
        "Catalog": STUDENT_DEVICES,
        "Status": "new",
        "CustomFields": {
            "Serial Number": f"BARE{run}{n:05d}",
            "Manufacturer": "Lenovo",
            "Model": "Chromebook 3100",
            "Type": "Chromebook",
            "Funding Source": "E-Rate",
            "Internal Name": f"Bare {run} {n}",
        },
    }


def bare_posts(backend: RTRestBackend, count: int, run: str, concurrency: int) -> float:
    """Seconds for ``count`` bare creates, ``concurrency`` at once."""

    def post(n: int) -> None:
        backend.client.post("/asset", bare_body(n, run), what="a bare create")

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(post, range(count)))
    return time.perf_counter() - started


def desk(service: IntakeService, count: int) -> tuple[float, list[float]]:
    """Requests per device and seconds per device, one device at a time."""
    backend = service.backend
    assert isinstance(backend, RTRestBackend)
    service.receive(device("WARMUP-0001"), "warm-up")  # metadata: catalogs, fields, choices
    before = backend.requests_sent
    seconds = []
    for n in range(count):
        started = time.perf_counter()
        service.receive(device(f"DESK{n:05d}"), f"desk-{n}")
        seconds.append(time.perf_counter() - started)
    return (backend.requests_sent - before) / count, seconds


def import_rows(service: IntakeService, rows: int, concurrency: int) -> tuple[float, int]:
    """Seconds for importing ``rows`` devices, and how many were created."""
    batch = [CsvRow(n + 2, device(f"CSV{n:05d}", model="Chromebook 314")) for n in range(rows)]
    job = IntakeImport(service, concurrency=concurrency)
    started = time.perf_counter()
    results = job.run(batch)
    return time.perf_counter() - started, sum(r.state == "created" for r in results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=20)
    parser.add_argument("--rows", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("starting RT ...", file=sys.stderr)
        server = start_rt(folder / "rt")
        try:
            service = service_for(server, folder, args.concurrency)
            backend = service.backend
            assert isinstance(backend, RTRestBackend)
            per_device, seconds = desk(service, args.devices)
            bare_one = bare_posts(backend, args.devices, "one", 1) / args.devices
            took, created = import_rows(service, args.rows, args.concurrency)
            bare_many = bare_posts(backend, args.rows, "many", args.concurrency)
        finally:
            server.stop()
    print(f"date: {datetime.date.today().isoformat()}")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"python: {platform.python_version()}; RT from Debian packages, SQLite, rt-server")
    print("| measured | figure |")
    print("|---|---|")
    print(f"| RT requests per device, desk, warm metadata | {per_device:.2f} |")
    median = statistics.median(seconds)
    print(f"| seconds per device, desk (median of {args.devices}) | {median:.2f} |")
    print(f"| baseline: seconds per bare POST /asset, one at a time | {bare_one:.2f} |")
    print(
        f"| devices per minute, import of {args.rows} rows, concurrency {args.concurrency}"
        f" | {created * 60 / took:.0f} |"
    )
    print(
        f"| baseline: bare POST /asset per minute, concurrency {args.concurrency}"
        f" | {args.rows * 60 / bare_many:.0f} |"
    )
    return 0 if created == args.rows else 1


if __name__ == "__main__":
    sys.exit(main())
