"""Replaying the outbox when RT answers again: in accepted order, one operation of a device
at a time, each with the loan desk's own rules and the answer it would have had live.

A replay claims an operation (the store gives each to one worker only), tells its journal
each step before it is sent (so a replay cut by SIGKILL resumes without repeating what RT
has), and ends it ``done``, or ``needs-attention`` with the reason when it no longer
applies. RT unreachable again puts it back in line and ends the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from attrs import define

from rtutils_core.errors import (
    AlreadyCheckedIn,
    BackendAuthFailed,
    BackendUnreachable,
    RtutilsError,
    SubmissionInProgress,
)
from rtutils_core.intake.service import IntakeService
from rtutils_core.jobs import JobContext, JobKind, JsonValue
from rtutils_core.loans import Journal, LoanSteps
from rtutils_core.loans.service import LoanService
from rtutils_core.outbox.device_ops import apply_device_op
from rtutils_core.outbox.ports import KnownAssets, OutboxStore
from rtutils_core.outbox.values import LOAN_KINDS, Drain, OutboxOptions, QueuedOperation
from rtutils_core.tags.service import TagService

log = logging.getLogger("rtutils.outbox")

#: The job kind that drains the outbox (submitted by its schedule while operations wait).
KIND = "outbox-replay"


class ClaimLost(RtutilsError):
    """Another worker took the operation over (this one's lease ran out): stop, write nothing."""

    code = "outbox_claim_lost"


@define
class OutboxReplay:
    """Replays the outbox's operations against RT."""

    store: OutboxStore
    known: KnownAssets
    loans: LoanService
    options: OutboxOptions = OutboxOptions()
    clock: Callable[[], datetime] = partial(datetime.now, UTC)
    #: The job kind that sends a check-out's receipt (None: no receipts): a check-out made
    #: by the replay gets its receipt as a live one does.
    receipt_kind: str | None = None
    #: The services that replay intake creates and tag issues (None: none are held back).
    intake: IntakeService | None = None
    tags: TagService | None = None

    def drain(
        self,
        worker: str,
        *,
        stop: Callable[[], bool] = lambda: False,
        progress: Callable[[int], None] = lambda done: None,
        submit: Callable[[str, JsonValue], object] | None = None,
    ) -> Drain:
        """Replay operations until none may go now, RT is unreachable or ``stop()``.

        Logs ``outbox_drain_started`` once RT took the run's first operation and
        ``outbox_drain_finished`` when the run ends, so that a run that finds RT still
        away says nothing. ``submit`` queues a follow-up job (a check-out's receipt).
        """
        applied = set_aside = 0
        while not stop():
            operation = self.store.claim(worker, now=self.clock(), lease_until=self._lease_end())
            if operation is None:
                break
            outcome = self.replay(operation, worker, submit=submit)
            if outcome == "unreachable":
                if applied + set_aside:
                    log.warning("outbox_drain_paused", extra={"applied": applied, "reason": "rt"})
                return Drain(applied, set_aside, rt_unreachable=True)
            if applied + set_aside == 0 and outcome != "lost":
                waiting = self.store.depth().waiting
                log.info("outbox_drain_started", extra={"waiting": waiting + 1})
            applied += outcome == "done"
            set_aside += outcome == "needs-attention"
            progress(applied + set_aside)
        if applied + set_aside:
            depth = self.store.depth()
            log.info(
                "outbox_drain_finished",
                extra={
                    "applied": applied,
                    "set_aside": set_aside,
                    "waiting": depth.waiting,
                    "needs_attention": depth.needs_attention,
                },
            )
        return Drain(applied, set_aside)

    def job_kind(self) -> JobKind:
        """The job kind :data:`KIND`: one drain of the outbox; resumable, since a replay
        cut short is taken up again from its journal once its lease ends."""
        return JobKind(KIND, self._job, resumable=True, max_attempts=10)

    def _job(self, ctx: JobContext) -> JsonValue:
        worker = f"job {ctx.job.id}/{ctx.job.attempts}"
        drain = self.drain(worker, stop=ctx.is_cancelled, progress=ctx.progress, submit=ctx.submit)
        return {
            "applied": drain.applied,
            "set_aside": drain.set_aside,
            "rt_unreachable": drain.rt_unreachable,
        }

    def has_work(self) -> bool:
        """Whether operations wait (the replay schedule's ``when``)."""
        return self.store.depth().waiting > 0

    def replay(
        self,
        operation: QueuedOperation,
        worker: str,
        *,
        submit: Callable[[str, JsonValue], object] | None = None,
    ) -> str:
        """Apply one claimed operation; ``done``, ``needs-attention``, ``unreachable`` or
        ``lost`` (another worker has it now)."""

        def keep(steps: Mapping[str, Any]) -> None:
            kept = self.store.keep_steps(
                operation.id, worker, steps, now=self.clock(), lease_until=self._lease_end()
            )
            if not kept:
                raise ClaimLost(f"operation {operation.id} was taken over by another worker")

        journal = Journal(
            LoanSteps.of(operation.steps), lambda s: keep(s.as_dict()), resumable=True
        )
        extra = {
            "operation_id": operation.id,
            "kind": operation.kind,
            "asset_id": operation.asset_id,
        }
        try:
            if operation.kind in LOAN_KINDS:
                result = self._apply(operation, journal)
            else:
                result, seen = apply_device_op(operation, keep, self.intake, self.tags)
                self.known.remember(seen, now=self.clock())
        except ClaimLost:
            log.warning("outbox_claim_lost", extra=extra)
            return "lost"
        except (BackendUnreachable, BackendAuthFailed, SubmissionInProgress) as error:
            # RT away again (or a cut replay's submission still leased): back in line.
            self.store.finish(
                operation.id, worker, "queued", now=self.clock(), reason=error.message
            )
            return "unreachable"
        except AlreadyCheckedIn:
            result = {"outcome": "already"}  # what the desk would have heard live
        except RtutilsError as error:
            reason = f"{error.message} ({error.code})"
            self.store.finish(
                operation.id, worker, "needs-attention", now=self.clock(), reason=reason
            )
            log.warning("outbox_needs_attention", extra={**extra, "error_code": error.code})
            return "needs-attention"
        self.store.finish(operation.id, worker, "done", now=self.clock(), result=result)
        log.info("outbox_replayed", extra={**extra, "outcome": result.get("outcome")})
        if result.get("outcome") == "checked-out" and submit is not None:
            self._queue_receipt(result.get("loan_id"), submit)
        return "done"

    def _queue_receipt(self, loan_id: object, submit: Callable[[str, JsonValue], object]) -> None:
        """Queue the receipt of a check-out the replay made; a queue that fails costs the
        receipt, never the check-out (logged)."""
        if self.receipt_kind is None or not isinstance(loan_id, int):
            return
        try:
            submit(self.receipt_kind, {"loan_id": loan_id})
        except RtutilsError as error:
            log.warning("receipt_not_queued", extra={"loan_id": loan_id, "error_code": error.code})

    def _apply(self, operation: QueuedOperation, journal: Journal) -> Mapping[str, Any]:
        p = operation.payload
        expect = _expected(operation, journal)
        if operation.kind == "check-out":
            out = self.loans.check_out(
                operation.asset_id, str(p["person"]), operator=operation.operator,
                request_id=operation.request_id,
                due=date.fromisoformat(p["due"]) if p.get("due") else None,
                force=bool(p.get("force")) or operation.forced, expect_holders=expect,
                journal=journal,
            )  # fmt: skip
            self.known.remember([out.asset], now=self.clock())
            return {
                "outcome": "checked-out" if out.changed else "already",
                "loan_id": out.event.id if out.event else None,
            }
        done = self.loans.check_in(
            operation.asset_id, operator=operation.operator, request_id=operation.request_id,
            condition=p.get("condition", "ok"), damages=p.get("damages", ()),
            note=p.get("note", ""), open_ticket=bool(p.get("ticket", True)), with_others=False,
            expect_holders=expect, journal=journal,
        )  # fmt: skip
        self.known.remember([done.asset], now=self.clock())
        return {
            "outcome": "checked-in",
            "loan_id": done.event.id,
            "ticket_id": done.ticket_id,
            "ticket_error": done.ticket_error,
        }

    def _lease_end(self) -> datetime:
        return self.clock() + timedelta(seconds=self.options.lease)


def _expected(operation: QueuedOperation, journal: Journal) -> tuple[str, ...] | None:
    """Who must hold the device in RT for the replay to go ahead: who the desk knew held it
    when it accepted the operation, else who held it when an earlier attempt wrote (RT
    handed it to someone else meanwhile: needs attention). None when an admin forced it."""
    if operation.forced:
        return None
    known = operation.payload.get("expect_holders")
    if known is not None:
        return tuple(known)
    steps = journal.steps
    return tuple(steps.holders) if steps.written_from is not None else None
