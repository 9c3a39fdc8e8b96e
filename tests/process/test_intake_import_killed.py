"""A CSV import into the real RT 5, killed with SIGKILL halfway and run again."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time

import pytest
from tests.process.intake_worker import importer
from tests.rt_harness import STUDENT_DEVICES, unique_name

from rtutils_core.assets import AssetQuery
from rtutils_core.imports.csv_files import iter_results_csv, read_rows

pytestmark = [pytest.mark.rt, pytest.mark.slow]

ROWS = 16
HEADER = "catalog,serial number,manufacturer,model,type,funding source"


def write_csv(path, serials: list[str]) -> None:
    lines = [HEADER] + [
        f"{STUDENT_DEVICES},{s},Lenovo,Chromebook 3100,Chromebook,E-Rate" for s in serials
    ]
    lines.insert(5, f"{STUDENT_DEVICES},{serials[0]},Lenovo,X,Chromebook,E-Rate")  # a repeat
    path.write_text("\n".join(lines) + "\n", "utf-8")


def carriers(rt_backend, serials: list[str]) -> dict[str, list]:
    found: dict[str, list] = {s: [] for s in serials}
    queries = [AssetQuery(custom_fields={"Serial Number": s}) for s in serials]
    for asset in rt_backend.find_any(queries):
        found[asset.cf("Serial Number")].append(asset)
    return found


def test_an_import_killed_halfway_and_run_again_creates_each_device_once(
    rt_server, rt_backend, tmp_path
):
    base = unique_name("KILL").upper()
    serials = [f"{base}-{n:03d}" for n in range(ROWS)]
    csv_file = tmp_path / "devices.csv"
    write_csv(csv_file, serials)
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.process.intake_worker",
            rt_server.url,
            str(tmp_path),
            str(csv_file),
            "4",
        ],
        env={**os.environ, "RT_TOKEN": rt_server.token.reveal()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 240
    done = 0
    while done < ROWS // 3 and time.monotonic() < deadline and child.poll() is None:
        reported = child.stdout.readline().strip()
        done = int(reported.split("/")[0]) if reported else done
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    midway = carriers(rt_backend, serials)
    assert 0 < sum(map(len, midway.values())) < ROWS, "killed halfway"

    results = importer(rt_server.url, rt_server.token, tmp_path, 4).run(
        read_rows(csv_file.read_text("utf-8").splitlines())
    )
    after = carriers(rt_backend, serials)
    assert all(len(assets) == 1 for assets in after.values()), after
    states = [r.state for r in results]
    assert states.count("failed") == 1  # the repeated serial
    assert states.count("skipped") + states.count("created") == ROWS
    assert states.count("skipped") >= sum(1 for a in midway.values() if a) - 4  # in flight
    table = csv.DictReader(io.StringIO("".join(iter_results_csv(results))))
    rows = {r.number: r.device.serial for r in read_rows(csv_file.read_text("utf-8").splitlines())}
    for entry in table:
        if entry["state"] == "failed":
            assert "row 2" in entry["error"]
            continue
        (asset,) = after[rows[int(entry["row"])]]
        assert (str(asset.id), asset.name) == (entry["asset_id"], entry["tag"])
        assert asset.cf("Internal Name") == entry["internal_name"]
