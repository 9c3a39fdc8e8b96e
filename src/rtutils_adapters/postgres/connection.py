"""What is PostgreSQL's own: the engine on psycopg 3 (one per process, shared by every
store), session settings, advisory locks, snapshot reads, and errors in the core's terms."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from sqlalchemy import Connection, Engine, create_engine, exc as sa_exc, text

from rtutils_adapters.sql.database import Database
from rtutils_adapters.sql.prepared import Prepared

# Run in every transaction of a tag issue: compiled once (see rtutils_adapters.sql.prepared).
_SNAPSHOT = Prepared(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
_LOCK = Prepared(text("SELECT pg_advisory_xact_lock(:space, :key)"))

DEFAULT_LOCK_TIMEOUT = 10.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_POOL_SIZE = 4
#: First key of every advisory lock a store takes with two keys (the second names what is
#: locked); the one-key space, used by the schema upgrade, never overlaps it.
LOCK_SPACE = 0x7274  # "rt"
#: Key of the advisory lock held while a schema is checked and upgraded ("rtutils").
UPGRADE_LOCK = 0x7274_7574_696C73


def lock_key(name: str) -> int:
    """A stable 32-bit key for ``name`` (the same in every process and on every machine)."""
    return int.from_bytes(zlib.crc32(name.encode()).to_bytes(4, "big"), "big", signed=True)


def describe(conninfo: str) -> str:
    """``database NAME on HOST`` for messages: never the password, nor the whole URL."""
    try:
        parts = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "the PostgreSQL database (unreadable STORE_URL)"
    host = str(parts.get("host") or "the local socket")
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"the PostgreSQL database {parts.get('dbname') or '(default)'} on {host}{port}"


class Connections(Database):
    """PostgreSQL at a libpq URL or key/value string, on one pool per process.

    Every connection runs in UTC and waits at most ``lock_timeout`` seconds for a lock;
    past that, or when no connection comes within ``connect_timeout``, the operation fails
    with :class:`~rtutils_core.errors.BackendUnavailable`, and its transaction is rolled
    back. Connections the server ended are replaced before use. ``password`` is kept apart
    from the URL, so that the URL can be shown and logged.
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
        super().__init__(describe(conninfo), lock_timeout)
        self.conninfo = conninfo
        self._login = {"password": password} if password else {}
        self.lock_timeout = lock_timeout
        self.connect_timeout = connect_timeout
        self.pool_size = pool_size
        self.connect_wait = connect_timeout

    def _create_engine(self) -> Engine:
        try:
            params: dict[str, Any] = conninfo_to_dict(self.conninfo)
        except psycopg.ProgrammingError as exc:
            raise self.unusable(exc) from None
        settings = f"-c TimeZone=UTC -c lock_timeout={int(self.lock_timeout * 1000)}"
        params["options"] = f"{params.get('options', '')} {settings}".strip()
        params["connect_timeout"] = max(1, int(self.connect_timeout))
        return create_engine(
            "postgresql+psycopg://",
            connect_args={**params, **self._login},
            pool_size=self.pool_size,
            max_overflow=0,
            pool_timeout=self.connect_timeout,
            pool_pre_ping=True,
        )

    def _started(self, conn: Connection, write: bool) -> None:
        if not write:  # one snapshot: the reads of a transaction agree with each other
            _SNAPSHOT.run(conn)

    def lock(self, conn: Connection, name: str) -> None:
        """Hold the advisory lock of ``name`` until the transaction ends (waits at most
        ``lock_timeout``). Two names may share a key; that only makes them wait for each
        other."""
        _LOCK.run(conn, {"space": LOCK_SPACE, "key": lock_key(name)})

    def lock_tables(self, conn: Connection, tables: Sequence[str]) -> None:
        # Only the stores' fixed table names are pasted in.
        conn.execute(text(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE"))

    def continue_identity(self, conn: Connection, table: str, column: str) -> None:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"  # noqa: S608
                f" COALESCE(max({column}), 1), max({column}) IS NOT NULL) FROM {table}"
            )
        )

    def now(self, conn: Connection) -> datetime:
        moment: datetime = conn.execute(text("SELECT clock_timestamp()")).scalar_one()
        return moment.astimezone(UTC)

    def is_busy(self, exc: sa_exc.DBAPIError) -> bool:
        return isinstance(exc.orig, pg_errors.LockNotAvailable)

    # -- the schema -----------------------------------------------------------------------

    def _lock_upgrades(self, conn: Connection) -> None:
        # Instances starting together on a new database do not race to create its tables.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})

    def legacy_version(self, conn: Connection, component: str) -> int:
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS schema_version (component text PRIMARY KEY,"
                " version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
        )
        row = conn.execute(
            text("SELECT version FROM schema_version WHERE component = :c"), {"c": component}
        ).first()
        return int(row[0]) if row else 0

    def record_version(self, conn: Connection, component: str, version: int) -> None:
        conn.execute(
            text(
                "INSERT INTO schema_version (component, version) VALUES (:c, :v)"
                " ON CONFLICT (component) DO UPDATE SET version = excluded.version,"
                " applied_at = now() WHERE schema_version.version <> excluded.version"
            ),
            {"c": component, "v": version},
        )


class OnPostgres:
    """What a store in PostgreSQL adds to the store written once: ``where`` is a libpq URL
    (the store then has connections of its own, made with the options of
    :class:`Connections`) or the :class:`Connections` it shares with other stores."""

    _POOL_OPTIONS = ("lock_timeout", "connect_timeout", "pool_size", "password")

    def __init__(self, where: str | Connections, **options: Any) -> None:
        pool = {k: options.pop(k) for k in self._POOL_OPTIONS if k in options}
        database = where if isinstance(where, Connections) else Connections(where, **pool)
        super().__init__(database, **options)  # type: ignore[call-arg]
