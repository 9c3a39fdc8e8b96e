"""Real processes sharing one loan log (a SQLite file, or a PostgreSQL database of the server
from tests/pg_harness.py): the same change recorded at once is stored once."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from rtutils_adapters.postgres import PostgresLoanLog
from rtutils_adapters.sqlite import SqliteLoanLog
from rtutils_core.errors import LoanConflict
from rtutils_core.loans import LoanEntry, LoanFilter

pytestmark = pytest.mark.slow

PROCESSES = 6


def _open(where: str) -> SqliteLoanLog | PostgresLoanLog:
    if where.startswith("postgresql://"):
        return PostgresLoanLog(where)
    return SqliteLoanLog(Path(where))


def _record(where: str, start, outcomes) -> None:
    log = _open(where)
    entry = LoanEntry(
        action="check-in",
        asset_id=42,
        tag="W12-00042",
        person="li.wei",
        operator="desk",
        request_id="r",
        based_on="1234",
    )
    start.wait()
    try:
        log.record(entry)
        outcomes.put("stored")
    except LoanConflict:
        outcomes.put("refused")


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_processes_recording_one_check_in_store_it_once(request, tmp_path, kind):
    path = request.getfixturevalue("pg_url") if kind == "postgres" else tmp_path / "loans.sqlite3"
    _open(str(path))  # the schema exists before the race
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(PROCESSES)
    outcomes = context.Queue()
    workers = [
        context.Process(target=_record, args=(str(path), start, outcomes)) for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    results = sorted(outcomes.get(timeout=5) for _ in range(PROCESSES))
    assert results == ["refused"] * (PROCESSES - 1) + ["stored"]
    assert len(_open(str(path)).events(LoanFilter(asset_id=42))) == 1
