"""The intake store, written once for SQLite and PostgreSQL: keys, serial claims, names.

The database refuses what must never happen: a key, a serial and an internal name (folded
to lower case) each belong to one submission (UNIQUE). Every change first takes the
intake's lock (in PostgreSQL an advisory lock, in SQLite the one writer of ``BEGIN
IMMEDIATE``), so changes run one after the other across processes and instances: two
receiving the same serial at once cannot both claim it. Intake is a desk's pace, so the one
lock costs nothing that matters. Submission ids are never reused, since a submission's tag
is held for the stand-in id made from it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from attrs import evolve
from sqlalchemy import Connection, delete, insert, select, update

from rtutils_adapters.sql.database import Database
from rtutils_adapters.sql.store import SqlStore, table
from rtutils_core.clock import utc_now
from rtutils_core.errors import BackendUnavailable, InvalidInput, RtutilsError
from rtutils_core.intake.ports import Submission

submissions = table(
    "submissions",
    "id key serial fingerprint opened_at state asset_id tag internal_name busy_until busy_by",
    key="id",
    numbers="id asset_id",
    times="opened_at busy_until",
)
names = table("names", "folded submission", key="folded", numbers="submission")
#: The tables of intake, in the order a copy fills them.
TABLES = (submissions, names)
_SUBMISSION = [c for c in submissions.columns if c.name != "busy_by"]


def _refused(exc: Exception) -> RtutilsError:
    # Every change runs under the lock, so this is a bug, not a race: nothing was changed.
    return BackendUnavailable(f"the intake database refused a change ({exc}); nothing was changed")


def _owner() -> str:
    """Who holds a lease: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _is_alive(owner: str) -> bool:
    """False only for a process of this host that is gone: a killed import's leases end
    with it, so a second run can go on at once instead of waiting for them to run out."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _find(tx: Connection, column: str, value: object) -> Submission | None:
    row = tx.execute(select(*_SUBMISSION).where(submissions.c[column] == value)).first()
    if row is None:
        return None
    values: dict[str, Any] = dict(row._mapping)
    values["state"] = "created" if values["state"] == "created" else "pending"
    return Submission(**values)


def _mine(tx: Connection, key: str) -> Submission:
    sub = _find(tx, "key", key)
    if sub is None:
        raise InvalidInput(f"no submission under the key {key!r}")
    return sub


def _is_leased(tx: Connection, sub: Submission, moment: datetime) -> bool:
    """Whether another caller's lease on ``sub`` still runs (and its process lives)."""
    if sub.busy_until is None or sub.busy_until <= moment:
        return False
    owner = tx.scalar(select(submissions.c.busy_by).where(submissions.c.id == sub.id))
    return _is_alive(str(owner or ""))


class SqlIntakeStore(SqlStore):
    """The :class:`~rtutils_core.intake.ports.IntakeStore` in a :class:`Database`."""

    COMPONENT = "intake"

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        super().__init__(db)

    @contextmanager
    def _changing(self) -> Iterator[Connection]:
        with self._db.transaction(refused=_refused) as tx:
            self._db.lock(tx, "intake")
            yield tx

    def open(self, key: str, serial: str, fingerprint: str, *, lease: float) -> Submission:
        now = self._clock().astimezone(UTC)
        until = now + timedelta(seconds=lease)
        with self._changing() as tx:
            mine = _find(tx, "key", key)
            if mine is not None:
                if mine.is_created:
                    return mine
                if _is_leased(tx, mine, now):
                    return evolve(mine, in_progress=True)
                tx.execute(
                    update(submissions)
                    .where(submissions.c.id == mine.id)
                    .values(opened_at=now, busy_until=until, busy_by=_owner())
                )
                return _mine(tx, key)
            holder = _find(tx, "serial", serial)
            if holder is not None:
                return holder
            tx.execute(
                insert(submissions).values(
                    key=key,
                    serial=serial,
                    fingerprint=fingerprint,
                    opened_at=now,
                    state="pending",
                    tag="",
                    internal_name="",
                    busy_until=until,
                    busy_by=_owner(),
                )
            )
            return _mine(tx, key)

    def release(self, key: str) -> None:
        with self._changing() as tx:
            tx.execute(
                update(submissions)
                .where(submissions.c.key == key, submissions.c.state == "pending")
                .values(busy_until=None)
            )

    def get(self, key: str) -> Submission | None:
        with self._db.transaction(write=False) as tx:
            return _find(tx, "key", key)

    def claim_name(self, key: str, name: str) -> bool:
        with self._changing() as tx:
            sub = _mine(tx, key)
            holder = tx.scalar(select(names.c.submission).where(names.c.folded == name.casefold()))
            if holder is not None and holder != sub.id:
                return False
            tx.execute(delete(names).where(names.c.submission == sub.id))
            tx.execute(insert(names).values(folded=name.casefold(), submission=sub.id))
            tx.execute(
                update(submissions).where(submissions.c.id == sub.id).values(internal_name=name)
            )
            return True

    def release_name(self, key: str, name: str) -> None:
        with self._changing() as tx:
            sub = _find(tx, "key", key)
            if sub is None:
                return
            tx.execute(
                delete(names).where(names.c.folded == name.casefold(), names.c.submission == sub.id)
            )
            if sub.internal_name.casefold() == name.casefold():
                tx.execute(
                    update(submissions).where(submissions.c.id == sub.id).values(internal_name="")
                )

    def mark_created(self, key: str, asset_id: int, tag: str, internal_name: str) -> Submission:
        with self._changing() as tx:
            sub = _mine(tx, key)
            if sub.is_created and sub.asset_id != asset_id:
                raise InvalidInput(f"the submission {key!r} became asset {sub.asset_id} already")
            tx.execute(
                update(submissions)
                .where(submissions.c.id == sub.id)
                .values(
                    state="created",
                    asset_id=asset_id,
                    tag=tag,
                    internal_name=internal_name,
                    busy_until=None,
                )
            )
            folded = internal_name.casefold()
            if tx.scalar(select(names.c.submission).where(names.c.folded == folded)) is None:
                tx.execute(insert(names).values(folded=folded, submission=sub.id))
            return _mine(tx, key)

    def abandon(self, key: str) -> None:
        with self._changing() as tx:
            sub = _find(tx, "key", key)
            if sub is None or sub.is_created:
                return
            tx.execute(delete(names).where(names.c.submission == sub.id))
            tx.execute(delete(submissions).where(submissions.c.id == sub.id))
