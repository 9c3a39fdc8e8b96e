"""The Google Admin sync of 300 Chromebooks against a real RT 5 and the Directory stand-in.

Starts an isolated RT with the test harness (tests/rt_harness.py; needs Debian's
request-tracker5 rt5-db-sqlite rt5-standalone, run as root) and the loopback stand-in of
the Directory API (tests/google_standin.py), loads the fleet of tests/chrome_fleet.py (300
devices, 255 assets), then times a dry run, the real run and a second run, counting RT
requests and Google calls; as a baseline, one ``GET /asset/{id}`` per asset in the scope,
which is what a sync reading RT once per device would cost at the least.

Run: .venv/bin/python benchmarks/google_sync.py
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.chrome_fleet import DEVICES, PAGE_SIZE, Fleet  # noqa: E402
from tests.google_standin import (  # noqa: E402
    DirectoryStandIn,
    new_key_pair,
    standin_directory,
    write_key_file,
)
from tests.rt_harness import start_rt  # noqa: E402

from rtutils_adapters.rt import RTRestBackend  # noqa: E402
from rtutils_core.google.service import ChromeSyncService  # noqa: E402
from rtutils_core.google.sync import ChromeSyncOptions  # noqa: E402


def main() -> int:
    fleet = Fleet(p="GBENCH", mac_stem="be0c40")
    private, public = new_key_pair()
    standin = DirectoryStandIn(public_key=public)
    standin.start()
    for i in range(1, DEVICES + 1):
        standin.add(fleet.device(i))
    rows = []
    with tempfile.TemporaryDirectory(prefix="rtutils-bench-") as folder:
        print("starting RT and loading the fleet ...", file=sys.stderr)
        server = start_rt(Path(folder))
        try:
            server.insert_assets(fleet.assets())
            key_file = write_key_file(Path(folder) / "key.json", private, "unused")
            backend = RTRestBackend(server.url, server.token, read_timeout=120)
            directory = standin_directory(standin, key_file, page_size=PAGE_SIZE)
            service = ChromeSyncService(backend, directory, ChromeSyncOptions(fleet.scope()))
            for label, step in (
                ("dry run", service.dry_run),
                ("real run", service.run),
                ("second run", service.run),
            ):
                requests, lists, patches = (
                    backend.requests_sent,
                    standin.counts["list"],
                    len(standin.patches),
                )
                started = time.perf_counter()
                report = step()
                seconds = time.perf_counter() - started
                summary = report.summary()
                rows.append(
                    (
                        label,
                        seconds,
                        backend.requests_sent - requests,
                        standin.counts["list"] - lists,
                        len(standin.patches) - patches,
                        summary["assets_changed_in_rt"],
                    )
                )
            ids = [a.id for a in backend.iter_assets(fleet.scope())]
            requests = backend.requests_sent
            started = time.perf_counter()
            for asset_id in ids:
                backend.get_asset(asset_id)
            baseline = time.perf_counter() - started
            rows.append(
                ("baseline: one GET per asset", baseline, backend.requests_sent - requests, 0, 0, 0)
            )
            backend.close()
            directory.close()
        finally:
            server.stop()
            standin.stop()

    print(f"date: {datetime.date.today().isoformat()}")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"python: {platform.python_version()}; RT from Debian packages, SQLite, rt-server")
    print(f"devices: {DEVICES}, assets in scope: {len(ids)}")
    print(
        "| step | seconds | RT requests | Google list pages | Google patches"
        " | RT assets changed (planned in a dry run) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for label, seconds, rt, lists, patches, written in rows:
        print(f"| {label} | {seconds:.2f} | {rt} | {lists} | {patches} | {written} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
