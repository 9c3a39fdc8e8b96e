"""The tag store, written once for SQLite and PostgreSQL: its tables and statements.

The rules are the core's (:class:`~rtutils_core.tags.ledger.TagLedger`); this module gives
them the reads and writes of one transaction. A change first takes its prefix's lock from
the database: in PostgreSQL a transaction-level advisory lock, so the changes of one prefix
run one after the other across connections, processes and machines while other prefixes
and all readers go on (under READ COMMITTED each later statement sees all that was
committed before the lock was granted); in SQLite nothing more than ``BEGIN IMMEDIATE``,
whose single writer runs all changes one after the other. Behind the code the schema
refuses what must never happen: ``tag`` is UNIQUE, a number exists once per prefix, an
asset holds at most one live number per prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import (
    BindParameter,
    Connection,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)

from rtutils_adapters.sql.database import Database
from rtutils_adapters.sql.prepared import Prepared
from rtutils_adapters.sql.store import SqlStore, table
from rtutils_core.clock import utc_now
from rtutils_core.errors import ConfigError, RtutilsError, TagConflict
from rtutils_core.tags.event_query import NEWEST, EventQuery
from rtutils_core.tags.ledger import Entry, LedgerTransaction, TagLedger
from rtutils_core.tags.ports import Outcome, Reservation, TagEvent
from rtutils_core.tags.sequences import LIVE, OPEN

sequences = table("sequences", "prefix next_number", key="prefix", numbers="next_number")
tags = table(
    "tags",
    "prefix number tag asset_id state reserved_by",
    key="prefix number",
    numbers="number asset_id",
)
events = table(
    "events",
    "id at prefix number tag state asset_id actor request_id detail",
    key="id",
    numbers="id number asset_id",
    times="at",
)
#: The tables of a tag store, in the order a copy fills them.
TABLES = (sequences, tags, events)


def _refused(exc: Exception) -> RtutilsError:
    return TagConflict(f"the tag database refused a change: {exc}")


def prefix_lock(prefix: str) -> str:
    """The name of the lock a change of ``prefix`` holds until it ends."""
    return f"tags:{prefix}"


def _event(row: Any) -> TagEvent:
    return TagEvent(**row._mapping)


# The statements of an issue, built once: a tag is issued thousands of times a day, and
# building a statement costs more than running it on SQLite.
_P: BindParameter[str] = bindparam("p")
_N: BindParameter[int] = bindparam("n")
_ONE_TAG = (tags.c.prefix == _P) & (tags.c.number == _N)
_NEXT = Prepared(select(sequences.c.next_number).where(sequences.c.prefix == _P))
_SET_NEXT = Prepared(update(sequences).where(sequences.c.prefix == _P).values(next_number=_N))
_ADD_NEXT = Prepared(insert(sequences).values(prefix=_P, next_number=_N))
_STATE = Prepared(select(tags.c.state, tags.c.asset_id).where(_ONE_TAG))
_HELD = Prepared(
    select(tags.c.number, tags.c.tag, tags.c.reserved_by, tags.c.state).where(
        tags.c.prefix == _P,
        tags.c.asset_id == bindparam("a"),
        or_(*(tags.c.state == state for state in LIVE)),  # a plain statement: no expanding IN
    )
)
_ADD = Prepared(insert(tags))
_SET_STATE = Prepared(update(tags).where(_ONE_TAG).values(state=bindparam("s")))
_GIVE = Prepared(update(tags).where(_ONE_TAG).values(asset_id=bindparam("a"), state="assigned"))
_HIGHEST = Prepared(select(func.max(tags.c.number)).where(tags.c.prefix == _P))
_LOG = Prepared(insert(events))


class SqlLedgerTransaction:
    """The reads and writes of one transaction, for the core's rules (TagLedger).

    In a change (``db`` given) each first takes its prefix's lock (once per transaction;
    held until it ends). A change of the core touches one prefix only, so two changes never
    wait for each other's locks in opposite orders.
    """

    def __init__(
        self, tx: Connection, clock: Callable[[], datetime], db: Database | None = None
    ) -> None:
        self.tx = tx
        self.clock = clock
        self._db = db
        self._locked: set[str] = set()

    def _lock(self, prefix: str) -> None:
        if self._db is not None and prefix not in self._locked:
            self._db.lock(self.tx, prefix_lock(prefix))
            self._locked.add(prefix)

    def _state(self, prefix: str, number: int) -> Any:
        self._lock(prefix)
        return _STATE.first(self.tx, {"p": prefix, "n": number})

    def stored_next(self, prefix: str) -> int:
        self._lock(prefix)
        found = _NEXT.scalar(self.tx, {"p": prefix})
        return int(found) if found is not None else 1

    def store_next(self, prefix: str, number: int) -> None:
        self._lock(prefix)
        if not _SET_NEXT.run(self.tx, {"p": prefix, "n": number}).rowcount:
            _ADD_NEXT.run(self.tx, {"p": prefix, "n": number})

    def is_taken(self, prefix: str, number: int) -> bool:
        return self._state(prefix, number) is not None

    def held(self, prefix: str, asset_id: int) -> Reservation | None:
        self._lock(prefix)
        row = _HELD.first(self.tx, {"p": prefix, "a": asset_id})
        if row is None:
            return None
        number, tag, reserved_by, state = row
        return Reservation(prefix, number, tag, asset_id, False, reserved_by, state)

    def holder(self, prefix: str, number: int) -> tuple[str | None, int | None]:
        row = self._state(prefix, number)
        return (row[0], row[1]) if row else (None, None)

    def add(self, reservation: Reservation) -> None:
        res = reservation
        self._lock(res.prefix)
        _ADD.run(
            self.tx,
            {
                "prefix": res.prefix,
                "number": res.number,
                "tag": res.tag,
                "asset_id": res.asset_id,
                "state": OPEN,
                "reserved_by": res.reserved_by,
            },
        )

    def set_state(self, reservation: Reservation, state: Outcome) -> None:
        self._lock(reservation.prefix)
        _SET_STATE.run(self.tx, {"p": reservation.prefix, "n": reservation.number, "s": state})

    def give(self, reservation: Reservation, asset_id: int) -> None:
        """Hand a number held for a stand-in to the real asset, as assigned."""
        self._lock(reservation.prefix)
        _GIVE.run(self.tx, {"p": reservation.prefix, "n": reservation.number, "a": asset_id})

    def highest(self, prefix: str) -> int:
        self._lock(prefix)
        return int(_HIGHEST.scalar(self.tx, {"p": prefix}) or 0)

    def log(self, entry: Entry) -> None:
        self._lock(entry.prefix)
        _LOG.run(self.tx, {"at": self.clock(), **attrs.asdict(entry)})


class SqlTagStore(SqlStore, TagLedger):
    """Tag sequences and the event log in a :class:`Database`; share it freely.

    It is a :class:`~rtutils_core.intake.ports.NewAssetTagStore`: it can hold a number for
    an asset about to be created (:meth:`bind`). Opening it applies the pending revisions
    of ``MIGRATIONS`` (``schema_change`` says what it did) and refuses a database from a
    newer version (:class:`~rtutils_core.errors.SchemaTooNew`).
    """

    COMPONENT = "tags"

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        super().__init__(db)

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[LedgerTransaction]:
        with self._db.transaction(write=write, refused=_refused) as tx:
            yield SqlLedgerTransaction(tx, self._clock, self._db if write else None)

    def events(self, query: EventQuery = NEWEST) -> Sequence[TagEvent]:
        sql = select(events).order_by(events.c.id.desc()).limit(query.limit)
        for column, value in (("tag", query.tag), ("asset_id", query.asset_id)):
            if value is not None:
                sql = sql.where(events.c[column] == value)
        if query.since is not None:
            sql = sql.where(events.c.at >= query.since)
        if query.until is not None:
            sql = sql.where(events.c.at <= query.until)
        with self._db.transaction(write=False) as tx:
            return [_event(row) for row in tx.execute(sql)]

    # -- whole tables, for copying a store into another ----------------------------------

    def counts(self) -> dict[str, int]:
        """Rows per table (``sequences``, ``tags``, ``events``)."""
        with self._db.transaction(write=False) as tx:
            return _counts(tx)

    def export_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, read in one transaction; event times as datetimes."""
        with self._db.transaction(write=False) as tx:
            return {t.name: [tuple(row) for row in tx.execute(select(t))] for t in TABLES}

    def import_rows(self, rows: Mapping[str, Sequence[tuple[Any, ...]]]) -> None:
        """Fill this empty store with ``rows`` (as ``export_rows`` gives them), all or nothing.

        Refuses with :class:`~rtutils_core.errors.ConfigError` if the database holds any tag
        data already: a copy never mixes two histories. Event ids are kept, and new events
        are numbered after them.
        """
        with self._db.transaction(refused=_refused) as tx:
            # No instance may write while the copy runs; readers wait for its end too.
            self._db.lock_tables(tx, [t.name for t in TABLES])
            held = _counts(tx)
            if any(held.values()):
                found = ", ".join(f"{n} {table}" for table, n in held.items() if n)
                raise ConfigError(
                    f"{self.where} holds tag data already ({found}); copy only into an empty"
                    " database, nothing was written"
                )
            for table in TABLES:
                keys = [c.name for c in table.columns]
                if rows[table.name]:
                    tx.execute(
                        insert(table), [dict(zip(keys, r, strict=True)) for r in rows[table.name]]
                    )
            self._db.continue_identity(tx, "events", "id")


def _counts(tx: Connection) -> dict[str, int]:
    return {t.name: int(tx.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES}
