"""``request-tracker-utils tags ...``: in-process for the reports, as a process for the wiring."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest
from tests.conftest import ROOT

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_core.assets import AssetDraft
from rtutils_core.tags import TagFormat, TagFormats
from rtutils_core.tags.service import TagService
from rtutils_web.cli.main import build_parser, main
from rtutils_web.cli.tags import run_tag_command


def run(tags: TagService, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run_tag_command(build_parser().parse_args(["tags", *argv]), tags, out)
    return code, out.getvalue()


@pytest.fixture
def migrated(tmp_path) -> TagService:
    """A backend with tags from the old tool, and a fresh tag store: a first install."""
    backend = MemoryBackend()
    backend.add_catalog("Devices")
    for name in ("W12-00042", "W12-1001", "Cart", "TEST-00007"):
        backend.add_asset(AssetDraft(name=name, catalog="Devices"))
    formats = TagFormats(TagFormat("W12-"), (TagFormat("TEST-"),))
    return TagService(backend, SqliteTagStore.in_dir(tmp_path), formats)


def test_sync_reports_what_it_found_and_the_new_floor(migrated):
    code, out = run(migrated, "sync")
    assert code == 0
    assert out.splitlines() == [
        "W12-: found 2 tags (1 in another width), highest W12-1001;"
        " next tag W12-01002 (was W12-00001)",
        "TEST-: found 1 tag, highest TEST-00007; next tag TEST-00008 (was TEST-00001)",
    ]
    assert run(migrated, "sync")[1].splitlines()[0].endswith("next tag W12-01002 (unchanged)")
    assert run(migrated, "preview")[1] == "W12-01002\n"


def test_set_next_refusal_names_the_limit_and_fails(migrated, capsys):
    code, out = run(migrated, "set-next", "500")
    assert (code, out) == (1, "")
    assert "the backend carries W12-1001 already" in capsys.readouterr().err
    assert run(migrated, "set-next", "W12-01500") == (0, "next tag: W12-01500\n")
    assert run(migrated, "set-next", "--force", "600")[0] == 0
    assert "forced" in migrated.events()[0].detail


def test_events_print_and_export_as_csv(migrated, capsys):
    migrated.issue_tag(3, actor="desk")
    code, out = run(migrated, "events", "--asset", "3")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2 and "assigned" in lines[0] and "W12-00001" in lines[0]
    code, out = run(migrated, "events", "--csv", "--tag", "W12-00001")
    assert [r["state"] for r in csv.DictReader(io.StringIO(out))] == ["assigned", "reserved"]
    assert run(migrated, "events", "--since", "yesterday")[0] == 1
    assert "--since must be an ISO date" in capsys.readouterr().err


def test_void_frees_an_asset_from_a_stuck_reservation(migrated, capsys):
    migrated.store.reserve(TagFormat("W12-"), 3, actor="desk", request_id="r")
    assert run(migrated, "void", "3", "--reason", "asset scrapped") == (
        0,
        "voided W12-00001 (asset 3)\n",
    )
    assert run(migrated, "void", "3")[0] == 1
    assert "no open 'W12-' reservation" in capsys.readouterr().err


def cli(*args: str, working_dir) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RT", "PREFIX"))}
    env.update(PYTHONPATH=str(ROOT / "src"), WORKING_DIR=str(working_dir), LOG_LEVEL="ERROR")
    return subprocess.run(
        [sys.executable, "-m", "rtutils_web.cli", "--demo", "tags", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_command_keeps_state_in_the_working_dir(tmp_path):
    synced = cli("sync", working_dir=tmp_path)
    assert synced.returncode == 0, synced.stderr
    assert "W12-: found 16 tags, highest W12-00016; next tag W12-00017" in synced.stdout
    assert cli("set-next", "40", working_dir=tmp_path).returncode == 0
    assert cli("preview", working_dir=tmp_path).stdout == "W12-00040\n"
    assert (tmp_path / "tags.sqlite3").exists()
    refused = cli("set-next", "3", working_dir=tmp_path)
    assert refused.returncode == 1
    assert "W12-00016" in refused.stderr and "Traceback" not in refused.stderr


def test_a_tag_command_builds_no_web_app_and_a_store_that_cannot_open_exits_2(
    tmp_path, capsys, no_web_app
):
    assert main(["--demo", "tags", "preview"], {"WORKING_DIR": str(tmp_path)}) == 0
    assert capsys.readouterr().out == "W12-00017\n"
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    env = {"WORKING_DIR": str(blocked / "state")}
    assert main(["--demo", "tags", "preview"], env) == 2
    err = capsys.readouterr().err
    assert "configuration error: WORKING_DIR" in err and "Traceback" not in err
