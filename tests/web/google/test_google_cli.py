"""`request-tracker-utils google sync`: the console script on the real RT and the stand-in."""

from __future__ import annotations

import argparse
import csv
import io
import json
import uuid
from pathlib import Path

import pytest
from tests.google_standin import ADMIN, CUSTOMER, DirectoryStandIn
from tests.rt_harness import STUDENT_DEVICES, RTServer
from tests.web.conftest import SECRET_KEY
from tests.web.shell.test_cli import run_cli

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.memory.chrome import MemoryChromeDirectory
from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_core.errors import InvalidInput
from rtutils_core.google import ChromeDevice
from rtutils_core.google.service import ChromeSyncService
from rtutils_core.google.sync import ChromeSyncOptions
from rtutils_web.cli.google import run_google_command
from rtutils_web.cli.main import main

SCOPE = AssetQuery(catalog=STUDENT_DEVICES)


def test_without_a_key_file_the_sync_stops_naming_the_settings(tmp_path: Path) -> None:
    env = {"RTUTILS_BACKEND": "demo", "WORKING_DIR": str(tmp_path)}
    out = run_cli("google", "sync", "--dry-run", env=env)
    assert out.returncode == 2
    assert "GOOGLE_SERVICE_ACCOUNT_FILE" in out.stderr
    assert "GOOGLE_ADMIN_SUBJECT" in out.stderr


def test_the_sync_builds_no_web_app_and_a_sync_that_cannot_start_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_web_app: None
) -> None:
    assert main(["--demo", "google", "sync"], {"WORKING_DIR": str(tmp_path)}) == 2
    err = capsys.readouterr().err
    assert "configuration error: the Google sync needs GOOGLE_SERVICE_ACCOUNT_FILE" in err
    assert "Traceback" not in err


def test_a_direction_a_field_cannot_go_stops_start_up(tmp_path: Path) -> None:
    env = {
        "RTUTILS_BACKEND": "demo",
        "WORKING_DIR": str(tmp_path),
        "GOOGLE_SYNC_DIRECTIONS": "asset_id=to-rt",
    }
    out = run_cli("check-config", env=env)
    assert out.returncode == 2
    assert "GOOGLE_SYNC_DIRECTIONS" in out.stderr
    assert "'asset_id' can go 'to-google' or 'off'" in out.stderr


def test_a_report_file_that_cannot_be_written_stops_the_sync_before_it_writes(
    tmp_path: Path,
) -> None:
    backend = MemoryBackend()
    backend.add_catalog(STUDENT_DEVICES, ChromeSyncOptions(SCOPE).custom_fields_needed())
    backend.add_asset(
        AssetDraft("W12-00001", STUDENT_DEVICES, custom_fields={"Serial Number": "S1"})
    )
    directory = MemoryChromeDirectory([ChromeDevice("d1", "S1")])
    service = ChromeSyncService(backend, directory, ChromeSyncOptions(SCOPE))
    args = argparse.Namespace(dry_run=False, report=str(tmp_path / "no" / "r.json"), format="json")
    with pytest.raises(InvalidInput, match="cannot write the report"):
        run_google_command(args, service, log=None)
    assert directory.calls.get("list_page", 0) == 0
    assert directory.calls.get("update_annotations", 0) == 0


@pytest.mark.rt
def test_dry_run_then_sync_then_nothing_left_to_write(
    rt_server: RTServer, google_standin: DirectoryStandIn, google_key_file: Path, tmp_path: Path
) -> None:
    p = "GCLI" + uuid.uuid4().hex[:6].upper()
    ids = rt_server.insert_assets(
        [
            (
                AssetDraft(
                    f"{p}-{i}",
                    STUDENT_DEVICES,
                    "in-use",
                    "li.wei",
                    custom_fields={"Serial Number": f"{p}SN{i}", "OS Version": "126.0"},
                ),
                (),
            )
            for i in (1, 2)
        ]
    )
    for i in (1, 2, 3):
        google_standin.add(
            ChromeDevice(
                device_id=f"{p}-dev{i}",
                serial_number=f"{p}SN{i}",
                os_version="126.0",
                annotated_asset_id=f"{p}-1" if i == 1 else "",
                annotated_user="li.wei" if i == 1 else "",
            )
        )
    env = {
        "RTUTILS_BACKEND": "rt",
        "RT_URL": rt_server.url,
        "RT_TOKEN": rt_server.token.reveal(),
        "RT_READ_TIMEOUT": "120",
        "SECRET_KEY": SECRET_KEY,
        "WORKING_DIR": str(tmp_path / "state"),
        "GOOGLE_SERVICE_ACCOUNT_FILE": str(google_key_file),
        "GOOGLE_ADMIN_SUBJECT": ADMIN,
        "GOOGLE_CUSTOMER_ID": CUSTOMER,
        "GOOGLE_API_URL": google_standin.url,
        "GOOGLE_TOKEN_URL": google_standin.token_url,
        # The shared test catalog has no Location values to offer.
        "GOOGLE_SYNC_DIRECTIONS": "location=off",
    }
    report = tmp_path / "report.csv"
    dry = run_cli(
        "google",
        "sync",
        "--dry-run",
        "--report",
        str(report),
        "--format",
        "csv",
        env=env,
        timeout=300,
    )
    assert dry.returncode == 0, dry.stderr
    assert "google dry run:" in dry.stdout
    rows = list(csv.DictReader(io.StringIO(report.read_text())))
    mine = [r for r in rows if r["device_id"].startswith(p) or r["asset_name"].startswith(p)]
    changes = {(r["device_id"], r["target"], r["after"]) for r in mine if r["record"] == "change"}
    assert changes == {
        (f"{p}-dev2", "annotatedAssetId", f"{p}-2"),
        (f"{p}-dev2", "annotatedUser", "li.wei"),
    }
    assert (f"{p}-dev3", "unmatched-device") in {(r["device_id"], r["record"]) for r in mine}
    assert google_standin.patches == []

    after = tmp_path / "after.json"
    done = run_cli("google", "sync", "--report", str(after), env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert google_standin.patches == [
        (f"{p}-dev2", {"annotatedAssetId": f"{p}-2", "annotatedUser": "li.wei"})
    ]
    written = json.loads(after.read_text())
    assert written["dry_run"] is False
    assert ids[f"{p}-2"] in {m["asset_id"] for m in written["matched"]}
    assert "google sync: matched" in done.stdout

    again = run_cli("google", "sync", "--report", str(after), env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    mine_again = [
        c for c in json.loads(after.read_text())["changes"] if c["device_id"].startswith(p)
    ]
    assert mine_again == []
    assert len(google_standin.patches) == 1
