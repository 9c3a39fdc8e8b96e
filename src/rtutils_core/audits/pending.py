"""Scans while RT cannot be reached: a scan the audit cannot classify without RT is kept
*pending* at once (the desk goes on at full speed) and classified when RT answers, each once.

What RT's state is comes from the outbox (:class:`~rtutils_core.audits.ports.RtState`): while
RT was found unreachable a moment ago, scans do not wait for RT to refuse them again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from attrs import define

from rtutils_core.audits import rules
from rtutils_core.audits.ports import AuditStore, RtState
from rtutils_core.audits.values import Audit, ExpectedAsset, ScanDraft, ScanEntry
from rtutils_core.errors import (
    BackendUnreachable,
    Conflict,
    InvalidInput,
    NotFound,
    RtutilsError,
)

log = logging.getLogger("rtutils.audits")

#: What RT says a scan outside an audit's expected set is (asks RT).
Route = Callable[[str, Audit, Sequence[ExpectedAsset]], ScanDraft]


class AskEveryTime:
    """RT's state when nothing keeps it: RT is asked every time."""

    def is_rt_away(self) -> bool:
        return False

    def rt_went_away(self, error: BackendUnreachable) -> None:
        return None

    def rt_answered(self) -> None:
        return None


@define
class PendingScans:
    """Keeps scans pending while RT cannot be reached and classifies them when it answers."""

    store: AuditStore
    rt: RtState
    route: Route

    def draft(self, text: str, audit: Audit, expected: Sequence[ExpectedAsset]) -> ScanDraft:
        """The scan classified by RT, or pending when RT cannot be reached (or earlier scans
        of the audit still wait for it)."""
        if self.resolve(audit.id) or self.rt.is_rt_away():
            return rules.pending_scan(text)
        try:
            draft = self.route(text, audit, expected)
        except BackendUnreachable as error:
            self.rt.rt_went_away(error)
            log.warning("audit_scan_pending", extra={"audit_id": audit.id})
            return rules.pending_scan(text)
        self.rt.rt_answered()
        return draft

    def resolve(self, audit_id: int) -> int:
        """Classify the audit's pending scans, each once, while RT answers; how many are
        still pending (RT could not be reached, or refused the service: later)."""
        waiting = [s for s in self.store.scans(audit_id) if s.outcome == "pending"]
        if not waiting or self.rt.is_rt_away():
            return len(waiting)
        audit, expected = self.store.get(audit_id), self.store.expected(audit_id)
        for done, entry in enumerate(waiting):
            try:
                draft = self._classified(entry, audit, expected)
            except BackendUnreachable as error:
                self.rt.rt_went_away(error)
                return len(waiting) - done
            except RtutilsError as error:  # RT refused the token, or failed: try later
                log.warning(
                    "audit_scans_unresolved", extra={"audit_id": audit_id, "error_code": error.code}
                )
                return len(waiting) - done
            self.rt.rt_answered()
            self.store.classify(audit_id, entry.id, draft)
        log.info("audit_scans_classified", extra={"audit_id": audit_id, "scans": len(waiting)})
        return 0

    def _classified(
        self, entry: ScanEntry, audit: Audit, expected: Sequence[ExpectedAsset]
    ) -> ScanDraft:
        try:
            return self.route(entry.text, audit, expected)
        except (InvalidInput, NotFound, Conflict) as error:
            # Refused for good (a person's card, a serial two devices share): live, the desk
            # would have said so; kept, it is nothing this audit counts. Only RT away or
            # failing leaves a scan pending, so one such scan never holds up the rest.
            return rules.unknown_scan(entry.text, error.message)
