"""The tag store in PostgreSQL, shared by any number of service instances.

The rules are the core's (:class:`~rtutils_core.tags.ledger.TagLedger`), as for SQLite; this
module gives them the reads and writes of one transaction in SQL. A change takes the
transaction-level advisory lock of its prefix before it first reads or writes anything of
that prefix, so the changes of one prefix run one after the other across connections,
processes and machines, as SQLite's single writer runs all changes, while changes of other
prefixes and all readers go on. Under READ COMMITTED each later statement of the
transaction sees everything committed before the lock was granted, so no two transactions
can read the same next number of a prefix. The same constraints as in SQLite stand behind
the code: ``tag`` is UNIQUE, a number exists once per prefix, an asset holds at most one
live number per prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg

from rtutils_adapters.postgres import schema
from rtutils_adapters.postgres.component import connections_of, open_component
from rtutils_adapters.postgres.connection import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_LOCK_TIMEOUT,
    DEFAULT_POOL_SIZE,
    Connections,
    lock,
)
from rtutils_adapters.schema_versions import Migration, SchemaChange
from rtutils_adapters.tag_tables import (
    TABLES,
    SqlLedgerTransaction,
    event_of,
    events_select,
    utc_time,
)
from rtutils_core.errors import ConfigError
from rtutils_core.tags.event_query import NEWEST, EventQuery
from rtutils_core.tags.ledger import Entry, LedgerTransaction, TagLedger
from rtutils_core.tags.ports import Outcome, Reservation, TagEvent


def _now() -> datetime:
    return datetime.now(UTC)


def prefix_lock(prefix: str) -> str:
    """The name of the advisory lock a change of ``prefix`` holds until it ends."""
    return f"tags:{prefix}"


class PrefixLockedTransaction(SqlLedgerTransaction):
    """The reads and writes of one change, each first taking its prefix's advisory lock
    (once per transaction; it is held until the transaction ends, waiting at most
    ``lock_timeout``). A change of the core touches one prefix only, so two changes never
    wait for each other's locks in opposite orders."""

    def __init__(self, tx: psycopg.Connection, clock: Callable[[], datetime]) -> None:
        super().__init__(tx, clock, param="%s")
        self._conn = tx
        self._locked: set[str] = set()

    def _lock(self, prefix: str) -> None:
        if prefix not in self._locked:
            lock(self._conn, prefix_lock(prefix))
            self._locked.add(prefix)

    def stored_next(self, prefix: str) -> int:
        self._lock(prefix)
        return super().stored_next(prefix)

    def store_next(self, prefix: str, number: int) -> None:
        self._lock(prefix)
        super().store_next(prefix, number)

    def is_taken(self, prefix: str, number: int) -> bool:
        self._lock(prefix)
        return super().is_taken(prefix, number)

    def held(self, prefix: str, asset_id: int) -> Reservation | None:
        self._lock(prefix)
        return super().held(prefix, asset_id)

    def holder(self, prefix: str, number: int) -> tuple[str | None, int | None]:
        self._lock(prefix)
        return super().holder(prefix, number)

    def add(self, reservation: Reservation) -> None:
        self._lock(reservation.prefix)
        super().add(reservation)

    def set_state(self, reservation: Reservation, state: Outcome) -> None:
        self._lock(reservation.prefix)
        super().set_state(reservation, state)

    def give(self, reservation: Reservation, asset_id: int) -> None:
        self._lock(reservation.prefix)
        super().give(reservation, asset_id)

    def highest(self, prefix: str) -> int:
        self._lock(prefix)
        return super().highest(prefix)

    def log(self, entry: Entry) -> None:
        self._lock(entry.prefix)
        super().log(entry)


class PostgresTagStore(TagLedger):
    """Tag sequences and the event log in PostgreSQL; share it between instances freely.

    It is a :class:`~rtutils_core.intake.ports.NewAssetTagStore`: it can hold a number for
    an asset about to be created (:meth:`bind`).

    ``conninfo`` is a libpq URL or key/value string (``postgresql://user@host/db``), or a
    :class:`Connections` pool shared with other stores (the options below are then the
    pool's own); a ``password`` given apart from the URL never shows in messages. Each
    process keeps a small pool of connections (``pool_size``). A change waits up to
    ``lock_timeout`` seconds for another change; past that it fails with
    :class:`~rtutils_core.errors.BackendUnavailable` and nothing is changed.

    Opening it applies the pending schema ``MIGRATIONS`` (``schema_change`` says what it did)
    and refuses a database from a newer version (:class:`~rtutils_core.errors.SchemaTooNew`).
    """

    MIGRATIONS: tuple[Migration, ...] = schema.MIGRATIONS
    schema_change: SchemaChange

    def __init__(
        self,
        conninfo: str | Connections,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        pool_size: int = DEFAULT_POOL_SIZE,
        clock: Callable[[], datetime] = _now,
        password: str = "",
    ) -> None:
        self._db = connections_of(
            conninfo,
            lock_timeout=lock_timeout,
            connect_timeout=connect_timeout,
            pool_size=pool_size,
            password=password,
        )
        self.where = self._db.where
        self._clock = clock
        self.schema_change = open_component(self._db, schema.COMPONENT, self.MIGRATIONS)

    def close(self) -> None:
        """Close this process's connections."""
        self._db.close()

    @contextmanager
    def _reading(self) -> Iterator[psycopg.Connection]:
        """A read-only transaction on one snapshot: its reads agree with each other."""
        with self._db.transaction() as tx:
            tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield tx

    @contextmanager
    def _writing(self) -> Iterator[SqlLedgerTransaction]:
        with self._db.transaction() as tx:
            # One writer at a time per prefix; the lock is taken at its first use.
            yield PrefixLockedTransaction(tx, self._clock)

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[LedgerTransaction]:
        if write:
            with self._writing() as ledger:
                yield ledger
            return
        with self._reading() as tx:
            yield SqlLedgerTransaction(tx, self._clock, param="%s")

    def events(self, query: EventQuery = NEWEST) -> Sequence[TagEvent]:
        sql, params = events_select(query)  # LIMIT NULL is no limit
        with self._reading() as tx:
            rows = tx.execute(sql.replace("?", "%s"), params).fetchall()
        return [event_of(row) for row in rows]

    # -- whole tables, for copying a store into another ----------------------------------

    def counts(self) -> dict[str, int]:
        """Rows per table (``sequences``, ``tags``, ``events``)."""
        with self._reading() as tx:
            return _counts(tx)

    def export_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, read in one transaction; event times as datetimes."""
        with self._reading() as tx:
            rows = {
                table: list(map(tuple, tx.execute(f"SELECT {columns} FROM {table}").fetchall()))  # noqa: S608
                for table, columns in TABLES.items()
            }
        rows["events"] = [(r[0], utc_time(r[1]), *r[2:]) for r in rows["events"]]
        return rows

    def import_rows(self, rows: Mapping[str, Sequence[tuple[Any, ...]]]) -> None:
        """Fill this empty store with ``rows`` (as ``export_rows`` gives them), all or nothing.

        Refuses with :class:`~rtutils_core.errors.ConfigError` if the database holds any tag
        data already: a copy never mixes two histories. Event ids are kept, and new events
        are numbered after them.
        """
        with self._db.transaction() as tx:
            # No instance may write while the copy runs; readers wait for its end too.
            tx.execute("LOCK TABLE sequences, tags, events IN EXCLUSIVE MODE")
            held = _counts(tx)
            if any(held.values()):
                found = ", ".join(f"{n} {table}" for table, n in held.items() if n)
                raise ConfigError(
                    f"{self.where} holds tag data already ({found}); copy only into an empty"
                    " database, nothing was written"
                )
            for table, columns in TABLES.items():
                with tx.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows[table]:
                        copy.write_row(row)
            tx.execute(
                "SELECT setval(pg_get_serial_sequence('events', 'id'),"
                " COALESCE(max(id), 1), max(id) IS NOT NULL) FROM events"
            )


def _counts(tx: psycopg.Connection) -> dict[str, int]:
    # Only the fixed table names are pasted in.
    counted = {t: tx.execute(f"SELECT COUNT(*) FROM {t}").fetchone() for t in TABLES}  # noqa: S608
    return {t: int(row[0]) if row else 0 for t, row in counted.items()}
