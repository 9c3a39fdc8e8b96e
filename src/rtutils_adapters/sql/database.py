"""One database of the stores, whichever it is: its engine, its transactions, its errors.

A subclass says how to connect, how a transaction starts and what a lock is in its
database; everything else (the stores' statements, the schema's revisions) is the same.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, exc as sa_exc

from rtutils_adapters.schema_versions import SchemaChange
from rtutils_adapters.sql.migrations import Migrations
from rtutils_core.errors import BackendUnavailable, RtutilsError

#: What a store makes of a change its schema refused (a conflict of the store's kind).
Refusal = Callable[[Exception], RtutilsError]


def _unavailable(exc: Exception) -> RtutilsError:
    return BackendUnavailable(f"the database refused a change: {exc}; nothing was changed")


class Database:
    """A database the stores share: one engine per process (a fresh one after ``fork()``,
    never the parent's), transactions whose failures are the core's errors.

    ``where`` names it in messages (never a password); ``wait`` is how many seconds a
    change waits for another writer before it fails as busy.
    """

    def __init__(self, where: str, wait: float) -> None:
        self.where = where
        self.wait = wait
        self.connect_wait = wait  # how long a change waits for a free connection
        self._guard = threading.Lock()
        self._engine: Engine | None = None
        self._pid = 0

    # -- what a database says of itself (see the subclasses) -----------------------------

    def _create_engine(self) -> Engine:
        raise NotImplementedError

    def _connect(self, engine: Engine, write: bool) -> Connection:
        """A connection whose next transaction is a change (``write``) or a snapshot read."""
        return engine.connect()

    def _started(self, conn: Connection, write: bool) -> None:
        """Called first in every transaction."""

    def _writer(self, write: bool) -> AbstractContextManager[object]:
        """Held around a transaction, before its connection is taken (nothing by default)."""
        return nullcontext()

    def lock(self, conn: Connection, name: str) -> None:
        """Hold ``name``'s lock until the transaction ends (no-op where one writer runs)."""

    def lock_tables(self, conn: Connection, tables: Sequence[str]) -> None:
        """Keep other writers (and readers, where they would see half) out of ``tables``
        until the transaction ends."""

    def continue_identity(self, conn: Connection, table: str, column: str) -> None:
        """Number new rows of ``table`` after the highest ``column`` (after a copy)."""

    def now(self, conn: Connection) -> datetime:
        """The database's time (UTC): the one clock all instances on it share."""
        return datetime.now(UTC)

    def is_busy(self, exc: sa_exc.DBAPIError) -> bool:
        """Whether ``exc`` means another writer held what this change needs too long."""
        return False

    def _lock_upgrades(self, conn: Connection) -> None:
        """Keep other instances out while the schema is checked and upgraded."""

    def legacy_version(self, conn: Connection, component: str) -> int:
        """The version the markers of builds before Alembic give ``component`` (0: none)."""
        raise NotImplementedError

    def record_version(self, conn: Connection, component: str, version: int) -> None:
        """Keep those markers equal to the schema, so that such a build refuses a newer one."""
        raise NotImplementedError

    # -- the same for all -----------------------------------------------------------------

    def engine(self) -> Engine:
        """This process's engine."""
        with self._guard:
            if self._engine is None or self._pid != os.getpid():
                # An engine inherited through fork() shares sockets and file locks with the
                # parent: leave it alone and open a fresh one for this process.
                self._engine = self._create_engine()
                self._pid = os.getpid()
            return self._engine

    def close(self) -> None:
        """Close this process's connections (a later use opens new ones)."""
        with self._guard:
            engine, self._engine = self._engine, None
            if engine is not None and self._pid == os.getpid():
                engine.dispose()

    def unusable(self, exc: BaseException) -> BackendUnavailable:
        """The error to raise for a failure of the database itself."""
        if isinstance(exc, sa_exc.DBAPIError) and self.is_busy(exc):
            return BackendUnavailable(
                f"{self.where} is busy: another writer held what this change needs for more"
                f" than {self.wait:g} s; nothing was changed, try again"
            )
        if isinstance(exc, sa_exc.TimeoutError):
            return BackendUnavailable(
                f"{self.where} cannot be used: no connection within {self.connect_wait:g} s"
            )
        cause = getattr(exc, "orig", None) or exc
        return BackendUnavailable(f"{self.where} cannot be used: {cause}".strip())

    def upgrade(self, migrations: Migrations) -> SchemaChange:
        """Bring ``migrations``' component up to date, in one transaction; refuses a schema
        newer than they know with :class:`~rtutils_core.errors.SchemaTooNew`."""
        with self.transaction() as conn:
            self._lock_upgrades(conn)
            return migrations.apply(conn, self)

    @contextmanager
    def transaction(
        self, *, write: bool = True, refused: Refusal = _unavailable
    ) -> Iterator[Connection]:
        """One transaction: a change (``write``) or a read of one snapshot. What the schema
        refuses becomes ``refused(error)``; other failures :class:`BackendUnavailable`."""
        try:
            with (
                self._writer(write),
                self._connect(self.engine(), write) as conn,
                conn.begin(),
            ):
                self._started(conn, write)
                yield conn
        except sa_exc.IntegrityError as exc:
            # The schema caught something the code should have: refuse, change nothing.
            raise refused(exc.orig or exc) from exc
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as exc:
            raise self.unusable(exc) from exc
