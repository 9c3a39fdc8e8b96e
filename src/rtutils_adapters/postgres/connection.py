"""Connections to PostgreSQL: the pool, session settings, and errors in the core's terms."""

from __future__ import annotations

import os
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import psycopg_pool
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from rtutils_core.errors import BackendUnavailable, RtutilsError, TagConflict

DEFAULT_LOCK_TIMEOUT = 10.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_POOL_SIZE = 4
#: First key of every advisory lock a store takes with two keys (the second names what is
#: locked); the one-key space, used by the schema upgrade, never overlaps it.
LOCK_SPACE = 0x7274  # "rt"


def lock_key(name: str) -> int:
    """A stable 32-bit key for ``name`` (the same in every process and on every machine)."""
    return int.from_bytes(zlib.crc32(name.encode()).to_bytes(4, "big"), "big", signed=True)


def lock(tx: psycopg.Connection, name: str) -> None:
    """Hold the advisory lock of ``name`` until ``tx``'s transaction ends (waits at most
    ``lock_timeout``). Two names may share a key; that only makes them wait for each other."""
    tx.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_SPACE, lock_key(name)))


def _tag_conflict(exc: psycopg.Error) -> RtutilsError:
    return TagConflict(f"the tag database refused a change: {exc}")


def describe(conninfo: str) -> str:
    """``database NAME on HOST`` for messages: never the password, nor the whole URL."""
    try:
        parts = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "the PostgreSQL database (unreadable STORE_URL)"
    host = str(parts.get("host") or "the local socket")
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"the PostgreSQL database {parts.get('dbname') or '(default)'} on {host}{port}"


class Connections:
    """A psycopg pool of autocommit connections, one per process (a pool is not fork-safe).

    Every connection runs in UTC and waits at most ``lock_timeout`` seconds for a row lock;
    past that, or when no connection comes within ``connect_timeout``, the operation fails
    with :class:`BackendUnavailable`, and its transaction is rolled back.
    """

    def __init__(
        self,
        conninfo: str,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        pool_size: int = DEFAULT_POOL_SIZE,
        password: str = "",
    ) -> None:
        self.conninfo = conninfo
        # Kept apart from the URL, so that the URL can be shown and logged.
        self._login = {"password": password} if password else {}
        self.where = describe(conninfo)
        self.lock_timeout = lock_timeout
        self.connect_timeout = connect_timeout
        self.pool_size = pool_size
        self._lock = threading.Lock()
        self._pool: psycopg_pool.ConnectionPool | None = None
        self._pid = 0

    def _configure(self, db: psycopg.Connection) -> None:
        db.execute("SET TIME ZONE 'UTC'")
        db.execute(f"SET lock_timeout = {int(self.lock_timeout * 1000)}")

    def connect(self) -> psycopg.Connection:
        """One connection of its own, outside the pool (for schema upgrades)."""
        try:
            db = psycopg.connect(
                self.conninfo,
                autocommit=True,
                connect_timeout=max(1, int(self.connect_timeout)),
                **self._login,
            )
        except psycopg.Error as exc:
            raise self.unusable(exc) from None
        self._configure(db)
        return db

    def pool(self) -> psycopg_pool.ConnectionPool:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                # A pool inherited through fork() shares sockets with the parent: leave it
                # alone (never close it here) and open a fresh one for this process.
                self._pool = psycopg_pool.ConnectionPool(
                    self.conninfo,
                    kwargs={"autocommit": True, **self._login},
                    min_size=1,
                    max_size=self.pool_size,
                    configure=self._configure,
                    check=psycopg_pool.ConnectionPool.check_connection,
                    timeout=self.connect_timeout,
                    name="rtutils-store",
                    open=True,
                )
                self._pid = os.getpid()
            return self._pool

    def close(self) -> None:
        """Close this process's pool (a later use opens a new one)."""
        with self._lock:
            pool, self._pool = self._pool, None
            if pool is not None and self._pid == os.getpid():
                pool.close()

    def unusable(self, exc: BaseException) -> BackendUnavailable:
        if isinstance(exc, pg_errors.LockNotAvailable):
            return BackendUnavailable(
                f"{self.where} is busy: another writer held what this change needs for more"
                f" than {self.lock_timeout:g} s; nothing was changed, try again"
            )
        if isinstance(exc, psycopg_pool.PoolTimeout):
            return BackendUnavailable(
                f"{self.where} cannot be used: no connection within {self.connect_timeout:g} s"
            )
        return BackendUnavailable(f"{self.where} cannot be used: {exc}".strip())

    @contextmanager
    def transaction(
        self, refused: Callable[[psycopg.Error], RtutilsError] = _tag_conflict
    ) -> Iterator[psycopg.Connection]:
        """One transaction on a pooled connection; errors become the core's: what the
        schema refuses becomes ``refused(error)`` (a conflict of the store's kind)."""
        try:
            with self.pool().connection() as db, db.transaction():
                yield db
        except pg_errors.IntegrityError as exc:
            # The schema caught something the code should have: refuse, change nothing.
            raise refused(exc) from exc
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise self.unusable(exc) from exc
