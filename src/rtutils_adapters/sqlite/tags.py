"""The tag store in a SQLite file in ``WORKING_DIR``.

Every change is one ``BEGIN IMMEDIATE`` transaction: it takes SQLite's write lock before it
reads, so two processes can never both read the same next number. The database itself
refuses what must never happen: ``tag`` is UNIQUE, a number exists once per prefix, and an
asset holds at most one number per prefix that is not given up (a partial unique index). WAL lets
readers (preview, the event log) go on while a writer works; ``synchronous=FULL`` makes a
committed reservation survive a power cut, not only a crash of the process.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rtutils_adapters.schema_versions import Migration, SchemaChange
from rtutils_adapters.sqlite import schema
from rtutils_adapters.sqlite.database import SqliteDatabase
from rtutils_adapters.tag_tables import (
    TABLES,
    SqlLedgerTransaction,
    event_of,
    events_select,
)
from rtutils_core.errors import TagConflict
from rtutils_core.tags.event_query import NEWEST, EventQuery
from rtutils_core.tags.ledger import LedgerTransaction, TagLedger
from rtutils_core.tags.ports import TagEvent

FILE_NAME = "tags.sqlite3"
DEFAULT_BUSY_TIMEOUT = 10.0


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    # One fixed width in UTC, so text order is time order and range filters use the index.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _refused(exc: sqlite3.IntegrityError) -> TagConflict:
    # The schema caught something the code should have: refuse, change nothing.
    return TagConflict(f"the tag database refused a change: {exc}")


class SqliteTagStore(TagLedger):
    """Tag sequences and the event log in one SQLite file; share it between processes freely.

    Each thread gets its own connection (a connection is never used across threads or
    processes). A writer waits up to ``busy_timeout`` seconds for another one to finish; past
    that the operation fails with :class:`BackendUnavailable` and nothing is changed.

    Opening it applies the pending schema ``MIGRATIONS`` (``schema_change`` says what it did)
    and refuses a file from a newer version (:class:`~rtutils_core.errors.SchemaTooNew`).
    """

    MIGRATIONS: tuple[Migration, ...] = schema.MIGRATIONS
    schema_change: SchemaChange

    def __init__(
        self,
        path: Path,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._clock = clock
        self._database = SqliteDatabase(
            path,
            self._upgrade,
            busy_timeout=busy_timeout,
            what="tag database",
            integrity=_refused,
        )

    def _upgrade(self, tx: sqlite3.Connection) -> None:
        self.schema_change = schema.upgrade(tx, str(self.path), self.MIGRATIONS)

    @classmethod
    def in_dir(
        cls, working_dir: Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
    ) -> SqliteTagStore:
        """The store of a working directory (``WORKING_DIR``)."""
        return cls(Path(working_dir) / FILE_NAME, busy_timeout=busy_timeout)

    # -- transactions --------------------------------------------------------------------

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        self._database.close()

    def _sql(self, mode: str = "IMMEDIATE") -> AbstractContextManager[sqlite3.Connection]:
        """One transaction; IMMEDIATE takes the write lock first, DEFERRED is a snapshot read."""
        return self._database.transaction(mode)

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[LedgerTransaction]:
        with self._sql("IMMEDIATE" if write else "DEFERRED") as tx:
            yield SqlLedgerTransaction(tx, self._clock, stamp=_stamp)

    # -- reading the log -------------------------------------------------------------------

    def events(self, query: EventQuery = NEWEST) -> Sequence[TagEvent]:
        sql, params = events_select(query, stamp=_stamp, no_limit=-1)
        with self._sql("DEFERRED") as tx:
            rows = tx.execute(sql, params).fetchall()
        return [event_of(row) for row in rows]

    # -- whole tables, for copying a store into another ----------------------------------

    def counts(self) -> dict[str, int]:
        """Rows per table (``sequences``, ``tags``, ``events``)."""
        with self._sql("DEFERRED") as tx:
            # Only the fixed table names are pasted in.
            return {t: int(tx.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in TABLES}  # noqa: S608

    def export_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, read in one transaction; event times as datetimes."""
        with self._sql("DEFERRED") as tx:
            rows = {
                table: list(map(tuple, tx.execute(f"SELECT {columns} FROM {table}").fetchall()))  # noqa: S608
                for table, columns in TABLES.items()
            }
        rows["events"] = [(r[0], datetime.fromisoformat(r[1]), *r[2:]) for r in rows["events"]]
        return rows
