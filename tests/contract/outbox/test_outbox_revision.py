"""outbox_0002 on SQLite and PostgreSQL: an outbox of outbox_0001 keeps its operations and
takes intake creates and tag issues; going back drops only those."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from rtutils_adapters.sql.migrations import Migrations

ROW = (
    "INSERT INTO outbox_operations (key, kind, state, asset_id, tag, operator, request_id,"
    " payload, accepted, updated) VALUES (:key, :kind, 'queued', :asset, 'W12-00001', 'desk',"
    " 'r', '{}', '2025-09-01T08:00:00+00:00', '2025-09-01T08:00:00+00:00')"
)


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request, tmp_path):
    if request.param == "postgres":
        url = request.getfixturevalue("pg_url")
        made = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    else:
        made = sa.create_engine(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    yield made
    made.dispose()


def kinds(conn) -> list[tuple[str, int]]:
    found = conn.execute(sa.text("SELECT kind, asset_id FROM outbox_operations ORDER BY id"))
    return [tuple(row) for row in found]


def test_the_new_kinds_come_and_go_and_the_loans_stay(engine):
    with engine.begin() as conn:  # each test has a database (or a file) of its own
        config = Migrations("outbox")._config(conn)
        command.upgrade(config, "outbox_0001")
        conn.execute(sa.text(ROW), {"key": "k1", "kind": "check-out", "asset": 7})
        with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
            conn.execute(sa.text(ROW), {"key": "k2", "kind": "tag-issue", "asset": 7})
        command.upgrade(config, "outbox@head")
        conn.execute(sa.text(ROW), {"key": "k3", "kind": "intake-create", "asset": -1})
        conn.execute(sa.text(ROW), {"key": "k4", "kind": "tag-issue", "asset": 7})
        with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
            conn.execute(sa.text(ROW), {"key": "k5", "kind": "audit", "asset": 7})
        assert kinds(conn) == [("check-out", 7), ("intake-create", -1), ("tag-issue", 7)]
        command.downgrade(config, "outbox_0001")
        assert kinds(conn) == [("check-out", 7)]
