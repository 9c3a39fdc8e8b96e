"""The tag store in PostgreSQL, shared by any number of service instances.

The rules are those of the SQLite store, written once in ``rtutils_adapters.sql_tag_store``;
only the locking differs. SQLite has one writer for the whole file; here every change of a
prefix first locks that prefix's row in ``sequences`` (creating it if need be, in the same
statement), so changes of one prefix run one after the other, across connections,
processes and machines, while other prefixes and readers go on. Under READ COMMITTED each
later statement of the transaction sees everything committed before the lock was granted,
so no two transactions can read the same next number. The same constraints as in SQLite
stand behind the code: ``tag`` is UNIQUE, a number exists once per prefix, an asset holds
at most one live number per prefix.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any

import psycopg

from rtutils_adapters.postgres import schema
from rtutils_adapters.postgres.connection import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_LOCK_TIMEOUT,
    DEFAULT_POOL_SIZE,
    Connections,
)
from rtutils_adapters.schema_versions import Migration, SchemaChange
from rtutils_adapters.sql_tag_store import TABLES, SqlTagStore, utc_now
from rtutils_core.errors import ConfigError

# Lock the prefix's sequence row (made at 1 if missing) and read it: ON CONFLICT DO UPDATE
# locks the existing row, so this is "SELECT ... FOR UPDATE" that also works the first time.
_LOCK_SEQUENCE = """
INSERT INTO sequences (prefix, next_number) VALUES (%s, 1)
ON CONFLICT (prefix) DO UPDATE SET next_number = sequences.next_number
RETURNING next_number
"""


@functools.cache
def _pyformat(query: str) -> str:
    # The shared SQL has no literal "%"; psycopg's placeholders are "%s".
    return query.replace("?", "%s")


class PostgresTagStore(SqlTagStore):
    """Tag sequences and the event log in PostgreSQL; share it between instances freely.

    ``conninfo`` is a libpq URL or key/value string (``postgresql://user@host/db``); a
    ``password`` given apart from it never shows in messages. Each
    process keeps a small pool of connections (``pool_size``). A change waits up to
    ``lock_timeout`` seconds for another change of the same prefix; past that it fails with
    :class:`~rtutils_core.errors.BackendUnavailable` and nothing is changed.

    Opening it applies the pending schema ``MIGRATIONS`` (``schema_change`` says what it did)
    and refuses a database from a newer version (:class:`~rtutils_core.errors.SchemaTooNew`).
    """

    MIGRATIONS: tuple[Migration, ...] = schema.MIGRATIONS
    schema_change: SchemaChange

    def __init__(
        self,
        conninfo: str,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        pool_size: int = DEFAULT_POOL_SIZE,
        clock: Callable[[], datetime] = utc_now,
        password: str = "",
    ) -> None:
        self._db = Connections(
            conninfo,
            lock_timeout=lock_timeout,
            connect_timeout=connect_timeout,
            pool_size=pool_size,
            password=password,
        )
        self.where = self._db.where
        self._clock = clock
        with self._db.connect() as db:
            try:
                self.schema_change = schema.upgrade(db, self.where, self.MIGRATIONS)
            except psycopg.Error as exc:
                raise self._db.unusable(exc) from exc

    def close(self) -> None:
        """Close this process's connections."""
        self._db.close()

    def _sql(self, query: str) -> str:
        return _pyformat(query)

    def _reading(self) -> AbstractContextManager[psycopg.Connection]:
        return self._db.transaction()

    @contextmanager
    def _writing(self, prefix: str) -> Iterator[tuple[psycopg.Connection, int]]:
        with self._db.transaction() as tx:
            row = tx.execute(_LOCK_SEQUENCE, (prefix,)).fetchone()
            yield tx, int(row[0]) if row else 1

    def import_rows(self, rows: Mapping[str, Sequence[tuple[Any, ...]]]) -> None:
        """Fill this empty store with ``rows`` (as ``export_rows`` gives them), all or nothing.

        Refuses with :class:`~rtutils_core.errors.ConfigError` if the database holds any tag
        data already: a copy never mixes two histories. Event ids are kept, and new events
        are numbered after them.
        """
        with self._db.transaction() as tx:
            # No instance may write while the copy runs; readers wait for its end too.
            tx.execute("LOCK TABLE sequences, tags, events IN EXCLUSIVE MODE")
            held = self._counts(tx)
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
