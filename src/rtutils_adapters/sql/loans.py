"""The loan log, written once for SQLite and PostgreSQL: check-outs and check-ins
(``loan_events``) and the manual check-ins (``manual_checkins``).

The database refuses the same change recorded twice (UNIQUE on action, asset and the asset
version it was written against). A change first takes its asset's lock (in PostgreSQL an
advisory lock, in SQLite the one writer of ``BEGIN IMMEDIATE``), so a second instance
recording it at the same moment waits for the first one's commit, then is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import (
    Connection,
    insert,
    select,
    update,
)

from rtutils_adapters.sql.database import Database
from rtutils_adapters.sql.store import SqlStore, table
from rtutils_core.clock import utc_now
from rtutils_core.errors import LoanConflict, LoanNotFound, RtutilsError
from rtutils_core.loans import LoanEntry, LoanEvent, LoanFilter
from rtutils_core.loans.manual_checkins import UNDO, ManualEntry, ManualEvent, check_undo

loan_events = table(
    "loan_events",
    "id at action asset_id tag person operator request_id based_on condition damages note"
    " ticket_id ticket_error due forced person_key",
    key="id",
    numbers="id asset_id ticket_id",
    integers="forced",
    times="at",
    dates="due",
)
manual_checkins = table(
    "manual_checkins",
    "id at kind student_id person reason operator request_id asset_id tag undoes",
    key="id",
    numbers="id asset_id undoes",
    times="at",
)
#: The tables of the loan log, in the order a copy fills them.
TABLES = (loan_events, manual_checkins)
_EVENT = [c for c in loan_events.columns if c.name != "person_key"]


def _refused(exc: Exception) -> RtutilsError:
    return LoanConflict(f"the loan log refused a change: {exc}")


def _event(row: Any) -> LoanEvent:
    values = dict(row._mapping)
    values["damages"] = tuple(json.loads(values["damages"]))
    values["forced"] = bool(values["forced"])
    return LoanEvent(**values)


def _get(tx: Connection, event_id: int) -> LoanEvent:
    found = tx.execute(select(*_EVENT).where(loan_events.c.id == event_id)).first()
    if found is None:
        raise LoanNotFound(f"there is no loan {event_id}")
    return _event(found)


def _manual(tx: Connection, *where: Any) -> list[ManualEvent]:
    sql = select(manual_checkins).where(*where).order_by(manual_checkins.c.id)
    return [ManualEvent(**row._mapping) for row in tx.execute(sql)]


class SqlLoanLog(SqlStore):
    """The :class:`~rtutils_core.loans.ports.LoanLog` and
    :class:`~rtutils_core.loans.ports.ManualCheckInLog` in a :class:`Database`."""

    COMPONENT = "loans"

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        super().__init__(db)

    def record(self, entry: LoanEntry) -> LoanEvent:
        with self._db.transaction(refused=_refused) as tx:
            self._db.lock(tx, f"loans:{entry.asset_id}")
            duplicate = tx.scalar(
                select(loan_events.c.id).where(
                    loan_events.c.action == entry.action,
                    loan_events.c.asset_id == entry.asset_id,
                    loan_events.c.based_on == entry.based_on,
                )
            )
            if duplicate is not None:
                raise LoanConflict(
                    f"loan event {duplicate} records this {entry.action} of asset"
                    f" {entry.asset_id} already"
                )
            added = tx.execute(
                insert(loan_events)
                .values(
                    attrs.asdict(entry)
                    | {
                        "at": self._clock(),
                        "person_key": entry.person.casefold(),
                        "damages": json.dumps(list(entry.damages)),
                        "forced": int(entry.forced),
                    }
                )
                .returning(loan_events.c.id)
            ).scalar_one()
            return _get(tx, int(added))

    def get(self, event_id: int) -> LoanEvent:
        with self._db.transaction(write=False) as tx:
            return _get(tx, event_id)

    def attach_ticket(self, event_id: int, ticket_id: int) -> LoanEvent:
        with self._db.transaction(refused=_refused) as tx:
            self._db.lock(tx, f"loan:{event_id}")
            event = _get(tx, event_id)
            if event.ticket_id is not None:
                raise LoanConflict(f"loan {event_id} has repair ticket {event.ticket_id} already")
            tx.execute(
                update(loan_events)
                .where(loan_events.c.id == event_id)
                .values(ticket_id=ticket_id, ticket_error="")
            )
            return _get(tx, event_id)

    def events(self, query: LoanFilter, limit: int | None = None) -> Sequence[LoanEvent]:
        sql = select(*_EVENT).order_by(loan_events.c.id)
        if query.since is not None:
            sql = sql.where(loan_events.c.at >= query.since)
        if query.until is not None:
            sql = sql.where(loan_events.c.at <= query.until)
        if query.asset_id is not None:
            sql = sql.where(loan_events.c.asset_id == query.asset_id)
        if query.person is not None:
            sql = sql.where(loan_events.c.person_key == query.person.casefold())
        if limit is not None:
            sql = sql.limit(max(0, limit))
        with self._db.transaction(write=False) as tx:
            return [_event(row) for row in tx.execute(sql)]

    # -- manual check-ins -----------------------------------------------------------------

    def record_manual(self, entry: ManualEntry) -> ManualEvent:
        with self._db.transaction(refused=_refused) as tx:
            if entry.kind == UNDO:
                # Two undos of one check-in: the second waits, then sees the first.
                self._db.lock(tx, f"manual:{entry.student_id}")
                target = _manual(tx, manual_checkins.c.id == entry.undoes)
                later = _manual(tx, manual_checkins.c.undoes == entry.undoes)
                check_undo(entry, target[0] if target else None, later)
            added = tx.execute(
                insert(manual_checkins)
                .values(attrs.asdict(entry) | {"at": self._clock()})
                .returning(manual_checkins.c.id)
            ).scalar_one()
            return _manual(tx, manual_checkins.c.id == added)[0]

    def manual_events(
        self, since: datetime | None = None, student_id: str | None = None
    ) -> Sequence[ManualEvent]:
        where = []
        if since is not None:
            where.append(manual_checkins.c.at >= since)
        if student_id is not None:
            where.append(manual_checkins.c.student_id == student_id)
        with self._db.transaction(write=False) as tx:
            return _manual(tx, *where)
