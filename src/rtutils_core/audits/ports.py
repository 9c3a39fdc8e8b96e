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
from rtutils_core.errors import BackendUnreachable


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

    def classify(self, audit_id: int, scan_id: int, scan: ScanDraft) -> ScanResult | None:
        """Give the *pending* scan ``scan_id`` what RT says it is (``scan``: its key,
        outcome, device and reason; the text, desk, operator and time stay), once.

        A scan no longer pending is answered as it is now (classified before). When
        ``scan.key`` is kept for another scan already (the device was scanned meanwhile by
        its tag), the pending scan is dropped and that one is the answer (``is_repeat``).
        None: there is no such scan (dropped before). Finished audits take it too.
        """

    def pending_audits(self) -> Sequence[int]:
        """The audits that have pending scans (open or not), by id."""

    def finish(self, audit_id: int, *, operator: str) -> Audit:
        """Close the audit (once: finishing a finished audit changes nothing)."""

    def log(self, audit_id: int, action: ActionDraft) -> ActionEntry:
        """Add an entry to the audit's log of changes written to RT."""

    def actions(self, audit_id: int) -> Sequence[ActionEntry]:
        """The audit's log, in order."""


class RtState(Protocol):
    """RT as this service last met it (the outbox keeps it: while RT was found
    unreachable a moment ago, scans are not held up asking it again)."""

    def is_rt_away(self) -> bool:
        """Whether RT was found unreachable a moment ago."""

    def rt_went_away(self, error: BackendUnreachable) -> None:
        """Note that RT could not be reached."""

    def rt_answered(self) -> None:
        """Note that RT answered."""
