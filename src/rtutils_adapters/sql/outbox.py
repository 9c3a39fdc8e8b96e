"""The outbox and the assets last seen, written once for SQLite and PostgreSQL.

A claim is one transaction: it selects the oldest operation that may be replayed now
(``FOR UPDATE SKIP LOCKED`` in PostgreSQL, so another instance's claim passes over a row
being claimed instead of waiting for it; in SQLite the one writer of ``BEGIN IMMEDIATE``),
then marks it ``replaying`` for its worker. A row's later writes name the worker, so a
worker whose lease ran out changes nothing. Which operation may go next, and what settling
does, are the core's rules (``rtutils_core.outbox.rules``); payloads, steps and results are
JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)

from rtutils_adapters.sql.migrations import Migrations
from rtutils_adapters.sql.store import SqlStore, table
from rtutils_core.assets import Asset
from rtutils_core.errors import IdempotencyKeyReused, OperationNotFound, RtutilsError
from rtutils_core.outbox import (
    OPEN,
    WAITING,
    Depth,
    LastKnown,
    Operation,
    OutboxState,
    QueuedOperation,
    ReplayEnd,
    Settlement,
)
from rtutils_core.outbox.rules import settled

COMPONENT = "outbox"
operations = table(
    "outbox_operations",
    "id key kind state asset_id tag operator request_id payload accepted updated reason steps"
    " result settled_by worker attempts forced lease_until",
    key="id",
    numbers="id asset_id",
    integers="attempts forced",
    times="accepted updated lease_until",
)
known_assets = table(
    "known_assets", "asset_id name asset seen", key="asset_id", numbers="asset_id", times="seen"
)
#: The tables of the outbox, in the order a copy fills them.
TABLES = (operations, known_assets)
_OPERATION = list(operations.columns)


class _KeyTaken(RtutilsError):
    """Another transaction stored an operation under the same key first."""


def _key_taken(exc: Exception) -> RtutilsError:
    return _KeyTaken(f"the idempotency key is taken: {exc}")


def _operation(row: Any) -> QueuedOperation:
    v = row._mapping
    return QueuedOperation(
        v["kind"], v["asset_id"], v["tag"], v["key"], v["operator"], v["request_id"],
        json.loads(v["payload"]),
        id=v["id"], state=v["state"], accepted=v["accepted"], updated=v["updated"],
        reason=v["reason"], attempts=v["attempts"], steps=json.loads(v["steps"]),
        result=json.loads(v["result"]), forced=bool(v["forced"]), settled_by=v["settled_by"],
        worker=v["worker"], lease_until=v["lease_until"],
    )  # fmt: skip


def _get(tx: Connection, operation_id: int) -> QueuedOperation:
    row = tx.execute(select(*_OPERATION).where(operations.c.id == operation_id)).first()
    if row is None:
        raise OperationNotFound(f"there is no outbox operation {operation_id}")
    return _operation(row)


def _by_key(tx: Connection, key: str) -> QueuedOperation | None:
    row = tx.execute(select(*_OPERATION).where(operations.c.key == key)).first()
    return _operation(row) if row is not None else None


def _asset_json(asset: Asset) -> str:
    return json.dumps(
        {
            "id": asset.id,
            "name": asset.name,
            "catalog": asset.catalog,
            "status": asset.status,
            "owner": asset.owner,
            "held_by": list(asset.held_by),
            "contacts": list(asset.contacts),
            "description": asset.description,
            "custom_fields": dict(asset.custom_fields),
            "version": asset.version,
        }
    )


def _last_known(row: Any) -> LastKnown:
    data = json.loads(row.asset)
    return LastKnown(Asset(**data), row.seen)


#: An operation that holds back later ones of its device.
_EARLIER_OPEN = operations.alias("earlier")


class SqlOutbox(SqlStore):
    """The :class:`~rtutils_core.outbox.ports.OutboxStore` and
    :class:`~rtutils_core.outbox.ports.KnownAssets` in a :class:`Database`."""

    COMPONENT = COMPONENT
    MIGRATIONS = Migrations(COMPONENT)

    # -- the outbox ---------------------------------------------------------------------

    def add(
        self, operation: Operation, *, now: datetime, steps: Mapping[str, Any] | None = None
    ) -> tuple[QueuedOperation, bool]:
        try:
            with self._db.transaction(refused=_key_taken) as tx:
                found = _by_key(tx, operation.key)
                if found is not None:
                    return self._repeat(found, operation), False
                new_id = tx.execute(
                    insert(operations)
                    .values(
                        key=operation.key,
                        kind=operation.kind,
                        state="queued",
                        asset_id=operation.asset_id,
                        tag=operation.tag,
                        operator=operation.operator,
                        request_id=operation.request_id,
                        payload=json.dumps(dict(operation.payload)),
                        accepted=now,
                        updated=now,
                        reason="",
                        steps=json.dumps(dict(steps or {})),
                        result="{}",
                        settled_by="",
                        attempts=0,
                        forced=0,
                    )  # fmt: skip
                    .returning(operations.c.id)
                ).scalar_one()
                return _get(tx, new_id), True
        except _KeyTaken:  # another instance stored the same key a moment ago
            found = self.by_key(operation.key)
            if found is None:
                raise
            return self._repeat(found, operation), False

    @staticmethod
    def _repeat(found: QueuedOperation, operation: Operation) -> QueuedOperation:
        if not found.same_request(operation):
            raise IdempotencyKeyReused(
                f"idempotency key {operation.key!r} was used for another operation (#{found.id})"
            )
        return found

    def by_key(self, key: str) -> QueuedOperation | None:
        with self._db.transaction(write=False) as tx:
            return _by_key(tx, key)

    def get(self, operation_id: int) -> QueuedOperation:
        with self._db.transaction(write=False) as tx:
            return _get(tx, operation_id)

    def operations(
        self,
        *,
        states: Sequence[OutboxState] | None = None,
        asset_id: int | None = None,
        limit: int = 100,
    ) -> Sequence[QueuedOperation]:
        sql = select(*_OPERATION).order_by(operations.c.id).limit(limit)
        if states is not None:
            sql = sql.where(operations.c.state.in_(list(states)))
        if asset_id is not None:
            sql = sql.where(operations.c.asset_id == asset_id)
        with self._db.transaction(write=False) as tx:
            return [_operation(row) for row in tx.execute(sql)]

    def position(self, operation_id: int) -> int:
        with self._db.transaction(write=False) as tx:
            if _get(tx, operation_id).state not in WAITING:
                return 0
            count = tx.scalar(
                select(func.count())
                .select_from(operations)
                .where(operations.c.state.in_(WAITING), operations.c.id <= operation_id)
            )
        return int(count or 0)

    def depth(self) -> Depth:
        waiting = operations.c.state.in_(WAITING)
        attention = operations.c.state == "needs-attention"
        with self._db.transaction(write=False) as tx:
            row = tx.execute(
                select(
                    func.count().filter(waiting),
                    func.count().filter(attention),
                    func.min(operations.c.accepted).filter(waiting),
                )
            ).one()
        return Depth(int(row[0]), int(row[1]), row[2])

    def claim(self, worker: str, *, now: datetime, lease_until: datetime) -> QueuedOperation | None:
        o, earlier = operations.c, _EARLIER_OPEN.c
        held_back = exists().where(
            earlier.asset_id == o.asset_id, earlier.id < o.id, earlier.state.in_(OPEN)
        )
        claimable = or_(o.state == "queued", and_(o.state == "replaying", o.lease_until < now))
        sql = (
            select(o.id)
            .where(claimable, ~held_back)
            .order_by(o.id)
            .limit(1)
            .with_for_update(skip_locked=True, of=operations)
        )
        with self._db.transaction() as tx:
            found = tx.execute(sql).scalar()
            if found is None:
                return None
            tx.execute(
                update(operations)
                .where(o.id == found)
                .values(
                    state="replaying",
                    worker=worker,
                    lease_until=lease_until,
                    attempts=o.attempts + 1,
                    updated=now,
                )
            )
            return _get(tx, found)

    def _held(self, operation_id: int, worker: str) -> Any:
        return and_(
            operations.c.id == operation_id,
            operations.c.state == "replaying",
            operations.c.worker == worker,
        )

    def keep_steps(
        self,
        operation_id: int,
        worker: str,
        steps: Mapping[str, Any],
        *,
        now: datetime,
        lease_until: datetime,
    ) -> bool:
        with self._db.transaction() as tx:
            changed = tx.execute(
                update(operations)
                .where(self._held(operation_id, worker))
                .values(steps=json.dumps(dict(steps)), lease_until=lease_until, updated=now)
            ).rowcount
        return bool(changed)

    def finish(
        self,
        operation_id: int,
        worker: str,
        state: ReplayEnd,
        *,
        now: datetime,
        reason: str = "",
        result: Mapping[str, Any] | None = None,
    ) -> bool:
        with self._db.transaction() as tx:
            changed = tx.execute(
                update(operations)
                .where(self._held(operation_id, worker))
                .values(
                    state=state,
                    reason=reason,
                    result=json.dumps(dict(result or {})),
                    worker=None,
                    lease_until=None,
                    updated=now,
                )
            ).rowcount
        return bool(changed)

    def settle(
        self, operation_id: int, action: Settlement, *, by: str, now: datetime
    ) -> QueuedOperation:
        with self._db.transaction() as tx:
            # The row's lock first: a claim in another instance waits or passes it over.
            tx.execute(
                select(operations.c.id).where(operations.c.id == operation_id).with_for_update()
            )
            changed = settled(_get(tx, operation_id), action, by=by, now=now)
            tx.execute(
                update(operations)
                .where(operations.c.id == operation_id)
                .values(
                    state=changed.state,
                    forced=int(changed.forced),
                    settled_by=changed.settled_by,
                    reason=changed.reason,
                    updated=now,
                )
            )
            return _get(tx, operation_id)

    # -- the assets last seen -------------------------------------------------------------

    def remember(self, assets: Iterable[Asset], *, now: datetime) -> None:
        rows = {
            a.id: {"asset_id": a.id, "name": a.name.strip(), "asset": _asset_json(a), "seen": now}
            for a in assets
        }
        if not rows:
            return
        with self._db.transaction() as tx:
            self._db.lock(tx, "known_assets")
            tx.execute(delete(known_assets).where(known_assets.c.asset_id.in_(list(rows))))
            tx.execute(insert(known_assets), list(rows.values()))

    def seen_by_tag(self, tag: str) -> LastKnown | None:
        with self._db.transaction(write=False) as tx:
            row = tx.execute(
                select(known_assets)
                .where(known_assets.c.name == tag)
                .order_by(known_assets.c.seen.desc())
                .limit(1)
            ).first()
        return _last_known(row) if row is not None else None

    def seen(self, asset_id: int) -> LastKnown | None:
        with self._db.transaction(write=False) as tx:
            row = tx.execute(
                select(known_assets).where(known_assets.c.asset_id == asset_id)
            ).first()
        return _last_known(row) if row is not None else None
