"""``db upgrade`` on databases the last release before Alembic wrote (its schemas, kept as
SQL in ``last_release/``, filled with a row or two of each table): they are stamped at
their version, never rebuilt, and every row reads back through the stores as it was."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest

from rtutils_adapters.store_components import COMPONENTS
from rtutils_adapters.stores import open_tag_store, store_connections, upgrade_stores
from rtutils_core.loans import LoanFilter
from rtutils_core.tags.event_query import EventQuery

SQL = Path(__file__).with_name("last_release")
T = "2026-01-02T08:00:00.123456+00:00"
ROWS = {
    "tags": {
        "sequences": [("W12-", 3)],
        "tags": [
            ("W12-", 1, "W12-00001", 7, "assigned", "r1"),
            ("W12-", 2, "W12-00002", 8, "reserved", "r2"),
        ],
        "events": [(1, T, "W12-", 1, "W12-00001", "reserved", 7, "desk", "r1", "")],
    },
    "loans": {
        "loan_events": [
            (1, T, "check-out", 7, "W12-00001", "Li.Wei", "li.wei", "desk1", "r1", "v1", None,
             json.dumps(["screen"]), "note", None, "", "2026-06-30", 1),
        ],
        "manual_checkins": [
            (1, T, "lost", "S1", "Li Wei", "lost on the bus", "desk1", "r2", 7, "W12-00001", None)
        ],
    },
    "intake": {
        "submissions": [
            (1, "k1", "S1", "fp", T, "created", 7, "W12-00001", "Brave Otter", None, ""),
        ],
        "names": [("brave otter", 1)],
    },
    "jobs": {
        "jobs": [
            (1, "j1", "import", "succeeded", T, T, '{"file": "x"}', 2, 2, '{"ok": 2}', None,
             "null", 1, "w1", None, 0, None),
        ],
        "schedule_slots": [("nightly", 5, T)],
    },
    "print_jobs": {
        "print_jobs": [
            (1, "p1", "desk", "large", '[[7, "W12-00001"]]', T, T, 1, "sent", 1, "", 1, "desk",
             "[]"),
        ]
    },
    "roster": {"students": [("S1", "Li", "Wei", "9", "li.wei", 42, "li.wei")]},
}  # fmt: skip
IDENTITIES = {
    "events": "id",
    "loan_events": "id",
    "manual_checkins": "id",
    "submissions": "id",
    "jobs": "seq",
    "print_jobs": "seq",
}
FILES = {"tags": "tags", "print_jobs": "print-jobs", "roster": "students"}


def write_sqlite_release(folder: Path) -> None:
    for component, tables in ROWS.items():
        name = FILES.get(component, component)
        with sqlite3.connect(folder / f"{name}.sqlite3") as db:
            db.executescript((SQL / f"{name}.sqlite.sql").read_text())
            for table, rows in tables.items():
                marks = ", ".join("?" * len(rows[0]))
                db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608


def write_postgres_release(url: str) -> None:
    with psycopg.connect(url) as db:
        db.execute((SQL / "postgres.sql").read_text())
        for tables in ROWS.values():
            for table, rows in tables.items():
                marks = ", ".join(["%s"] * len(rows[0]))
                db.cursor().executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
        # The rows were written through the identity columns, which count on from them.
        for table, column in IDENTITIES.items():
            db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), max({column}))"  # noqa: S608
                f" FROM {table}"
            )


def check_rows(store_url: str | None, folder: Path) -> None:
    at = datetime.fromisoformat(T)
    tags = open_tag_store(store_url, folder)
    (event,) = tags.events(EventQuery(limit=None))
    assert (event.id, event.at, event.tag, event.asset_id) == (1, at, "W12-00001", 7)
    assert tags.peek_next("W12-") == 3
    assert tags.reservation_for("W12-", 8).number == 2
    assert tags.reserve(tags_format(), 9, actor="desk", request_id="r9").number == 3
    tags.close()
    pool = store_connections(store_url)
    stores = {p.name: (p.postgres(pool) if pool else p.sqlite.in_dir(folder)) for p in COMPONENTS}
    (loan,) = stores["loans"].events(LoanFilter())
    assert (loan.at, loan.person, loan.damages, loan.due, loan.forced) == (
        at, "Li.Wei", ("screen",), date(2026, 6, 30), True
    )  # fmt: skip
    assert [m.reason for m in stores["loans"].manual_events(student_id="S1")] == ["lost on the bus"]
    sub = stores["intake"].get("k1")
    assert (sub.id, sub.opened_at, sub.internal_name, sub.is_created) == (
        1,
        at,
        "Brave Otter",
        True,
    )
    job = stores["jobs"].get("j1")
    assert (job.created, job.params, job.result, job.progress.done) == (
        at,
        {"file": "x"},
        {"ok": 2},
        2,
    )
    assert not stores["jobs"].claim_slot("nightly", 5, now=at)
    printed = stores["print_jobs"].get("p1")
    assert (printed.created_at, printed.items[0].tag, printed.state) == (at, "W12-00001", "sent")
    assert stores["roster"].get("S1").user_id == 42
    for store in stores.values():
        store.close()
    if pool:
        pool.close()


def tags_format():
    from rtutils_core.tags import TagFormat

    return TagFormat("W12-", 5)


VERSIONS = {"tags": 1, "loans": 2, "intake": 1, "jobs": 1, "print_jobs": 1, "roster": 1}
#: Stores with a revision since that release: (its version, the current one).
UPGRADED = {"roster": (1, 2)}


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_db_upgrade_stamps_a_last_release_database_and_keeps_every_row(request, kind, tmp_path):
    url = request.getfixturevalue("pg_url") if kind == "postgres" else None
    if url:
        write_postgres_release(url)
    else:
        write_sqlite_release(tmp_path)

    changes = upgrade_stores(url, tmp_path)

    found = {c.component: (c.before, c.after) for c in changes}
    assert {k: found[k] for k in VERSIONS} == {
        k: UPGRADED.get(k, (v, v)) for k, v in VERSIONS.items()
    }
    check_rows(url, tmp_path)
    stamped = "SELECT version_num FROM alembic_version_loans"
    if url:
        with psycopg.connect(url) as db:
            assert db.execute(stamped).fetchall() == [("loans_0002",)]
    else:
        with sqlite3.connect(tmp_path / "loans.sqlite3") as db:
            assert db.execute(stamped).fetchall() == [("loans_0002",)]
            assert db.execute("PRAGMA user_version").fetchone()[0] == 2
