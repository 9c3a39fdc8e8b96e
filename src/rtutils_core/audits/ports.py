"""What an audit needs kept: the audits, their expected sets, their scans and their log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from rtutils_core.audits.values import (
    ActionDraft,
    ActionEntry,
    Audit,
    ExpectedAsset,
    ScanDraft,
    ScanEntry,
    ScanResult,
    Scope,
)


@runtime_checkable
class AuditStore(Protocol):
    """Durable audits, shared by every desk (and every instance on the same database).

    Every method is one transaction. A scan is kept the moment it is recorded; a second scan
    of the same key in an audit (the same device, or the same unknown text) is the first one
    again (``is_repeat``), however many desks send it at once. Every implementation passes
    ``tests/contract/audits/test_audit_store.py``.
    """

    def create(
        self, name: str, scope: Scope, expected: Sequence[ExpectedAsset], *, operator: str
    ) -> Audit:
        """A new open audit with its expected set."""

    def get(self, audit_id: int) -> Audit:
        """The audit, or :class:`~rtutils_core.errors.AuditNotFound`."""

    def list(self, limit: int = 100) -> Sequence[Audit]:
        """Audits, newest first."""

    def expected(self, audit_id: int) -> Sequence[ExpectedAsset]:
        """The expected set, by tag."""

    def record_scan(self, audit_id: int, scan: ScanDraft) -> ScanResult:
        """Keep ``scan`` unless its key was scanned before; an audit that is finished
        refuses scans (:class:`~rtutils_core.errors.AuditFinished`)."""

    def scans(self, audit_id: int) -> Sequence[ScanEntry]:
        """Every scan kept, in order."""

    def finish(self, audit_id: int, *, operator: str) -> Audit:
        """Close the audit (once: finishing a finished audit changes nothing)."""

    def log(self, audit_id: int, action: ActionDraft) -> ActionEntry:
        """Add an entry to the audit's log of changes written to RT."""

    def actions(self, audit_id: int) -> Sequence[ActionEntry]:
        """The audit's log, in order."""
