"""``request-tracker-utils assets import``, run as a real process on the demo backend."""

from __future__ import annotations

import argparse
import csv
import stat

from tests.web.shell.test_cli import run_cli

from rtutils_core.errors import BackendUnavailable
from rtutils_core.imports.importer import IntakeImport
from rtutils_web.cli.imports import run_asset_command
from rtutils_web.cli.main import main

HEADER = "Catalog,Serial Number,Manufacturer,Model,Type,Funding Source"
ROWS = [
    "Student Devices,CLI-0001,HP,Chromebook 11 G9,Chromebook,Title I",
    "Student Devices,CLI-0002,HP,,Chromebook,Title I",  # row 3: no model
    "Student Devices,CLI-0003,HP,Chromebook 11 G9,Chromebook,Title I",
    "Student Devices,CLI-0001,HP,Chromebook 11 G9,Chromebook,Title I",  # row 5: repeat
    "Student Devices,NXH0007919ZA,Lenovo,100e,Chromebook,Title I",  # row 6: in the demo
    "Student Devices,CLI-0004,HP,Chromebook 11 G9,Charger,Title I",
]


def env(tmp_path) -> dict[str, str]:
    return {"WORKING_DIR": str(tmp_path / "state"), "LOG_LEVEL": "WARNING"}


def test_dry_run_prints_each_bad_row_and_fails_then_the_import_writes_the_result(tmp_path):
    source = tmp_path / "devices.csv"
    source.write_text("\n".join([HEADER, *ROWS]) + "\n", "utf-8")

    dry = run_cli("--demo", "assets", "import", str(source), "--dry-run", env=env(tmp_path))
    assert dry.returncode == 1, dry.stderr
    bad = [line for line in dry.stdout.splitlines() if line.startswith("row ")]
    assert [line.split(":")[0] for line in bad] == ["row 3", "row 5", "row 6"]
    assert "model" in bad[0] and "row 2" in bad[1] and "belongs to asset" in bad[2]
    assert "6 rows: 3 to create, 0 imported before, 3 with problems" in dry.stdout

    out = tmp_path / "out.csv"
    run = run_cli(
        "--demo", "assets", "import", str(source), "--result", str(out), env=env(tmp_path)
    )
    assert run.returncode == 1, run.stderr  # some rows failed
    assert "6 rows: 3 created, 0 imported before, 3 failed" in run.stdout
    assert "6/6 rows" in run.stderr and "/min" in run.stderr and "left" in run.stderr
    table = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(e["row"], e["state"]) for e in table] == [
        ("2", "created"),
        ("3", "failed"),
        ("4", "created"),
        ("5", "failed"),
        ("6", "failed"),
        ("7", "created"),
    ]
    created = [e for e in table if e["state"] == "created"]
    assert len({e["tag"] for e in created}) == 3 and all(e["asset_id"] for e in created)
    assert all(e["internal_name"] for e in created)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_file_without_the_columns_is_refused_naming_them(tmp_path, capsys):
    source = tmp_path / "devices.csv"
    source.write_text("serial,model\nA1,X\n", "utf-8")
    args = argparse.Namespace(file=source, dry_run=False, result=None)
    assert run_asset_command(args, importer=None) == 2  # refused before any import
    assert "lacks the columns catalog, manufacturer, type, funding source" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "devices.result.csv").exists()
    args.file = tmp_path / "missing.csv"
    assert run_asset_command(args, importer=None) == 2
    assert "cannot read" in capsys.readouterr().err


def test_an_import_that_fails_exits_2_naming_why_and_builds_no_web_app(
    tmp_path, capsys, monkeypatch, no_web_app
):
    source = tmp_path / "devices.csv"
    source.write_text("\n".join([HEADER, ROWS[0]]) + "\n", "utf-8")

    def rt_down(*_args, **_kwargs):
        raise BackendUnavailable("RT answered 503")

    monkeypatch.setattr(IntakeImport, "run", rt_down)
    assert main(["--demo", "assets", "import", str(source)], env(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "import failed: RT answered 503" in err and "Traceback" not in err


def test_a_result_file_that_cannot_be_written_stops_the_import_before_its_rows(
    tmp_path, capsys, no_web_app
):
    source = tmp_path / "devices.csv"
    source.write_text("\n".join([HEADER, ROWS[0]]) + "\n", "utf-8")
    result = tmp_path / "no-such-dir" / "out.csv"
    argv = ["--demo", "assets", "import", str(source), "--result", str(result)]
    assert main(argv, env(tmp_path)) == 2
    out, err = capsys.readouterr()
    assert f"{result}: No such file or directory" in err and "Traceback" not in err
    assert "created" not in out  # no row was imported
