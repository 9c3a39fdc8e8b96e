"""The tag store's tables as SQLite and PostgreSQL both hold them, and the SQL over them.

Both databases have the same three tables (``sequences``, ``tags``, ``events``; see each
store's ``schema`` module), so the reads and writes the core's rules need are written once
(:class:`SqlLedgerTransaction`), and a copy moves rows between them table by table. A store
adds how its transactions start and lock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

import attrs

from rtutils_core.tags.event_query import EventQuery
from rtutils_core.tags.ledger import Entry
from rtutils_core.tags.ports import Outcome, Reservation, TagEvent
from rtutils_core.tags.sequences import LIVE, OPEN

EVENT_COLUMNS = "id, at, prefix, number, tag, state, asset_id, actor, request_id, detail"
#: The tables of a tag store and their columns, in the order a copy fills them.
TABLES = {
    "sequences": "prefix, next_number",
    "tags": "prefix, number, tag, asset_id, state, reserved_by",
    "events": EVENT_COLUMNS,
}


def utc_time(stored: str | datetime) -> datetime:
    """The ``at`` column as a UTC datetime: SQLite stores ISO text, PostgreSQL a timestamptz."""
    if isinstance(stored, str):
        return datetime.fromisoformat(stored)
    return stored.astimezone(UTC)


def event_of(row: Any) -> TagEvent:
    """The event of a row selected with :data:`EVENT_COLUMNS`."""
    return TagEvent(
        id=row[0],
        at=utc_time(row[1]),
        prefix=row[2],
        number=row[3],
        tag=row[4],
        state=row[5],
        asset_id=row[6],
        actor=row[7],
        request_id=row[8],
        detail=row[9],
    )


def events_select(
    query: EventQuery,
    *,
    stamp: Callable[[datetime], object] = lambda moment: moment,
    no_limit: int | None = None,
) -> tuple[str, list[object]]:
    """The SELECT (with ``?`` parameters) and its parameters for the events of ``query``.

    ``stamp`` turns a time into what the ``at`` column stores; ``no_limit`` is what LIMIT
    takes for "all" in this database.
    """
    conditions: list[str] = []
    params: list[object] = []
    for column, op, value in (
        ("tag", "=", query.tag),
        ("asset_id", "=", query.asset_id),
        ("at", ">=", stamp(query.since) if query.since else None),
        ("at", "<=", stamp(query.until) if query.until else None),
    ):
        if value is not None:
            conditions.append(f"{column} {op} ?")
            params.append(value)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    params.append(no_limit if query.limit is None else query.limit)
    # Only fixed column names are pasted in; every value is a parameter.
    sql = f"SELECT {EVENT_COLUMNS} FROM events {where} ORDER BY id DESC LIMIT ?"  # noqa: S608
    return sql, params


class _Cursor(Protocol):
    def fetchone(self) -> Any: ...


class Connection(Protocol):
    """What a transaction needs of a connection (sqlite3's or psycopg's)."""

    def execute(self, query: Any, params: Any = ...) -> Any: ...


class SqlLedgerTransaction:
    """The reads and writes of one transaction, for the core's rules (TagLedger), in SQL that
    SQLite and PostgreSQL both take.

    The SQL is written with ``?`` parameters; ``param`` is the driver's (``%s`` for psycopg).
    ``stamp`` turns the clock's time into what the ``at`` column stores.
    """

    def __init__(
        self,
        tx: Connection,
        clock: Callable[[], datetime],
        *,
        param: str = "?",
        stamp: Callable[[datetime], object] = lambda moment: moment,
    ) -> None:
        self.tx = tx
        self.clock = clock
        self.param = param
        self.stamp = stamp

    def _run(self, sql: str, *params: object) -> _Cursor:
        # The SQL here holds no literal "?" or "%": only placeholders.
        cursor: _Cursor = self.tx.execute(sql.replace("?", self.param), params)
        return cursor

    def stored_next(self, prefix: str) -> int:
        row = self._run("SELECT next_number FROM sequences WHERE prefix = ?", prefix).fetchone()
        return int(row[0]) if row else 1

    def store_next(self, prefix: str, number: int) -> None:
        self._run(
            "INSERT INTO sequences (prefix, next_number) VALUES (?, ?)"
            " ON CONFLICT (prefix) DO UPDATE SET next_number = excluded.next_number",
            *(prefix, number),
        )

    def is_taken(self, prefix: str, number: int) -> bool:
        sql = "SELECT 1 FROM tags WHERE prefix = ? AND number = ?"
        return self._run(sql, prefix, number).fetchone() is not None

    def held(self, prefix: str, asset_id: int) -> Reservation | None:
        row = self._run(
            "SELECT number, tag, reserved_by, state FROM tags"
            " WHERE prefix = ? AND asset_id = ? AND state IN (?, ?)",
            *(prefix, asset_id, *LIVE),
        ).fetchone()
        if row is None:
            return None
        number, tag, reserved_by, state = row
        return Reservation(prefix, number, tag, asset_id, False, reserved_by, state)

    def holder(self, prefix: str, number: int) -> tuple[str | None, int | None]:
        sql = "SELECT state, asset_id FROM tags WHERE prefix = ? AND number = ?"
        row = self._run(sql, prefix, number).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def add(self, reservation: Reservation) -> None:
        res = reservation
        self._run(
            "INSERT INTO tags (prefix, number, tag, asset_id, state, reserved_by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            *(res.prefix, res.number, res.tag, res.asset_id, OPEN, res.reserved_by),
        )

    def set_state(self, reservation: Reservation, state: Outcome) -> None:
        self._run(
            "UPDATE tags SET state = ? WHERE prefix = ? AND number = ?",
            *(state, reservation.prefix, reservation.number),
        )

    def give(self, reservation: Reservation, asset_id: int) -> None:
        """Hand a number held for a stand-in to the real asset, as assigned."""
        self._run(
            "UPDATE tags SET asset_id = ?, state = 'assigned' WHERE prefix = ? AND number = ?",
            *(asset_id, reservation.prefix, reservation.number),
        )

    def highest(self, prefix: str) -> int:
        row = self._run("SELECT MAX(number) FROM tags WHERE prefix = ?", prefix).fetchone()
        return int(row[0] or 0) if row else 0

    def log(self, entry: Entry) -> None:
        self._run(
            "INSERT INTO events (at, state, prefix, number, tag, asset_id, actor, request_id,"
            " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            *(self.stamp(self.clock()), *attrs.astuple(entry)),
        )
