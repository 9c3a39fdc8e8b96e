"""The TagStore port over SQL tables, the same for SQLite and PostgreSQL.

Both databases hold the same three tables (``sequences``, ``tags``, ``events``; see each
store's ``schema`` module), so every rule is written once, here. A store adds only what
differs: how a transaction starts and what it locks (:meth:`SqlTagStore._writing`), how
the event time is stored, and its SQL parameter style. The database itself refuses what
must never happen: ``tag`` is UNIQUE, a number exists once per prefix, and an asset holds
at most one number per prefix that is not given up (a partial unique index).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, Protocol

from rtutils_core.ports import Outcome, Reservation, SequenceMove, TagEvent, TagEventState
from rtutils_core.sequences import LIVE, OPEN, check_set_next, describe_move, needs_record
from rtutils_core.tags import TagFormat

_EVENT_COLUMNS = "id, at, prefix, number, tag, state, asset_id, actor, request_id, detail"
#: The tables of a tag store and their columns, in the order a copy fills them.
TABLES = {
    "sequences": "prefix, next_number",
    "tags": "prefix, number, tag, asset_id, state, reserved_by",
    "events": _EVENT_COLUMNS,
}

# The first number from ``start`` on that no row of the prefix holds: ``start`` itself, or
# one past a held number (a run of held numbers ends at one of those). One statement, so
# one snapshot, however many numbers are taken.
_FREE_FROM = """
SELECT min(c) FROM (
    SELECT CAST(? AS BIGINT) AS c
    UNION ALL
    SELECT number + 1 FROM tags WHERE prefix = ? AND number >= ?
) AS candidates
WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.prefix = ? AND t.number = candidates.c)
"""


class Cursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Tx(Protocol):
    """What the rules need of a connection inside a transaction (sqlite3's or psycopg's)."""

    def execute(self, query: Any, params: Any = ...) -> Cursor: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class SqlTagStore:
    """Every method of the TagStore port; subclasses provide the transactions.

    ``_reading()`` is a read transaction; ``_writing(prefix)`` a write transaction that no
    other change of ``prefix`` runs beside, yielding the connection and the prefix's stored
    next number. SQL here is written with ``?`` parameters; ``_sql`` turns it into the
    driver's style.
    """

    #: What LIMIT takes for "no limit".
    NO_LIMIT: int | None = None
    _clock: Callable[[], datetime]

    def _reading(self) -> AbstractContextManager[Tx]:
        raise NotImplementedError

    def _writing(self, prefix: str) -> AbstractContextManager[tuple[Tx, int]]:
        raise NotImplementedError

    def _sql(self, query: str) -> str:
        return query

    def _time_in(self, moment: datetime) -> object:
        """``moment`` as the ``at`` column stores it."""
        return moment

    def _time_out(self, stored: Any) -> datetime:
        """The ``at`` column as a UTC datetime."""
        return stored.astimezone(UTC)  # type: ignore[no-any-return]

    def _run(self, tx: Tx, query: str, *params: object) -> Cursor:
        return tx.execute(self._sql(query), params)

    # -- helpers inside a transaction ----------------------------------------------------

    def _log(
        self,
        tx: Tx,
        state: TagEventState,
        prefix: str,
        number: int,
        *,
        tag: str,
        asset_id: int | None,
        who: tuple[str, str],
        detail: str = "",
    ) -> None:
        self._run(
            tx,
            "INSERT INTO events (at, prefix, number, tag, state, asset_id, actor, request_id,"
            " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            *(self._time_in(self._clock()), prefix, number, tag, state, asset_id),
            *(*who, detail),
        )

    def _stored_next(self, tx: Tx, prefix: str) -> int:
        row = self._run(tx, "SELECT next_number FROM sequences WHERE prefix = ?", prefix).fetchone()
        return int(row[0]) if row else 1

    def _free_from(self, tx: Tx, prefix: str, number: int) -> int:
        row = self._run(tx, _FREE_FROM, number, prefix, number, prefix).fetchone()
        return int(row[0]) if row and row[0] is not None else number

    def _store_next(self, tx: Tx, prefix: str, number: int) -> None:
        self._run(
            tx,
            "INSERT INTO sequences (prefix, next_number) VALUES (?, ?)"
            " ON CONFLICT (prefix) DO UPDATE SET next_number = excluded.next_number",
            prefix,
            number,
        )

    def _held(self, tx: Tx, prefix: str, asset_id: int) -> Reservation | None:
        row = self._run(
            tx,
            "SELECT number, tag, reserved_by, state FROM tags"
            " WHERE prefix = ? AND asset_id = ? AND state IN (?, ?)",
            *(prefix, asset_id, *LIVE),
        ).fetchone()
        if row is None:
            return None
        number, tag, reserved_by, state = row
        return Reservation(prefix, number, tag, asset_id, False, reserved_by, state)

    def _highest(self, tx: Tx, prefix: str) -> int:
        row = self._run(tx, "SELECT MAX(number) FROM tags WHERE prefix = ?", prefix).fetchone()
        return int(row[0] or 0) if row else 0

    # -- the TagStore port ---------------------------------------------------------------

    def peek_next(self, prefix: str, after: int = 0) -> int:
        with self._reading() as tx:
            return self._free_from(tx, prefix, max(self._stored_next(tx, prefix), after + 1))

    def reservation_for(self, prefix: str, asset_id: int) -> Reservation | None:
        with self._reading() as tx:
            return self._held(tx, prefix, asset_id)

    def reserve(self, fmt: TagFormat, asset_id: int, *, actor: str, request_id: str) -> Reservation:
        with self._writing(fmt.prefix) as (tx, number):
            held = self._held(tx, fmt.prefix, asset_id)
            if held is not None:
                return held
            tag = str(fmt.sequence_tag(number))
            self._run(
                tx,
                "INSERT INTO tags (prefix, number, tag, asset_id, state, reserved_by)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                *(fmt.prefix, number, tag, asset_id, OPEN, request_id),
            )
            self._store_next(tx, fmt.prefix, self._free_from(tx, fmt.prefix, number + 1))
            who = (actor, request_id)
            self._log(tx, "reserved", fmt.prefix, number, tag=tag, asset_id=asset_id, who=who)
            return Reservation(fmt.prefix, number, tag, asset_id, reserved_by=request_id)

    def record(
        self,
        reservation: Reservation,
        state: Outcome,
        *,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> bool:
        res = reservation
        with self._writing(res.prefix) as (tx, _):
            where = (res.prefix, res.number)
            row = self._run(
                tx, "SELECT state, asset_id FROM tags WHERE prefix = ? AND number = ?", *where
            ).fetchone()
            now = (row[0], row[1]) if row else (None, None)
            if not needs_record(res, *now, outcome=state):
                return False
            if state != "failed":
                self._run(
                    tx, "UPDATE tags SET state = ? WHERE prefix = ? AND number = ?", state, *where
                )
            self._log(
                tx,
                state,
                res.prefix,
                res.number,
                tag=res.tag,
                asset_id=res.asset_id,
                who=(actor, request_id),
                detail=detail,
            )
            return True

    def events(
        self,
        *,
        tag: str | None = None,
        asset_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = 100,
    ) -> Sequence[TagEvent]:
        conditions: list[str] = []
        params: list[object] = []
        for column, op, value in (
            ("tag", "=", tag),
            ("asset_id", "=", asset_id),
            ("at", ">=", self._time_in(since) if since else None),
            ("at", "<=", self._time_in(until) if until else None),
        ):
            if value is not None:
                conditions.append(f"{column} {op} ?")
                params.append(value)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        params.append(self.NO_LIMIT if limit is None else limit)
        with self._reading() as tx:
            # Only fixed column names are pasted in; every value is a parameter.
            query = f"SELECT {_EVENT_COLUMNS} FROM events {where} ORDER BY id DESC LIMIT ?"  # noqa: S608
            rows = self._run(tx, query, *params).fetchall()
        return list(self._events_from(rows))

    def _events_from(self, rows: Sequence[Sequence[Any]]) -> Iterator[TagEvent]:
        for r in rows:
            yield TagEvent(
                id=r[0],
                at=self._time_out(r[1]),
                prefix=r[2],
                number=r[3],
                tag=r[4],
                state=r[5],
                asset_id=r[6],
                actor=r[7],
                request_id=r[8],
                detail=r[9],
            )

    def highest_issued(self, prefix: str) -> int:
        with self._reading() as tx:
            return self._highest(tx, prefix)

    def set_next(
        self,
        fmt: TagFormat,
        number: int,
        *,
        force: bool,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> SequenceMove:
        with self._writing(fmt.prefix) as (tx, before):
            check_set_next(fmt, number, self._highest(tx, fmt.prefix), force=force)
            move = SequenceMove(fmt.prefix, before, self._free_from(tx, fmt.prefix, number))
            return self._move(tx, fmt, move, "sequence-set", who=(actor, request_id), note=detail)

    def raise_floor(
        self, fmt: TagFormat, number: int, *, actor: str, request_id: str, detail: str = ""
    ) -> SequenceMove:
        with self._writing(fmt.prefix) as (tx, before):
            if number <= before:
                return SequenceMove(fmt.prefix, before, before)
            move = SequenceMove(fmt.prefix, before, self._free_from(tx, fmt.prefix, number))
            return self._move(tx, fmt, move, "floor-raised", who=(actor, request_id), note=detail)

    def _move(
        self,
        tx: Tx,
        fmt: TagFormat,
        move: SequenceMove,
        state: TagEventState,
        *,
        who: tuple[str, str],
        note: str,
    ) -> SequenceMove:
        self._store_next(tx, fmt.prefix, move.after)
        detail = describe_move(fmt, move.before, move.after, note=note)
        self._log(tx, state, fmt.prefix, move.after, tag="", asset_id=None, who=who, detail=detail)
        return move

    # -- whole tables, for copying a store into another ----------------------------------

    def counts(self) -> dict[str, int]:
        """Rows per table (``sequences``, ``tags``, ``events``)."""
        with self._reading() as tx:
            return self._counts(tx)

    def _counts(self, tx: Tx) -> dict[str, int]:
        # Only the fixed table names are pasted in.
        query = "SELECT COUNT(*) FROM {}"
        return {t: int(self._run(tx, query.format(t)).fetchone()[0]) for t in TABLES}

    def export_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, read in one transaction; event times as datetimes."""
        with self._reading() as tx:
            rows = {
                table: list(map(tuple, self._run(tx, f"SELECT {columns} FROM {table}").fetchall()))  # noqa: S608
                for table, columns in TABLES.items()
            }
        rows["events"] = [(r[0], self._time_out(r[1]), *r[2:]) for r in rows["events"]]
        return rows
