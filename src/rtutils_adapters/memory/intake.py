"""An in-memory intake store: idempotency keys, serial claims and name reservations in dicts.

Same rules as :class:`~rtutils_adapters.sqlite.intake.SqliteIntakeStore` (the contract suite
``tests/contract/test_intake_store.py`` holds both to them), one lock per operation.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from attrs import evolve

from rtutils_adapters.memory.keyed import kept
from rtutils_core.clock import utc_now
from rtutils_core.errors import InvalidInput
from rtutils_core.intake.ports import Submission


class MemoryIntakeStore:
    """Submissions by key, serial claims and names; safe to share between threads."""

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._by_key: dict[str, Submission] = {}
        self._by_serial: dict[str, str] = {}  # serial -> key
        self._names: dict[str, str] = {}  # folded name -> key

    def open(self, key: str, serial: str, fingerprint: str, *, lease: float) -> Submission:
        now = self._clock()
        until = now + timedelta(seconds=lease)
        with self._lock:
            mine = self._by_key.get(key)
            if mine is not None:
                if mine.is_created:
                    return mine
                if mine.busy_until is not None and mine.busy_until > now:
                    return evolve(mine, in_progress=True)
                mine = self._by_key[key] = evolve(mine, opened_at=now, busy_until=until)
                return mine
            holder = self._by_serial.get(serial)
            if holder is not None:
                return self._by_key[holder]
            sub = Submission(next(self._ids), key, serial, fingerprint, now, busy_until=until)
            self._by_key[key] = sub
            self._by_serial[serial] = key
            return sub

    def release(self, key: str) -> None:
        with self._lock:
            sub = self._by_key.get(key)
            if sub is not None and not sub.is_created:
                self._by_key[key] = evolve(sub, busy_until=None)

    def get(self, key: str) -> Submission | None:
        with self._lock:
            return self._by_key.get(key)

    def _sub(self, key: str) -> Submission:
        return kept(self._by_key, key, InvalidInput(f"no submission under the key {key!r}"))

    def claim_name(self, key: str, name: str) -> bool:
        folded = name.casefold()
        with self._lock:
            sub = self._sub(key)
            holder = self._names.get(folded)
            if holder is not None and holder != key:
                return False
            old = sub.internal_name.casefold()
            if old and old != folded and self._names.get(old) == key:
                del self._names[old]
            self._names[folded] = key
            self._by_key[key] = evolve(sub, internal_name=name)
            return True

    def release_name(self, key: str, name: str) -> None:
        folded = name.casefold()
        with self._lock:
            if self._names.get(folded) != key:
                return
            del self._names[folded]
            sub = self._by_key[key]
            if sub.internal_name.casefold() == folded:
                self._by_key[key] = evolve(sub, internal_name="")

    def mark_created(self, key: str, asset_id: int, tag: str, internal_name: str) -> Submission:
        with self._lock:
            sub = self._sub(key)
            if sub.is_created and sub.asset_id != asset_id:
                raise InvalidInput(f"the submission {key!r} became asset {sub.asset_id} already")
            sub = evolve(sub, state="created", asset_id=asset_id, tag=tag, busy_until=None)
            sub = evolve(sub, internal_name=internal_name)
            self._names.setdefault(internal_name.casefold(), key)
            self._by_key[key] = sub
            return sub

    def abandon(self, key: str) -> None:
        with self._lock:
            sub = self._by_key.get(key)
            if sub is None or sub.is_created:
                return
            del self._by_key[key]
            if self._by_serial.get(sub.serial) == key:
                del self._by_serial[sub.serial]
            for name in [n for n, k in self._names.items() if k == key]:
                del self._names[name]
