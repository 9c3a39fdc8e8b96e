"""The outbox: the desk keeps working while RT cannot be reached.

The desk's writes (check-outs and check-ins) go to RT as before. When RT does not answer
(:class:`~rtutils_core.errors.BackendUnreachable`), or answered that way a moment ago, or
an earlier write of the same device still waits, the write is checked as far as this
service can without RT (:mod:`rtutils_core.outbox.offline`) and accepted into the durable
outbox instead: the desk gets the operation and its place in line. A worker replays the
outbox in order when RT answers again (:mod:`rtutils_core.outbox.replay`).
"""

from __future__ import annotations

import bisect
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, TypeVar

from attrs import define, evolve, field

from rtutils_core.assets import Asset, User
from rtutils_core.errors import (
    BackendUnreachable,
    HeldByAnother,
    IdempotencyKeyReused,
    RtutilsError,
)
from rtutils_core.loans import CheckIn, CheckOut, Condition, Journal
from rtutils_core.loans.service import LoanService
from rtutils_core.outbox.offline import OfflineDesk
from rtutils_core.outbox.ports import KnownAssets, OutboxStore
from rtutils_core.outbox.values import (
    OPEN,
    WAITING,
    Accepted,
    Depth,
    Operation,
    OutboxOptions,
    OutboxState,
    QueuedOperation,
    Settlement,
    Target,
    asked,
)

# Standard logging with ids only: the people at the desk are students.
log = logging.getLogger("rtutils.outbox")
T = TypeVar("T")
#: Seconds between two warnings of an old outbox.
WARN_EVERY = 60.0
#: Most waiting operations counted for the places of a listing.
MAX_LISTED = 100_000


@define
class OutboxService:
    """The desk's writes, to RT or into the outbox; the outbox's contents and settling."""

    store: OutboxStore
    known: KnownAssets
    loans: LoanService
    offline: OfflineDesk
    ping: Callable[[], None]
    options: OutboxOptions = OutboxOptions()
    clock: Callable[[], datetime] = partial(datetime.now, UTC)
    monotonic: Callable[[], float] = time.monotonic
    #: Until when (``monotonic``) writes go straight to the outbox; RT was unreachable.
    _away_until: float = field(default=0.0, init=False)
    #: This service's last contact with RT (``monotonic``) and whether RT answered.
    _contact: tuple[float, bool] | None = field(default=None, init=False)
    #: Until when (``monotonic``) an old outbox is not warned of again.
    _warned_until: float = field(default=0.0, init=False)
    #: How RT failed last (what a read answers that nothing known can serve).
    _failure: BackendUnreachable = field(
        factory=lambda: BackendUnreachable("RT cannot be reached"), init=False
    )

    # -- RT's state as this service met it -------------------------------------------------

    def is_rt_away(self) -> bool:
        """Whether RT was found unreachable in the last ``retry_live_after`` seconds."""
        return self.monotonic() < self._away_until

    def rt_went_away(self, error: BackendUnreachable) -> None:
        """Note that RT could not be reached: writes go to the outbox for a while."""
        if self._contact is None or self._contact[1]:
            log.warning("rt_unreachable", extra={"error_code": error.code})
        self._away_until = self.monotonic() + self.options.retry_live_after
        self._contact = (self.monotonic(), False)
        self._failure = error

    def rt_answered(self) -> None:
        """Note that RT answered."""
        if self._contact is not None and not self._contact[1]:
            log.info("rt_reachable_again")
        self._contact = (self.monotonic(), True)

    def rt_contact(self) -> tuple[str, float | None]:
        """RT as this service last met it, without asking: ``reachable``, ``unreachable``
        or ``unknown`` (not asked yet), and how many seconds ago."""
        if self._contact is None:
            return "unknown", None
        at, answered = self._contact
        return ("reachable" if answered else "unreachable"), self.monotonic() - at

    def rt_reachable(self) -> bool:
        """Whether RT answers, asked at most once per ``retry_live_after`` seconds."""
        if self.is_rt_away():
            return False
        contact = self._contact
        if contact is None or self.monotonic() - contact[0] >= self.options.retry_live_after:
            try:
                self.ping()
                self.rt_answered()
            except BackendUnreachable as error:
                self.rt_went_away(error)
            except RtutilsError:
                self.rt_answered()  # RT answered, if not as hoped: it is there
        return self._contact is not None and self._contact[1]

    def live_or_known(self, live: Callable[[], T], known: Callable[[], T | None]) -> T:
        """``live()`` (which asks RT) while RT answers; ``known()`` (this service's own
        records) while it cannot be reached, at once when it could not a moment ago. When
        ``known()`` has nothing (None), RT's failure is the answer."""
        failure = self._failure
        if not self.is_rt_away():
            try:
                answer = live()
            except BackendUnreachable as error:
                self.rt_went_away(error)
                failure = error
            else:
                self.rt_answered()
                return answer
        found = known()
        if found is None:
            raise failure
        return found

    def remember(self, assets: Iterable[Asset]) -> None:
        """Keep the assets as last seen in RT (what the desk goes on while RT is away)."""
        listed = [a for a in assets if a.id > 0]
        if listed:
            self.known.remember(listed, now=self.clock())

    # -- the desk's writes -----------------------------------------------------------------

    def check_out(
        self,
        target: Target,
        person: str | User,
        *,
        operator: str,
        request_id: str,
        key: str,
        due: date | None = None,
        force: bool = False,
    ) -> CheckOut | Accepted:
        """Check out to RT, or accept it into the outbox while RT cannot be reached."""
        name = person.name if isinstance(person, User) else person
        payload = {"person": name, "due": due.isoformat() if due else None, "force": force}
        operation = Operation(
            "check-out", target.asset_id, target.tag, key, operator, request_id, payload
        )

        def live(journal: Journal) -> CheckOut:
            done = self.loans.check_out(
                target.asset_id, person, operator=operator, request_id=request_id,
                due=due, force=force, journal=journal,
            )  # fmt: skip
            self.remember([done.asset])
            return done

        return self._send(operation, target, live, self._check_out_offline)

    def check_in(
        self,
        target: Target,
        *,
        operator: str,
        request_id: str,
        key: str,
        condition: Condition = "ok",
        damages: Iterable[str] = (),
        note: str = "",
        open_ticket: bool = True,
    ) -> CheckIn | Accepted:
        """Check in to RT, or accept it into the outbox while RT cannot be reached."""
        listed, note = self.loans.options.checked_report(condition, damages, note)
        payload: dict[str, Any] = {
            "condition": condition,
            "damages": list(listed),
            "note": note,
            "ticket": open_ticket,
        }
        operation = Operation(
            "check-in", target.asset_id, target.tag, key, operator, request_id, payload
        )

        def live(journal: Journal) -> CheckIn:
            done = self.loans.check_in(
                target.asset_id, operator=operator, request_id=request_id, condition=condition,
                damages=listed, note=note, open_ticket=open_ticket, journal=journal,
            )  # fmt: skip
            self.remember([done.asset, *done.others])
            return done

        return self._send(operation, target, live, self._check_in_offline)

    def _send(
        self,
        operation: Operation,
        target: Target,
        live: Callable[[Journal], T],
        offline: Callable[[Operation], Operation | Accepted],
    ) -> T | Accepted:
        repeated = self.repeated(operation)
        if repeated is not None:
            return repeated
        if self.is_rt_away() or self.store.operations(states=OPEN, asset_id=target.asset_id):
            checked = offline(operation)
            return checked if isinstance(checked, Accepted) else self.accept(checked, {}, target)
        journal = Journal(resumable=True)
        try:
            done = live(journal)
        except BackendUnreachable as error:
            self.rt_went_away(error)
            checked = operation if journal.steps.written_from is not None else offline(operation)
            if isinstance(checked, Accepted):
                return checked
            return self.accept(checked, journal.steps.as_dict(), target)
        self.rt_answered()
        return done

    def repeated(self, operation: Operation) -> Accepted | None:
        """The operation accepted under the same key before (a client's retry), if any."""
        found = self.store.by_key(operation.key)
        if found is None:
            return None
        if not found.same_request(operation):
            raise IdempotencyKeyReused(
                f"idempotency key {operation.key!r} was used for another operation (#{found.id})"
            )
        return self.answer(found, repeated=True)

    def _check_out_offline(self, operation: Operation) -> Operation | Accepted:
        person = str(operation.payload["person"])
        known = self.offline.holders(operation.asset_id)
        others = tuple(h for h in known.names or () if h != person)
        if others and not operation.payload.get("force"):
            raise HeldByAnother(
                f"asset {operation.asset_id} ({operation.tag}) is held by {', '.join(others)}"
                f" as last known ({known.source}); check it in first or force",
                others,
            )
        waiting = self._same_as_waiting(operation)
        if waiting is not None:
            return waiting
        # A forced check-out takes the device from whom the desk knew, not from whoever
        # RT has by the replay: the replay checks (HolderChanged otherwise).
        expect = list(known.names) if known.names is not None else None
        return evolve(operation, payload={**operation.payload, "expect_holders": expect})

    def _check_in_offline(self, operation: Operation) -> Operation | Accepted:
        known = self.offline.holders(operation.asset_id)
        waiting = self._same_as_waiting(operation)
        if waiting is not None:
            return waiting  # the same device scanned twice: once is enough
        expect = list(known.names) if known.names else None
        return evolve(operation, payload={**operation.payload, "expect_holders": expect})

    def _same_as_waiting(self, operation: Operation) -> Accepted | None:
        """The last open operation of the device if it is the same (a second scan)."""
        waiting = self.store.operations(states=OPEN, asset_id=operation.asset_id)
        if not waiting:
            return None
        last = waiting[-1]
        if (last.kind, asked(last.payload)) == (operation.kind, asked(operation.payload)):
            return self.answer(last, repeated=True)
        return None

    def accept(self, operation: Operation, steps: Mapping[str, Any], target: Target) -> Accepted:
        """Queue ``operation`` (``steps``: what a live attempt got done) and answer it."""
        stored, is_new = self.store.add(operation, now=self.clock(), steps=steps)
        if is_new:
            log.info(
                "outbox_accepted",
                extra={"operation_id": stored.id, "kind": stored.kind, "asset_id": stored.asset_id},
            )
        return self.answer(stored, repeated=not is_new, target=target)

    def answer(
        self, stored: QueuedOperation, *, repeated: bool, target: Target | None = None
    ) -> Accepted:
        """``stored`` with its place in line (``target``: the device as known here)."""
        known = target.known if target else self.known.seen(stored.asset_id)
        depth = self.store.depth()
        position = self.store.position(stored.id)
        return Accepted(stored, position, depth.waiting, repeated, known)

    # -- what is in the outbox -------------------------------------------------------------

    def depth(self) -> Depth:
        return self.store.depth()

    def listing(
        self, states: Sequence[OutboxState], limit: int = 100
    ) -> list[tuple[QueuedOperation, int]]:
        """Operations in ``states`` (accepted order), each with its place among those
        waiting (0: not waiting)."""
        found = self.store.operations(states=states, limit=limit)
        waiting = [o.id for o in self.store.operations(states=WAITING, limit=MAX_LISTED)]
        return [(o, bisect.bisect_right(waiting, o.id) if o.is_waiting else 0) for o in found]

    def operation(self, operation_id: int) -> tuple[QueuedOperation, int]:
        """One operation and its place among those waiting."""
        return self.store.get(operation_id), self.store.position(operation_id)

    def is_old(self, depth: Depth) -> bool:
        """Whether the oldest waiting operation waited longer than ``warn_after``; logs
        ``outbox_old`` when it did, at most once a minute (health is asked often)."""
        if depth.oldest_waiting is None:
            return False
        waited = (self.clock() - depth.oldest_waiting).total_seconds()
        if waited <= self.options.warn_after:
            return False
        if self.monotonic() >= self._warned_until:
            self._warned_until = self.monotonic() + WARN_EVERY
            log.warning(
                "outbox_old", extra={"waiting": depth.waiting, "oldest_seconds": round(waited)}
            )
        return True

    def settle(self, operation_id: int, action: Settlement, *, by: str) -> QueuedOperation:
        """Retry, force or drop an operation that needs attention (logged)."""
        settled = self.store.settle(operation_id, action, by=by, now=self.clock())
        log.info(
            "outbox_settled",
            extra={
                "operation_id": operation_id,
                "action": action,
                "by": by,
                "asset_id": settled.asset_id,
            },
        )
        return settled
