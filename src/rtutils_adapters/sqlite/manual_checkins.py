"""The loan log's manual check-ins in SQLite: the ``manual_checkins`` table of ``loans.sqlite3``.

A part of :class:`~rtutils_adapters.sqlite.loans.SqliteLoanLog` (its transactions, its file);
an undo is a row of its own that names the check-in it takes back (UNIQUE: once).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from rtutils_core.loans.manual_checkins import UNDO, ManualEntry, ManualEvent, check_undo

_COLUMNS = "id, at, kind, student_id, person, reason, operator, request_id, asset_id, tag, undoes"


class SqliteManualCheckIns:
    """The :class:`~rtutils_core.loans.ports.ManualCheckInLog` methods of the SQLite loan log."""

    _clock: Callable[[], datetime]
    _transaction: Callable[..., AbstractContextManager[sqlite3.Connection]]

    def record_manual(self, entry: ManualEntry) -> ManualEvent:
        at = self._clock().astimezone(UTC).isoformat(timespec="microseconds")
        with self._transaction() as tx:
            if entry.kind == UNDO:
                target = _manual(tx, "id = ?", (entry.undoes,))
                check_undo(
                    entry, target[0] if target else None, _manual(tx, "undoes = ?", (entry.undoes,))
                )
            cursor = tx.execute(
                "INSERT INTO manual_checkins (at, kind, student_id, person, reason, operator,"
                " request_id, asset_id, tag, undoes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    at,
                    entry.kind,
                    entry.student_id,
                    entry.person,
                    entry.reason,
                    entry.operator,
                    entry.request_id,
                    entry.asset_id,
                    entry.tag,
                    entry.undoes,
                ),
            )
            return _manual(tx, "id = ?", (cursor.lastrowid,))[0]

    def manual_events(
        self, since: datetime | None = None, student_id: str | None = None
    ) -> Sequence[ManualEvent]:
        where, args = ["1 = 1"], []  # type: list[str], list[Any]
        if since is not None:
            where.append("at >= ?")
            args.append(since.astimezone(UTC).isoformat(timespec="microseconds"))
        if student_id is not None:
            where.append("student_id = ?")
            args.append(student_id)
        with self._transaction("DEFERRED") as tx:
            return _manual(tx, " AND ".join(where), tuple(args))


def _manual(tx: sqlite3.Connection, where: str, args: tuple[Any, ...]) -> list[ManualEvent]:
    sql = f"SELECT {_COLUMNS} FROM manual_checkins WHERE {where} ORDER BY id"  # noqa: S608
    return [
        ManualEvent(
            id=row[0],
            at=datetime.fromisoformat(row[1]),
            kind=row[2],
            student_id=row[3],
            person=row[4],
            reason=row[5],
            operator=row[6],
            request_id=row[7],
            asset_id=row[8],
            tag=row[9],
            undoes=row[10],
        )
        for row in tx.execute(sql, args)
    ]
