"""Audits: start one over a scope (the expected set read from RT in bulk), take the desks'
scans, finish, write ``Last Audited`` where it changed (a job), and act on what was missing
or unexpected, each change logged."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime

import attrs

from rtutils_core.assets import MAX_QUERY_IDS, Asset, AssetChanges, AssetQuery, TicketDraft
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.audits import rules
from rtutils_core.audits.pending import AskEveryTime, PendingScans
from rtutils_core.audits.ports import AuditStore, RtState
from rtutils_core.audits.values import (
    MAX_COMMENT,
    MAX_NAME,
    ActionDraft,
    ActionEntry,
    ActionKind,
    ActionOutcome,
    Audit,
    AuditOptions,
    AuditResult,
    ExpectedAsset,
    ScanDraft,
    ScanResult,
    Scope,
    WriteReport,
)
from rtutils_core.errors import (
    AuditFinished,
    BackendAuthFailed,
    BackendUnavailable,
    BackendUnreachable,
    Conflict,
    InvalidInput,
    NotADevice,
    NotConfigured,
    RtutilsError,
    ScansPending,
)
from rtutils_core.scans.service import MAX_SCAN, ScanService

log = logging.getLogger("rtutils.audits")

#: Told how far a write is: ``(devices done, devices to check)``.
ProgressCallback = Callable[[int, int], None]


def _now() -> datetime:
    return datetime.now(UTC)


def _no_pace() -> None:
    return None


def _scanned(text: str) -> str:
    wanted = text.strip()
    if not wanted:
        raise InvalidInput("scan a device's tag or serial number")
    if len(wanted) > MAX_SCAN or any(unicodedata.category(c) == "Cc" for c in wanted):
        raise InvalidInput(f"a scan is at most {MAX_SCAN} printable characters, without controls")
    return wanted


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), MAX_QUERY_IDS):
        yield ids[start : start + MAX_QUERY_IDS]


class AuditService:
    """Audits of what is physically in a place, against what RT says is there."""

    def __init__(
        self,
        backend: AssetBackend,
        store: AuditStore,
        scans: ScanService,
        options: AuditOptions | None = None,
        *,
        clock: Callable[[], datetime] = _now,
        pace: Callable[[], None] = _no_pace,
        rt: RtState | None = None,
    ) -> None:
        self.backend = backend
        self.store = store
        self.scans = scans
        self.options = options or AuditOptions()
        self.clock = clock
        self.pace = pace
        #: Scans that need RT while it cannot be reached: kept pending, classified later.
        self.pending = PendingScans(store, rt or AskEveryTime(), self._routed)

    # -- starting, reading ----------------------------------------------------------------

    def start(self, name: str, scope: Scope, *, operator: str) -> Audit:
        """A new audit whose expected set is every device of ``scope`` RT has now, read in
        bulk: one search per page of 100 (a list scope: one per 100 tags)."""
        name = name.strip()
        if not name or len(name) > MAX_NAME:
            raise InvalidInput(f"an audit needs a name of 1 to {MAX_NAME} characters")
        try:
            found = self._scope_in_rt(scope)
        except BackendUnreachable as error:
            self.pending.rt.rt_went_away(error)
            raise BackendUnreachable(
                "RT cannot be reached, and an audit reads the devices it expects from RT when"
                f" it starts: start it when RT answers ({error.message})"
            ) from error
        self.pending.rt.rt_answered()
        expected = sorted(
            (rules.expected_of(a, self.options) for a in found.values()), key=lambda e: e.tag
        )
        audit = self.store.create(name, scope, expected, operator=operator)
        log.info("audit_started", extra={"audit_id": audit.id, "expected": len(expected)})
        return audit

    def _scope_in_rt(self, scope: Scope) -> dict[int, Asset]:
        found: dict[int, Asset] = {}
        for query in scope.queries(self.options):
            for asset in self.backend.iter_assets(query):
                found.setdefault(asset.id, asset)
        return found

    def get(self, audit_id: int) -> Audit:
        return self.store.get(audit_id)

    def recent(self, limit: int = 100) -> Sequence[Audit]:
        if not 1 <= limit <= 1000:
            raise InvalidInput(f"limit must be between 1 and 1000, not {limit}")
        return self.store.list(limit)

    def result(self, audit_id: int) -> AuditResult:
        """Present, missing, unexpected and unknown as the scans stand now, the pending
        scans classified first where RT answers (those it cannot stay pending)."""
        self.resolve(audit_id)
        return rules.summarise(self.store.expected(audit_id), self.store.scans(audit_id))

    # -- scanning -------------------------------------------------------------------------

    def scan(self, audit_id: int, text: str, *, desk: str = "", operator: str = "") -> ScanResult:
        """Classify one scan and keep it at once; the same device again counts once.

        A tag or serial of the expected set is known without RT; anything else goes
        through the desk's scan routing (a device elsewhere, a person, nothing known). While
        RT cannot be reached such a scan is kept *pending*, classified when RT answers.
        """
        wanted = _scanned(text)
        audit = self.store.get(audit_id)
        if not audit.is_open:
            raise AuditFinished(f"audit {audit_id} is finished: it takes no more scans")
        expected = self.store.expected(audit_id)
        item = rules.local_match(wanted, expected)
        if item is not None:
            draft = rules.present_scan(item, wanted)
        else:
            draft = self.pending.draft(wanted, audit, expected)
        kept = attrs.evolve(draft, desk=desk.strip()[:MAX_NAME], operator=operator)
        return self.store.record_scan(audit_id, kept)

    def _routed(self, text: str, audit: Audit, expected: Sequence[ExpectedAsset]) -> ScanDraft:
        """What RT says a scan outside the expected set is (RT is asked)."""
        found = self.scans.identify(text)
        if found.is_person:
            raise NotADevice(f"{text!r} names a person, not a device: scan the devices only")
        if found.asset is None:
            return rules.unknown_scan(text, found.reason)
        by_id = {e.asset_id: e for e in expected}
        return rules.scan_of_device(found.asset, text, by_id, audit.scope, self.options)

    def resolve(self, audit_id: int) -> int:
        """Classify the audit's pending scans, each once, while RT answers; how many are
        still pending."""
        return self.pending.resolve(audit_id)

    def pending_audits(self) -> Sequence[int]:
        """The audits with scans waiting for RT."""
        return self.store.pending_audits()

    # -- finishing ------------------------------------------------------------------------

    def finish(self, audit_id: int, *, operator: str) -> Audit:
        """Close the audit to scans (a second finish changes nothing); the write of
        ``Last Audited`` is a job (:func:`~rtutils_core.audits.jobs.start_audit_write`).
        Scans still pending (RT cannot be reached) are classified first, or the audit is
        not finished: its result would be wrong."""
        left = self.resolve(audit_id)
        if left:
            raise ScansPending(
                f"audit {audit_id} has {left} scan{'s' if left > 1 else ''} that RT has not"
                " classified yet (RT cannot be reached): finish it when RT answers; the scans"
                " are kept"
            )
        audit = self.store.finish(audit_id, operator=operator)
        log.info("audit_finished", extra={"audit_id": audit_id, **self.result(audit_id).counts()})
        return audit

    def audit_day(self, audit: Audit) -> date:
        """The date an audit writes: the day it finished, in the server's time zone."""
        if audit.finished is None:
            raise Conflict(f"audit {audit.id} is not finished yet: finish it first")
        return audit.finished.astimezone().date()

    def write_audited(
        self, audit_id: int, *, operator: str = "", progress: ProgressCallback | None = None
    ) -> WriteReport:
        """Write the audit's day to ``Last Audited`` of every present device where RT has
        another value: read in bulk (100 a search), each write paced and read back."""
        audit = self.store.get(audit_id)
        day = self.audit_day(audit)
        ids = [e.asset_id for e in self.result(audit_id).present]
        written: list[int] = []
        unchanged: list[int] = []
        failed: list[tuple[int, str]] = []
        if progress is not None:
            progress(0, len(ids))
        for chunk in _chunks(ids):
            for asset in self.backend.iter_assets(AssetQuery(ids=tuple(chunk))):
                if asset.cf(self.options.audited_field) == day.isoformat():
                    unchanged.append(asset.id)
                else:
                    error = self._write_day(audit_id, asset, day, operator)
                    (failed.append((asset.id, error)) if error else written.append(asset.id))
                if progress is not None:
                    progress(len(written) + len(unchanged) + len(failed), len(ids))
        log.info(
            "audit_written",
            extra={"audit_id": audit_id, "written": len(written), "unchanged": len(unchanged)},
        )
        return WriteReport(day, tuple(written), tuple(unchanged), tuple(failed))

    def _write_day(self, audit_id: int, asset: Asset, day: date, operator: str) -> str:
        changes = AssetChanges(custom_fields={self.options.audited_field: day.isoformat()})
        action = ActionDraft("audited", asset.id, asset.name.strip(), operator)
        return self._change(audit_id, action, changes).error

    def _change(self, audit_id: int, action: ActionDraft, changes: AssetChanges) -> ActionEntry:
        """Write ``changes`` (paced), open the ticket of a device marked lost (with
        ``options.queue``), and log it all."""
        self.pace()
        try:
            self.backend.update_asset(action.asset_id, changes)
        except (BackendAuthFailed, BackendUnavailable):
            raise  # RT is down or refuses us: stop; a run again does the rest
        except RtutilsError as refused:
            action = attrs.evolve(action, error=refused.message)
        if action.kind == "lost" and not action.error and self.options.queue:
            action = self._lost_ticket(audit_id, action)
        return self.store.log(audit_id, action)

    def _lost_ticket(self, audit_id: int, action: ActionDraft) -> ActionDraft:
        """A ticket that refers to the device, with the comment: RT 5.0 has no comments on
        assets, so this is where RT shows why the device was marked lost."""
        audit = self.store.get(audit_id)
        draft = TicketDraft(
            queue=self.options.queue,
            subject=f"{action.tag} marked lost in the audit {audit.name!r}",
            asset_id=action.asset_id,
            content=(
                f"{action.tag} was expected in {audit.scope.describe()} and not found by the"
                f" audit {audit.name!r} (audit {audit_id}); marked lost by {action.operator}."
                f"\n\n{action.comment}"
            ),
        )
        try:
            return attrs.evolve(action, ticket_id=self.backend.create_ticket(draft))
        except (BackendAuthFailed, BackendUnavailable):
            raise
        except RtutilsError as refused:
            return attrs.evolve(action, ticket_error=refused.message)

    # -- acting on the result -------------------------------------------------------------

    def mark_lost(
        self, audit_id: int, asset_ids: Sequence[int], comment: str, *, operator: str
    ) -> list[ActionOutcome]:
        """Set missing devices to the lost status in RT, each with ``comment`` in the log."""
        comment = comment.strip()
        if not comment or len(comment) > MAX_COMMENT:
            raise InvalidInput(f"say why, in 1 to {MAX_COMMENT} characters")
        self._finished(audit_id)
        missing = {e.asset_id: e.tag for e in self.result(audit_id).missing}
        lost = AssetChanges(status=self.options.lost_status)
        return [
            self._act(audit_id, i, missing, lost, kind="lost", operator=operator, comment=comment)
            for i in _unique(asset_ids)
        ]

    def move_here(
        self, audit_id: int, asset_ids: Sequence[int], *, operator: str
    ) -> list[ActionOutcome]:
        """Give unexpected devices this audit's location (and its day as ``Last Audited``:
        they were found here)."""
        audit = self._finished(audit_id)
        if audit.scope.kind != "location":
            raise Conflict("only an audit of a location can move devices to it")
        unexpected = {
            e.asset_id: e.tag for e in self.result(audit_id).unexpected if e.asset_id is not None
        }
        fields = {
            self.options.location_field: audit.scope.value,
            self.options.audited_field: self.audit_day(audit).isoformat(),
        }
        changes = AssetChanges(custom_fields=fields)
        return [
            self._act(audit_id, i, unexpected, changes, kind="moved", operator=operator)
            for i in _unique(asset_ids)
        ]

    def _finished(self, audit_id: int) -> Audit:
        audit = self.store.get(audit_id)
        if audit.is_open:
            raise Conflict(f"audit {audit_id} is still open: finish it first")
        return audit

    def _act(
        self,
        audit_id: int,
        asset_id: int,
        allowed: dict[int, str],
        changes: AssetChanges,
        *,
        kind: ActionKind,
        operator: str,
        comment: str = "",
    ) -> ActionOutcome:
        if asset_id not in allowed:
            what = "missing" if kind == "lost" else "unexpected"
            return ActionOutcome(asset_id, "", False, f"asset {asset_id} is not {what} here")
        tag = allowed[asset_id]
        done = self._change(audit_id, ActionDraft(kind, asset_id, tag, operator, comment), changes)
        if done.error:
            return ActionOutcome(asset_id, tag, False, done.error)
        if done.ticket_error:
            return ActionOutcome(asset_id, tag, True, f"no ticket was opened: {done.ticket_error}")
        ticket = f"ticket #{done.ticket_id}" if done.ticket_id is not None else ""
        return ActionOutcome(asset_id, tag, True, ticket)

    # -- overdue --------------------------------------------------------------------------

    def overdue(self, catalog: str | None = None) -> list[Asset]:
        """Devices (of ``catalog``, or all) never audited or last audited longer ago than
        the overdue age, oldest first; retired ones left out. Read in bulk."""
        if catalog is not None:
            applied = self.backend.catalog_custom_fields(catalog)
            if self.options.audited_field not in applied:
                raise NotConfigured(
                    f"custom field {self.options.audited_field!r} is not applied to catalog"
                    f" {catalog!r}: no device there can have been audited"
                )
        today = self.clock().astimezone().date()
        query = AssetQuery(catalog=catalog) if catalog is not None else AssetQuery()
        found = [
            a
            for a in self.backend.iter_assets(query)
            if a.status not in self.options.retired_statuses
            and rules.is_overdue(a, today, self.options)
        ]
        return sorted(found, key=lambda a: (a.cf(self.options.audited_field), a.name))


def _unique(ids: Sequence[int]) -> list[int]:
    if not ids:
        raise InvalidInput("choose at least one device")
    return list(dict.fromkeys(ids))
