"""Counts of failed credentials that every instance on one database shares: a storage of the
``limits`` library for its fixed-window strategy, written once for SQLite and PostgreSQL.

Each key (a limit and what it counts, e.g. a client address) is one row of
``throttle_counts``: the hits of its current window and when that window ends. A hit is one
atomic upsert (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, the same statement on both
databases): the first hit of a key, or the first after its window ended, starts a window of
``expiry`` seconds; later ones add to it. Two instances counting the same address at the
same moment therefore never lose a hit and never start two windows.

Windows are measured by the clock the store is given (the instance's ``time.time``, or a
test's): the instances keep their clocks in step (NTP), and a skew of a few seconds only
moves the end of a window by as much. Rows of ended windows are deleted by the hits
themselves, at most once a minute per process, in a transaction of their own that skips
rows another instance holds, so the clean-up never waits and never deadlocks.

``db copy`` copies none of this: the counts are about the last minute, and without
``STORE_URL`` they are kept in memory anyway.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime

from limits.storage import Storage
from sqlalchemy import Connection, case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from rtutils_adapters.sql.database import Database
from rtutils_adapters.sql.store import SqlStore, table
from rtutils_adapters.sql.types import UtcTime
from rtutils_core.errors import RtutilsError

#: How often (seconds of the store's clock) a process deletes the rows of ended windows.
PURGE_EVERY = 60.0
#: At most this many rows go in one clean-up.
PURGE_BATCH = 1000
#: Keys longer than this are kept as their SHA-256: an index entry has a size limit.
LONGEST_KEY = 200

throttle_counts = table(
    "throttle_counts", "key expires hits", key="key", numbers="hits", times="expires"
)
_t = throttle_counts.c


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _stored(key: str) -> str:
    """The key as its row keeps it."""
    if len(key) <= LONGEST_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _upsert(tx: Connection, key: str, now: float, expiry: float, amount: int) -> int:
    """Add ``amount`` to ``key``'s window (a new one if it has none or it ended); its hits."""
    dialect = postgresql if tx.dialect.name == "postgresql" else sqlite
    new = dialect.insert(throttle_counts).values(
        key=key, expires=_moment(now + expiry), hits=amount
    )
    ended = _t.expires <= literal(_moment(now), UtcTime())
    statement = new.on_conflict_do_update(
        index_elements=[_t.key],
        set_={
            "hits": case((ended, new.excluded.hits), else_=_t.hits + new.excluded.hits),
            "expires": case((ended, new.excluded.expires), else_=_t.expires),
        },
    ).returning(_t.hits)
    return int(tx.execute(statement).scalar_one())


class SqlThrottleCounts(SqlStore, Storage):
    """Fixed-window counts in a :class:`Database`, for ``limits``'
    :class:`~limits.strategies.FixedWindowRateLimiter`.

    A failure of the database raises :class:`limits.errors.StorageError` (wrapping the
    core's :class:`~rtutils_core.errors.BackendUnavailable`); ``clock`` gives the time in
    seconds since the epoch.
    """

    COMPONENT = "throttle"

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        SqlStore.__init__(self, db)
        Storage.__init__(self, wrap_exceptions=True)
        self._clock = clock
        self._purged = -math.inf

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return RtutilsError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Count ``amount`` more hits of ``key``; its hits in the current window."""
        now = self._clock()
        with self._db.transaction() as tx:
            hits = _upsert(tx, _stored(key), now, expiry, amount)
        self._purge(now)
        return hits

    def get(self, key: str) -> int:
        """The hits of ``key``'s current window (0 without one)."""
        with self._db.transaction(write=False) as tx:
            hits = tx.scalar(
                select(_t.hits).where(_t.key == _stored(key), _t.expires > _moment(self._clock()))
            )
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        """When ``key``'s current window ends (now, without one), in seconds since the epoch."""
        now = self._clock()
        with self._db.transaction(write=False) as tx:
            ends = tx.scalar(
                select(_t.expires).where(_t.key == _stored(key), _t.expires > _moment(now))
            )
        return ends.timestamp() if ends is not None else now

    def clear(self, key: str) -> None:
        """Forget ``key``'s window."""
        with self._db.transaction() as tx:
            tx.execute(delete(throttle_counts).where(_t.key == _stored(key)))

    def reset(self) -> int | None:
        """Forget every window; how many there were."""
        with self._db.transaction() as tx:
            return tx.execute(delete(throttle_counts)).rowcount

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with self._db.transaction(write=False) as tx:
                tx.execute(select(literal(1)))
        except RtutilsError:
            return False
        return True

    def _purge(self, now: float) -> None:
        """Delete rows of ended windows, at most every :data:`PURGE_EVERY` seconds; rows
        another transaction holds are skipped (and left for a later clean-up)."""
        if now - self._purged < PURGE_EVERY:
            return
        self._purged = now
        ended = (
            select(_t.key)
            .where(_t.expires <= _moment(now))
            .limit(PURGE_BATCH)
            .with_for_update(skip_locked=True)
        )
        try:
            with self._db.transaction() as tx:
                tx.execute(delete(throttle_counts).where(_t.key.in_(ended)))
        except RtutilsError:
            pass  # the hit is counted; the rows are left for the next clean-up
