"""The outbox and the assets last seen, in memory: fakes for tests and the demo mode."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from attrs import evolve

from rtutils_core.assets import Asset
from rtutils_core.errors import IdempotencyKeyReused, OperationNotFound
from rtutils_core.outbox import (
    WAITING,
    Depth,
    LastKnown,
    Operation,
    OutboxState,
    QueuedOperation,
    ReplayEnd,
    Settlement,
)
from rtutils_core.outbox.rules import next_claim, settled


class MemoryOutbox:
    """An :class:`~rtutils_core.outbox.ports.OutboxStore` in a list, safe between threads."""

    def __init__(self) -> None:
        self._operations: list[QueuedOperation] = []
        self._lock = threading.Lock()

    def add(
        self, operation: Operation, *, now: datetime, steps: Mapping[str, Any] | None = None
    ) -> tuple[QueuedOperation, bool]:
        with self._lock:
            found = self._by_key(operation.key)
            if found is not None:
                if not found.same_request(operation):
                    raise IdempotencyKeyReused(f"idempotency key {operation.key!r} is taken")
                return found, False
            stored = QueuedOperation(
                operation.kind, operation.asset_id, operation.tag, operation.key,
                operation.operator, operation.request_id, operation.payload,
                id=len(self._operations) + 1, state="queued", accepted=now, updated=now,
                steps=steps or {},
            )  # fmt: skip
            self._operations.append(stored)
            return stored, True

    def _by_key(self, key: str) -> QueuedOperation | None:
        return next((o for o in self._operations if o.key == key), None)

    def by_key(self, key: str) -> QueuedOperation | None:
        with self._lock:
            return self._by_key(key)

    def get(self, operation_id: int) -> QueuedOperation:
        with self._lock:
            return self._get(operation_id)

    def _get(self, operation_id: int) -> QueuedOperation:
        if not 1 <= operation_id <= len(self._operations):
            raise OperationNotFound(f"there is no outbox operation {operation_id}")
        return self._operations[operation_id - 1]

    def _put(self, operation: QueuedOperation) -> None:
        self._operations[operation.id - 1] = operation

    def operations(
        self,
        *,
        states: Sequence[OutboxState] | None = None,
        asset_id: int | None = None,
        limit: int = 100,
    ) -> Sequence[QueuedOperation]:
        with self._lock:
            found = [
                o
                for o in self._operations
                if (states is None or o.state in states)
                and (asset_id is None or o.asset_id == asset_id)
            ]
        return found[:limit]

    def position(self, operation_id: int) -> int:
        with self._lock:
            if self._get(operation_id).state not in WAITING:
                return 0
            return sum(o.state in WAITING for o in self._operations[:operation_id])

    def depth(self) -> Depth:
        with self._lock:
            waiting = [o for o in self._operations if o.state in WAITING]
            attention = sum(o.state == "needs-attention" for o in self._operations)
        return Depth(len(waiting), attention, waiting[0].accepted if waiting else None)

    def claim(self, worker: str, *, now: datetime, lease_until: datetime) -> QueuedOperation | None:
        with self._lock:
            found = next_claim(self._operations, now)
            if found is None:
                return None
            claimed = evolve(
                found,
                state="replaying",
                worker=worker,
                lease_until=lease_until,
                attempts=found.attempts + 1,
                updated=now,
            )
            self._put(claimed)
            return claimed

    def _held(self, operation_id: int, worker: str) -> QueuedOperation | None:
        found = self._get(operation_id)
        return found if (found.state, found.worker) == ("replaying", worker) else None

    def keep_steps(
        self,
        operation_id: int,
        worker: str,
        steps: Mapping[str, Any],
        *,
        now: datetime,
        lease_until: datetime,
    ) -> bool:
        with self._lock:
            held = self._held(operation_id, worker)
            if held is None:
                return False
            self._put(evolve(held, steps=steps, lease_until=lease_until, updated=now))
            return True

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
        with self._lock:
            held = self._held(operation_id, worker)
            if held is None:
                return False
            self._put(
                evolve(
                    held,
                    state=state,
                    reason=reason,
                    result=result or {},
                    worker=None,
                    lease_until=None,
                    updated=now,
                )
            )
            return True

    def settle(
        self, operation_id: int, action: Settlement, *, by: str, now: datetime
    ) -> QueuedOperation:
        with self._lock:
            changed = settled(self._get(operation_id), action, by=by, now=now)
            self._put(changed)
            return changed


class MemoryKnownAssets:
    """A :class:`~rtutils_core.outbox.ports.KnownAssets` in a dict."""

    def __init__(self) -> None:
        self._assets: dict[int, LastKnown] = {}
        self._lock = threading.Lock()

    def remember(self, assets: Iterable[Asset], *, now: datetime) -> None:
        with self._lock:
            for asset in assets:
                self._assets[asset.id] = LastKnown(asset, now)

    def seen_by_tag(self, tag: str) -> LastKnown | None:
        with self._lock:
            found = [k for k in self._assets.values() if k.asset.name.strip() == tag]
        return max(found, key=lambda k: k.seen) if found else None

    def seen(self, asset_id: int) -> LastKnown | None:
        with self._lock:
            return self._assets.get(asset_id)
