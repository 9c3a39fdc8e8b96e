"""Receiving a device while the backend cannot be reached: what can be done without it.

The device is checked as far as this service can (the fields it needs, the serial's rules,
the prefix; a Select field's choices are checked when the asset is made), its submission is
opened under its idempotency key (which claims the serial: one received here already is
refused at once), its internal name claimed and its tag reserved for the submission's
stand-in id, all in this service's own stores. The asset is created later by
:meth:`IntakeService.receive` under the same key, which reuses that tag and name and
searches the backend for the serial, the tag and the name before it creates anything.
"""

from __future__ import annotations

from typing import Any

import attrs
from attrs import frozen

from rtutils_core.errors import BackendUnreachable, IdempotencyKeyReused, SubmissionInProgress
from rtutils_core.intake.service import IntakeService, _Who
from rtutils_core.intake.values import AnyKey, DeviceIntake, key_parts


@frozen
class HeldDevice:
    """A device whose submission holds its serial, internal name and tag until the asset is
    made. ``fingerprint`` is the one its submission was opened with; ``asset_id`` is set
    when the submission had made its asset already."""

    device: DeviceIntake
    stand_in: int
    tag: str
    internal_name: str
    fingerprint: str
    asset_id: int | None = None

    def as_payload(self) -> dict[str, Any]:
        """The device as plain JSON data (an outbox operation's payload)."""
        return {
            "device": attrs.asdict(self.device),
            "fingerprint": self.fingerprint,
            "internal_name": self.internal_name,
        }


def device_of(payload: dict[str, Any]) -> DeviceIntake:
    """The device of :meth:`HeldDevice.as_payload`."""
    return DeviceIntake(**payload["device"])


def checked(service: IntakeService, device: DeviceIntake) -> DeviceIntake:
    """``device`` checked against its catalog when the backend's metadata answers (it may be
    cached), else as far as this service can without it."""
    try:
        return service.check(device)
    except BackendUnreachable:
        return service.check_here(device)


def hold(
    service: IntakeService, device: DeviceIntake, key: AnyKey, *, actor: str, request_id: str
) -> HeldDevice:
    """Open ``device``'s submission under ``key`` and reserve its internal name and tag,
    without the backend. Raises what :meth:`IntakeService.receive` would for a bad field,
    a serial received here already or a key used for another request."""
    device = checked(service, device)
    given, stored = key_parts(key)
    sub = service._open(stored, device, _Who(actor, request_id))
    if sub.fingerprint != device.fingerprint():
        raise IdempotencyKeyReused(
            f"the idempotency key {given!r} was used for another request (serial"
            f" {sub.serial!r}); make a new key for each device"
        )
    if sub.is_created:
        return HeldDevice(
            device, sub.stand_in, sub.tag, sub.internal_name, sub.fingerprint, sub.asset_id
        )
    if sub.in_progress:
        raise SubmissionInProgress(
            f"the submission under the key {given!r} is being processed right now; ask again"
            " in a moment for its outcome"
        )
    try:
        name = sub.internal_name or service._claim_name(sub, device, set())
        tag = device.tag
        if not tag:
            fmt = service.formats.for_prefix(device.prefix)
            tag = service.tags.reserve(fmt, sub.stand_in, actor=actor, request_id=request_id).tag
    finally:
        service.store.release(stored)
    return HeldDevice(device, sub.stand_in, tag, name, sub.fingerprint)
