"""New devices and tags while RT cannot be reached: intake creates and tag issues.

Both go to RT as before. When RT does not answer (or answered that way a moment ago), what
needs no RT is done at once in this service's own stores and the rest is accepted into the
outbox (:class:`~rtutils_core.outbox.values.Accepted`, as a check-out is):

- an intake create: the device is checked as far as it can be without RT, its submission
  opened (claiming the serial), its internal name claimed and its tag reserved for the
  submission's stand-in id (:mod:`rtutils_core.intake.held`); the operation's ``asset_id``
  is that stand-in. The replay creates the asset under the same key: the intake service
  searches RT for the serial, the tag and the name before it creates, so a replay cut by
  a crash after the create adopts the asset instead of making a second one;
- a tag issue: the asset's number is reserved at once in the tag store (a retry for the
  same asset gets the same number); the replay writes it to RT as a live issue does.

An operation that no longer applies when replayed (the serial exists in RT now, another
asset carries the tag, the asset is gone) is set aside as *needs attention* by the replay.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from attrs import define, frozen

from rtutils_core.assets import Asset
from rtutils_core.errors import BackendUnreachable, IdempotencyKeyReused, InvalidInput
from rtutils_core.intake import CallerKey, DeviceIntake, Received
from rtutils_core.intake.held import HeldDevice, device_of, hold
from rtutils_core.intake.service import IntakeService
from rtutils_core.outbox.service import OutboxService
from rtutils_core.outbox.values import (
    CREATE,
    OPEN,
    TAG_ISSUE,
    Accepted,
    Operation,
    QueuedOperation,
    Target,
)
from rtutils_core.tags import TagFormat
from rtutils_core.tags.reports import TagIssue
from rtutils_core.tags.service import TagService

#: Most open operations looked through for a held device's tag.
MAX_OPEN = 100_000


@frozen
class AcceptedDevice:
    """A device received while RT cannot be reached: the operation that makes its asset,
    and the tag and internal name held for it meanwhile."""

    accepted: Accepted
    tag: str
    internal_name: str


def outbox_key(key: CallerKey) -> str:
    """The outbox's key of an intake submission: one caller's own, as intake keeps them."""
    digest = hashlib.sha256(key.stored.encode("utf-8")).hexdigest()[:40]
    return f"intake-{digest}"


@define
class DeviceDesk:
    """Intake creates and tag issues, to RT or into the outbox while it cannot be reached."""

    outbox: OutboxService
    intake: IntakeService
    tags: TagService

    # -- intake --------------------------------------------------------------------------

    def receive(
        self, device: DeviceIntake, key: CallerKey, *, actor: str, request_id: str
    ) -> Received | AcceptedDevice:
        """Create the asset for ``device`` in RT, or hold the device while RT cannot be
        reached (tag and name reserved at once, the asset made at replay)."""
        found = self.outbox.store.by_key(outbox_key(key))
        opened_as = None
        if found is not None:  # held before: the same request, answered as it stands
            request = self.intake.check_here(device).fingerprint()
            if found.payload.get("request") != request:
                raise IdempotencyKeyReused(
                    f"the idempotency key {key.key!r} was used for another request (outbox"
                    f" operation {found.id}); make a new key for each device"
                )
            if found.state != "done" or self.outbox.is_rt_away():
                return self._held_answer(found)
            opened_as = str(found.payload["fingerprint"])
        elif self.outbox.is_rt_away():
            return self._hold(device, key, actor, request_id)
        fitted = None  # the device as RT's catalog spells it, once RT told
        try:
            fitted = self.intake.check(device)
            received = self.intake.receive(
                fitted, key, actor=actor, request_id=request_id, opened_as=opened_as
            )
        except BackendUnreachable as error:
            self.outbox.rt_went_away(error)
            if found is not None:
                return self._held_answer(found)
            # RT went away mid-way: the submission opened with the device as fitted holds.
            return self._hold(device, key, actor, request_id, fitted)
        self.outbox.rt_answered()
        self.outbox.remember([received.asset])
        return received

    def _hold(
        self,
        device: DeviceIntake,
        key: CallerKey,
        actor: str,
        request_id: str,
        fitted: DeviceIntake | None = None,
    ) -> AcceptedDevice:
        held: HeldDevice = hold(
            self.intake, fitted or device, key, actor=actor, request_id=request_id
        )
        payload = {
            **held.as_payload(),
            "key": key.key,
            "caller": key.caller,
            "request": self.intake.check_here(device).fingerprint(),
        }
        operation = Operation(
            CREATE, held.stand_in, held.tag, outbox_key(key), actor, request_id, payload
        )
        accepted = self.outbox.accept(operation, {}, Target(held.stand_in, held.tag))
        return AcceptedDevice(accepted, held.tag, held.internal_name)

    def _held_answer(self, found: QueuedOperation) -> AcceptedDevice:
        accepted = self.outbox.answer(found, repeated=True)
        return AcceptedDevice(accepted, found.tag, str(found.payload.get("internal_name", "")))

    def held_asset(self, tag: str) -> Asset | None:
        """The asset a device received while RT is away becomes, as far as known here (for
        its label); None if no waiting intake create holds ``tag``."""
        for op in self.outbox.store.operations(states=OPEN, limit=MAX_OPEN):
            if op.kind == CREATE and op.tag == tag:
                device = device_of(dict(op.payload))
                fields = device.custom_fields(
                    self.intake.options.fields, str(op.payload["internal_name"])
                )
                return Asset(
                    op.asset_id,
                    tag,
                    device.catalog,
                    self.intake.options.status,
                    custom_fields=fields,
                )
        return None

    # -- tag issues ----------------------------------------------------------------------

    def issue_tag(
        self, asset_id: int, prefix: str | None, *, actor: str, request_id: str, key: str
    ) -> TagIssue | Accepted:
        """Issue ``asset_id`` its tag in RT, or reserve it at once and queue the write
        while RT cannot be reached (or an earlier write of the asset still waits)."""
        if asset_id < 1:
            raise InvalidInput(f"asset id must be a positive whole number, not {asset_id}")
        waiting = self.outbox.store.operations(states=OPEN, asset_id=asset_id)
        if not self.outbox.is_rt_away() and not waiting:
            try:
                issued = self.tags.issue_tag(asset_id, prefix, actor=actor, request_id=request_id)
            except BackendUnreachable as error:
                self.outbox.rt_went_away(error)
            else:
                self.outbox.rt_answered()
                return issued
        return self._hold_tag(asset_id, prefix, actor, request_id, key)

    def _hold_tag(
        self, asset_id: int, prefix: str | None, actor: str, request_id: str, key: str
    ) -> Accepted:
        fmt = self._prefix_without_rt(asset_id, prefix)
        target = self.outbox.offline.target(asset_id)
        probe = Operation(
            TAG_ISSUE, asset_id, target.tag, key, actor, request_id, {"prefix": fmt.prefix}
        )
        repeated = self.outbox.repeated(probe)
        if repeated is not None:
            return repeated
        for earlier in self.outbox.store.operations(states=OPEN, asset_id=asset_id):
            if earlier.kind == TAG_ISSUE and earlier.payload == probe.payload:
                return self.outbox.answer(earlier, repeated=True)  # issued once is enough
        held = self.tags.store.reserve(fmt, asset_id, actor=actor, request_id=request_id)
        operation = Operation(
            TAG_ISSUE, asset_id, held.tag, key, actor, request_id, {"prefix": fmt.prefix}
        )
        return self.outbox.accept(operation, {}, Target(asset_id, held.tag, target.known))

    def _prefix_without_rt(self, asset_id: int, prefix: str | None) -> TagFormat:
        """The tag format of an issue: the one named, else the catalog's as last seen, else
        the default when no catalog has a prefix of its own."""
        formats = self.tags.formats
        if prefix is not None:
            return formats.for_prefix(prefix)
        by_catalog = self.tags.prefix_by_catalog
        seen = self.outbox.known.seen(asset_id)
        if seen is None and by_catalog:
            raise InvalidInput(
                f"RT cannot be reached and this service has not seen asset {asset_id}, so its"
                " catalog (and prefix) is not known here: name the prefix"
            )
        catalog = seen.asset.catalog if seen else ""
        return formats.for_prefix(by_catalog.get(catalog))


# -- the replay of both kinds --------------------------------------------------------------


def apply_device_op(
    operation: QueuedOperation,
    keep: Callable[[Mapping[str, Any]], None],
    intake: IntakeService | None,
    tags: TagService | None,
) -> tuple[Mapping[str, Any], list[Any]]:
    """Replay an intake create or a tag issue; its result and the assets RT showed."""
    p = operation.payload
    if operation.kind == CREATE:
        if intake is None:
            raise InvalidInput("this service receives no devices (intake is not set up)")
        # The journal first: a replay cut after this may have made the asset, which the
        # intake service's search by serial, tag and name finds before it creates again.
        keep({**operation.steps, "create": True, "attempt": operation.attempts})
        received = intake.receive(
            device_of(dict(p)),
            CallerKey(str(p["caller"]), str(p["key"])),
            actor=operation.operator,
            request_id=operation.request_id,
            opened_as=str(p["fingerprint"]),
        )
        result = {
            "outcome": "already" if received.is_replay else "created",
            "asset_id": received.asset.id,
            "tag": received.tag,
            "internal_name": received.internal_name,
        }
        return result, [received.asset]
    if tags is None:
        raise InvalidInput("this service issues no tags (the tag service is not set up)")
    keep({**operation.steps, "issue": True, "attempt": operation.attempts})
    issued = tags.issue_tag(
        operation.asset_id,
        str(p["prefix"]),
        actor=operation.operator,
        request_id=operation.request_id,
    )
    return {"outcome": issued.status, "tag": str(issued.tag)}, []
