"""`request-tracker-utils students import`: the console script on the demo backend."""

from __future__ import annotations

from pathlib import Path

from tests.web.shell.test_cli import run_cli

from rtutils_web.cli.main import main

ROSTER = "Number,Given,Family,Gr,Login\nS1,Ana,Li,7,\nS2,Bo,Lu,13,\nS3,Cy,Lo,8,\n"


def test_dry_run_import_and_missing_students_from_the_console(tmp_path: Path) -> None:
    env = {
        "RTUTILS_BACKEND": "demo",
        "WORKING_DIR": str(tmp_path / "state"),
        "ROSTER_COLUMNS": "student_id=Number,first_name=Given,last_name=Family,grade=Gr,"
        "rt_user=Login",
    }
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, "utf-8")
    dry = run_cli("students", "import", str(roster), "--dry-run", env=env)
    assert dry.returncode == 1, dry.stderr
    assert "students dry run: rows 3, added 2," in dry.stdout
    assert "bad row: line 3: grade must be PK, K or 1 to 12, not '13'" in dry.stdout
    assert "Ana" not in dry.stdout + dry.stderr  # ids, never names
    roster.write_text("Number,Given,Family,Gr,Login\nS1,Ana,Li,7,\n", "utf-8")
    kept = run_cli("students", "import", str(roster), env=env)
    assert "students import: rows 1, added 1," in kept.stdout
    # The demo's own roster (ids 1001xx) is not in the file: reported, kept.
    assert "not in the file (kept; --remove-missing removes them): 100101," in kept.stdout
    gone = run_cli("students", "import", str(roster), "--remove-missing", env=env)
    assert (gone.returncode, "not in the file (removed): 100101," in gone.stdout) == (0, True)
    assert "added 0, updated 0" in gone.stdout


def test_sync_fields_dry_run_from_the_console(tmp_path: Path) -> None:
    env = {"RTUTILS_BACKEND": "demo", "WORKING_DIR": str(tmp_path / "state")}
    dry = run_cli("students", "sync-fields", "--dry-run", "--year", "2027", env=env)
    assert "user fields dry run for school year 2027: changed 9, failed 0" in dry.stdout
    assert "student 100107 (RT user " in dry.stdout and "Graduation Year '' -> '2030'" in dry.stdout


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    env = {"RTUTILS_BACKEND": "demo", "WORKING_DIR": str(tmp_path)}
    out = run_cli("students", "import", str(tmp_path / "nope.csv"), env=env)
    assert out.returncode == 2
    assert "nope.csv" in out.stderr and "No such file" in out.stderr


def test_a_students_command_builds_no_web_app_and_a_failure_exits_2(
    tmp_path: Path, capsys, no_web_app
) -> None:
    env = {"WORKING_DIR": str(tmp_path)}
    assert main(["--demo", "students", "import", str(tmp_path / "nope.csv")], env) == 2
    err = capsys.readouterr().err
    assert "students: cannot read" in err and "nope.csv" in err and "Traceback" not in err
