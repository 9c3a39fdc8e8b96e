"""The audit store, written once for SQLite and PostgreSQL: audits, the expected set each
started with, the desks' scans and the log of changes written to RT.

A scan is committed as it comes. The database keeps one scan per device (or unknown text)
and audit: UNIQUE (audit_id, key). A scan first takes the lock of its key (PostgreSQL: an
advisory lock; SQLite: its one writer), so two desks scanning the same device at once
record it once; the second is told it repeats the first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.sql.expression import delete

from rtutils_adapters.sql.database import Database
from rtutils_adapters.sql.migrations import Migrations
from rtutils_adapters.sql.store import SqlStore, table
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
from rtutils_core.errors import AuditFinished, AuditNotFound, BackendUnavailable, RtutilsError

COMPONENT = "audits"
audits = table(
    "audits",
    "id name scope_kind scope_value scope_tags state created created_by expected_count"
    " finished finished_by",
    key="id",
    numbers="id",
    integers="expected_count",
    times="created finished",
)
audit_expected = table(
    "audit_expected",
    "audit_id asset_id tag catalog model status location serial",
    key="audit_id asset_id",
    numbers="audit_id asset_id",
)
audit_scans = table(
    "audit_scans",
    "id audit_id at key text outcome asset_id tag model reason desk operator",
    key="id",
    numbers="id audit_id asset_id",
    times="at",
)
audit_actions = table(
    "audit_actions",
    "id audit_id at kind asset_id tag operator comment error ticket_id ticket_error",
    key="id",
    numbers="id audit_id asset_id ticket_id",
    times="at",
)
#: The tables of the audit store, in the order a copy fills them.
TABLES = (audits, audit_expected, audit_scans, audit_actions)
_EXPECTED = [c for c in audit_expected.columns if c.name != "audit_id"]


def _refused(exc: Exception) -> RtutilsError:
    return BackendUnavailable(f"the audit store refused a change: {exc}; nothing was changed")


def _audit(row: Any) -> Audit:
    v = row._mapping
    scope = Scope(v["scope_kind"], v["scope_value"], json.loads(v["scope_tags"]))
    return Audit(
        id=int(v["id"]),
        name=v["name"],
        scope=scope,
        state=v["state"],
        created=v["created"],
        created_by=v["created_by"],
        expected_count=int(v["expected_count"]),
        finished=v["finished"],
        finished_by=v["finished_by"],
    )


def _get(tx: Connection, audit_id: int) -> Audit:
    row = tx.execute(select(audits).where(audits.c.id == audit_id)).first()
    if row is None:
        raise AuditNotFound(f"there is no audit {audit_id}")
    return _audit(row)


def _scan(tx: Connection, *where: Any) -> ScanEntry | None:
    row = tx.execute(select(audit_scans).where(*where)).first()
    return None if row is None else ScanEntry(**row._mapping)


class SqlAuditStore(SqlStore):
    """The :class:`~rtutils_core.audits.ports.AuditStore` in a :class:`Database`."""

    COMPONENT = COMPONENT
    MIGRATIONS = Migrations(COMPONENT)

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        super().__init__(db)

    def create(
        self, name: str, scope: Scope, expected: Sequence[ExpectedAsset], *, operator: str
    ) -> Audit:
        with self._db.transaction(refused=_refused) as tx:
            audit_id = tx.execute(
                insert(audits)
                .values(
                    name=name,
                    scope_kind=scope.kind,
                    scope_value=scope.value,
                    scope_tags=json.dumps(list(scope.tags)),
                    state="open",
                    created=self._clock(),
                    created_by=operator,
                    expected_count=len(expected),
                    finished_by="",
                )
                .returning(audits.c.id)
            ).scalar_one()
            if expected:
                rows = [{"audit_id": audit_id, **attrs.asdict(e)} for e in expected]
                tx.execute(insert(audit_expected), rows)
            return _get(tx, int(audit_id))

    def get(self, audit_id: int) -> Audit:
        with self._db.transaction(write=False) as tx:
            return _get(tx, audit_id)

    def list(self, limit: int = 100) -> Sequence[Audit]:
        sql = select(audits).order_by(audits.c.id.desc()).limit(max(0, limit))
        with self._db.transaction(write=False) as tx:
            return [_audit(row) for row in tx.execute(sql)]

    def expected(self, audit_id: int) -> Sequence[ExpectedAsset]:
        sql = (
            select(*_EXPECTED)
            .where(audit_expected.c.audit_id == audit_id)
            .order_by(audit_expected.c.tag, audit_expected.c.asset_id)
        )
        with self._db.transaction(write=False) as tx:
            _get(tx, audit_id)
            return [ExpectedAsset(**row._mapping) for row in tx.execute(sql)]

    def record_scan(self, audit_id: int, scan: ScanDraft) -> ScanResult:
        same = (audit_scans.c.audit_id == audit_id, audit_scans.c.key == scan.key)
        with self._db.transaction(refused=_refused) as tx:
            self._db.lock(tx, f"audit:{audit_id}:{scan.key}")
            if _get(tx, audit_id).state != "open":
                raise AuditFinished(f"audit {audit_id} is finished: it takes no more scans")
            earlier = _scan(tx, *same)
            if earlier is not None:
                return ScanResult(earlier, is_repeat=True)
            values = {"audit_id": audit_id, "at": self._clock(), **attrs.asdict(scan)}
            tx.execute(insert(audit_scans).values(**values))
            entry = _scan(tx, *same)
            assert entry is not None  # written in this transaction
            return ScanResult(entry)

    def scans(self, audit_id: int) -> Sequence[ScanEntry]:
        sql = select(audit_scans).where(audit_scans.c.audit_id == audit_id)
        with self._db.transaction(write=False) as tx:
            _get(tx, audit_id)
            rows = tx.execute(sql.order_by(audit_scans.c.id))
            return [ScanEntry(**row._mapping) for row in rows]

    def classify(self, audit_id: int, scan_id: int, scan: ScanDraft) -> ScanResult | None:
        mine = (audit_scans.c.audit_id == audit_id, audit_scans.c.id == scan_id)
        same = (audit_scans.c.audit_id == audit_id, audit_scans.c.key == scan.key)
        with self._db.transaction(refused=_refused) as tx:
            self._db.lock(tx, f"audit:{audit_id}:{scan.key}")
            _get(tx, audit_id)
            entry, other = _scan(tx, *mine), _scan(tx, *same)
            if entry is None:
                return None if other is None else ScanResult(other, is_repeat=True)
            if entry.outcome != "pending":
                return ScanResult(entry)
            if other is not None and other.id != scan_id:
                tx.execute(delete(audit_scans).where(*mine, audit_scans.c.outcome == "pending"))
                return ScanResult(other, is_repeat=True)
            tx.execute(
                update(audit_scans)
                .where(*mine, audit_scans.c.outcome == "pending")
                .values(**classified(scan))
            )
            done = _scan(tx, *mine)
            assert done is not None  # read in this transaction
            return ScanResult(done)

    def pending_audits(self) -> Sequence[int]:
        sql = (
            select(audit_scans.c.audit_id)
            .where(audit_scans.c.outcome == "pending")
            .distinct()
            .order_by(audit_scans.c.audit_id)
        )
        with self._db.transaction(write=False) as tx:
            return [int(audit_id) for audit_id in tx.execute(sql).scalars()]

    def finish(self, audit_id: int, *, operator: str) -> Audit:
        with self._db.transaction(refused=_refused) as tx:
            self._db.lock(tx, f"audit:{audit_id}")
            if _get(tx, audit_id).state == "open":
                tx.execute(
                    update(audits)
                    .where(audits.c.id == audit_id)
                    .values(state="finished", finished=self._clock(), finished_by=operator)
                )
            return _get(tx, audit_id)

    def log(self, audit_id: int, action: ActionDraft) -> ActionEntry:
        with self._db.transaction(refused=_refused) as tx:
            _get(tx, audit_id)
            values = {"audit_id": audit_id, "at": self._clock(), **attrs.asdict(action)}
            added = tx.execute(
                insert(audit_actions).values(**values).returning(audit_actions.c.id)
            ).scalar_one()
            row = tx.execute(select(audit_actions).where(audit_actions.c.id == added)).one()
            return ActionEntry(**row._mapping)

    def actions(self, audit_id: int) -> Sequence[ActionEntry]:
        sql = select(audit_actions).where(audit_actions.c.audit_id == audit_id)
        with self._db.transaction(write=False) as tx:
            _get(tx, audit_id)
            return [ActionEntry(**row._mapping) for row in tx.execute(sql.order_by("id"))]
