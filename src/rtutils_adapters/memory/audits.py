"""An in-memory audit store (for tests), held to the same contract as the SQL one."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from datetime import datetime

import attrs

from rtutils_adapters.memory.keyed import kept
from rtutils_core.audits.values import (
    ActionDraft,
    ActionEntry,
    Audit,
    ExpectedAsset,
    ScanDraft,
    ScanEntry,
    ScanResult,
    Scope,
    classified,
)
from rtutils_core.clock import utc_now
from rtutils_core.errors import AuditFinished, AuditNotFound


class MemoryAuditStore:
    """The :class:`~rtutils_core.audits.ports.AuditStore` in dicts; safe between threads."""

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._audits: dict[int, Audit] = {}
        self._expected: dict[int, tuple[ExpectedAsset, ...]] = {}
        self._scans: dict[int, dict[str, ScanEntry]] = {}
        self._actions: dict[int, list[ActionEntry]] = {}
        self._ids = itertools.count(1)
        self._scan_ids = itertools.count(1)
        self._action_ids = itertools.count(1)

    def create(
        self, name: str, scope: Scope, expected: Sequence[ExpectedAsset], *, operator: str
    ) -> Audit:
        with self._lock:
            audit = Audit(
                next(self._ids), name, scope, "open", self._clock(), operator, len(expected)
            )
            self._audits[audit.id] = audit
            self._expected[audit.id] = tuple(sorted(expected, key=lambda e: e.tag))
            self._scans[audit.id] = {}
            self._actions[audit.id] = []
            return audit

    def get(self, audit_id: int) -> Audit:
        with self._lock:
            return self._get(audit_id)

    def _get(self, audit_id: int) -> Audit:
        return kept(self._audits, audit_id, AuditNotFound(f"there is no audit {audit_id}"))

    def list(self, limit: int = 100) -> Sequence[Audit]:
        with self._lock:
            return sorted(self._audits.values(), key=lambda a: -a.id)[:limit]

    def expected(self, audit_id: int) -> Sequence[ExpectedAsset]:
        with self._lock:
            self._get(audit_id)
            return self._expected[audit_id]

    def record_scan(self, audit_id: int, scan: ScanDraft) -> ScanResult:
        with self._lock:
            if not self._get(audit_id).is_open:
                raise AuditFinished(f"audit {audit_id} is finished: it takes no more scans")
            kept = self._scans[audit_id]
            if scan.key in kept:
                return ScanResult(kept[scan.key], is_repeat=True)
            entry = ScanEntry(
                id=next(self._scan_ids), audit_id=audit_id, at=self._clock(), **attrs.asdict(scan)
            )
            kept[scan.key] = entry
            return ScanResult(entry)

    def scans(self, audit_id: int) -> Sequence[ScanEntry]:
        with self._lock:
            self._get(audit_id)
            return sorted(self._scans[audit_id].values(), key=lambda e: e.id)

    def classify(self, audit_id: int, scan_id: int, scan: ScanDraft) -> ScanResult | None:
        with self._lock:
            self._get(audit_id)
            kept = self._scans[audit_id]
            mine = next((e for e in kept.values() if e.id == scan_id), None)
            other = kept.get(scan.key)
            if mine is None:
                return None if other is None else ScanResult(other, is_repeat=True)
            if mine.outcome != "pending":
                return ScanResult(mine)
            del kept[mine.key]
            if other is not None and other.id != scan_id:
                return ScanResult(other, is_repeat=True)
            entry = attrs.evolve(mine, **classified(scan))
            kept[entry.key] = entry
            return ScanResult(entry)

    def pending_audits(self) -> Sequence[int]:
        with self._lock:
            return sorted(
                audit_id
                for audit_id, kept in self._scans.items()
                if any(e.outcome == "pending" for e in kept.values())
            )

    def finish(self, audit_id: int, *, operator: str) -> Audit:
        with self._lock:
            audit = self._get(audit_id)
            if audit.is_open:
                audit = attrs.evolve(
                    audit, state="finished", finished=self._clock(), finished_by=operator
                )
                self._audits[audit_id] = audit
            return audit

    def log(self, audit_id: int, action: ActionDraft) -> ActionEntry:
        with self._lock:
            self._get(audit_id)
            entry = ActionEntry(
                id=next(self._action_ids),
                audit_id=audit_id,
                at=self._clock(),
                **attrs.asdict(action),
            )
            self._actions[audit_id].append(entry)
            return entry

    def actions(self, audit_id: int) -> Sequence[ActionEntry]:
        with self._lock:
            self._get(audit_id)
            return list(self._actions[audit_id])
