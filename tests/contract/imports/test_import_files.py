"""Where CSV imports keep their files: a folder of ``WORKING_DIR`` (SQLite deployments) and
PostgreSQL (``STORE_URL``: any instance's worker reads what another kept) keep the same
promises, on a real folder and a real server (tests/pg_harness.py)."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta

import pytest

from rtutils_adapters.postgres.import_files import PostgresImportFiles
from rtutils_adapters.sqlite.import_files import ImportFileFolder
from rtutils_core.errors import InvalidInput, NotFound

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["folder", "postgres"])
def open_files(request, tmp_path):
    """Opens the import files of one kind; every call opens the same place again (as another
    process or instance would). ``kept_at(files, name, moment)`` backdates a kept file."""
    clock = [T0]

    def open_():
        if request.param == "folder":
            return ImportFileFolder.in_dir(tmp_path)
        files = PostgresImportFiles(request.getfixturevalue("pg_url"), clock=lambda: clock[0])
        request.addfinalizer(files.close)
        return files

    def kept_at(files, name, moment):
        if request.param == "folder":
            for path in files.folder.glob(f"{name}*"):
                os.utime(path, (moment.timestamp(), moment.timestamp()))
        clock[0] = moment

    return open_, kept_at, clock


def test_a_kept_file_and_its_result_are_read_by_another_opening(open_files):
    open_, _, _ = open_files
    name = open_().keep("serial,model\nS1,X\n")
    other = open_()
    assert other.read(name) == "serial,model\nS1,X\n"
    assert other.result(name) is None
    other.write_result(name, iter(["serial,state\n", "S1,created\n"]))
    assert open_().result(name) == "serial,state\nS1,created\n"


def test_unknown_and_malformed_names_are_refused_clearly(open_files):
    open_, _, _ = open_files
    files = open_()
    with pytest.raises(NotFound, match="is no longer in"):
        files.read("0" * 32)
    with pytest.raises(InvalidInput, match="names no import file"):
        files.read("../../etc/passwd")


def test_files_kept_before_the_retention_are_removed_and_later_ones_stay(open_files):
    open_, kept_at, clock = open_files
    files = open_()
    old = files.keep("serial\nS1\n")
    files.write_result(old, ["serial,state\n"])
    kept_at(files, old, T0)
    clock[0] = T0 + timedelta(days=40)
    new = files.keep("serial\nS2\n")
    if isinstance(files, ImportFileFolder):
        kept_at(files, new, T0 + timedelta(days=40))

    assert files.forget_before(T0 + timedelta(days=10)) == 1

    with pytest.raises(NotFound):
        open_().read(old)
    assert open_().result(old) is None
    assert open_().read(new) == "serial\nS2\n"


def test_a_folder_keeps_its_files_private(tmp_path):
    files = ImportFileFolder.in_dir(tmp_path)
    name = files.keep("serial\nS1\n")
    files.write_result(name, ["x\n"])
    for path in files.folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
