"""Receiving new devices: what a desk submits for each device, and the rules it must meet."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from attrs import evolve, frozen

from rtutils_core.assets import Asset
from rtutils_core.assets.catalog_fields import CatalogField
from rtutils_core.errors import DuplicateSerial, InvalidField, InvalidInput, RtutilsError

#: The longest serial number accepted (no manufacturer's serial comes near it).
MAX_SERIAL_LENGTH = 64
#: The longest internal name accepted.
MAX_INTERNAL_NAME_LENGTH = 64
#: The longest idempotency key accepted.
MAX_KEY_LENGTH = 200


@frozen
class IntakeFields:
    """The names of the RT custom fields a new device's values go to."""

    serial: str = "Serial Number"
    manufacturer: str = "Manufacturer"
    model: str = "Model"
    type: str = "Type"
    funding_source: str = "Funding Source"
    internal_name: str = "Internal Name"

    def chosen(self) -> dict[str, str]:
        """Input name -> custom field, for the values picked from RT's choices."""
        return {
            "manufacturer": self.manufacturer,
            "model": self.model,
            "type": self.type,
            "funding_source": self.funding_source,
        }

    def all(self) -> tuple[str, ...]:
        return (self.serial, *self.chosen().values(), self.internal_name)


@frozen
class IntakeOptions:
    """How intake behaves; the shell builds this from its settings."""

    fields: IntakeFields = IntakeFields()
    #: A regular expression every serial must match in full (e.g. ``[A-Z0-9-]+``), or None.
    serial_pattern: str | None = None
    #: The status of a new asset.
    status: str = "new"
    #: Seconds one caller may work on a submission before another may take over: a retry
    #: under the same key waits that long for an attempt still running, and a submission
    #: that never finished blocks its serial for other keys that long (then RT is searched
    #: for what it left behind).
    stale_after: float = 120.0

    def __attrs_post_init__(self) -> None:
        if self.serial_pattern is not None:
            try:
                re.compile(self.serial_pattern)
            except re.error as error:
                raise InvalidInput(
                    f"the serial number pattern {self.serial_pattern!r} is not a valid regular"
                    f" expression: {error}"
                ) from None


@frozen
class DeviceIntake:
    """One device to receive: what the desk picked and scanned."""

    catalog: str
    serial: str
    manufacturer: str
    model: str
    type: str
    funding_source: str
    internal_name: str | None = None
    prefix: str | None = None
    #: A tag the device carries already (a CSV tag column); none means a new one.
    tag: str | None = None

    def fingerprint(self) -> str:
        """Stands for the whole request, to tell a retry from another request under one key."""
        values = [
            self.catalog,
            self.serial,
            self.manufacturer,
            self.model,
            self.type,
            self.funding_source,
            self.internal_name,
            self.prefix,
            self.tag,
        ]
        return hashlib.sha256(json.dumps(values).encode("utf-8")).hexdigest()

    def custom_fields(self, fields: IntakeFields, internal_name: str) -> dict[str, str]:
        """The custom-field values of the asset this device becomes."""
        return {
            fields.serial: self.serial,
            fields.manufacturer: self.manufacturer,
            fields.model: self.model,
            fields.type: self.type,
            fields.funding_source: self.funding_source,
            fields.internal_name: internal_name,
        }


@frozen
class Received:
    """What became of a submission: its asset as read back, its tag and internal name."""

    asset: Asset
    tag: str
    internal_name: str
    #: True when the key had been answered before and this is the same answer again.
    is_replay: bool = False


_REQUIRED = ("catalog", "manufacturer", "model", "type", "funding_source")


def _has_control(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text)


def check_serial(serial: str, pattern: str | None = None) -> str:
    """The serial as stored (blanks around it removed), or :class:`InvalidField` naming the rule."""
    cleaned = serial.strip()
    if not cleaned:
        raise InvalidField("serial", "the serial number is empty")
    if _has_control(cleaned):
        raise InvalidField("serial", f"the serial number {cleaned!r} holds control characters")
    if any(c.isspace() for c in cleaned):
        raise InvalidField("serial", f"the serial number {cleaned!r} holds spaces")
    if len(cleaned) > MAX_SERIAL_LENGTH:
        raise InvalidField(
            "serial",
            f"the serial number is {len(cleaned)} characters long; at most"
            f" {MAX_SERIAL_LENGTH} are allowed",
        )
    if cleaned[:3].casefold() == "cf.":
        raise InvalidField(
            "serial", f"the serial number {cleaned!r} starts with 'CF.', which RT cannot search for"
        )
    if pattern is not None and not re.fullmatch(pattern, cleaned):
        raise InvalidField(
            "serial",
            f"the serial number {cleaned!r} does not match the configured pattern {pattern!r}",
        )
    return cleaned


def check_internal_name(name: str) -> str:
    """A given internal name as stored, or :class:`InvalidField`."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidField("internal_name", "the internal name is empty")
    if _has_control(cleaned):
        raise InvalidField("internal_name", "the internal name holds control characters")
    if cleaned[:3].casefold() == "cf.":
        raise InvalidField(
            "internal_name", "the internal name starts with 'CF.', which RT cannot search for"
        )
    if len(cleaned) > MAX_INTERNAL_NAME_LENGTH:
        raise InvalidField(
            "internal_name",
            f"the internal name is {len(cleaned)} characters long; at most"
            f" {MAX_INTERNAL_NAME_LENGTH} are allowed",
        )
    return cleaned


def check_key(key: str) -> str:
    """An idempotency key as used, or :class:`InvalidInput`."""
    cleaned = key.strip()
    if not cleaned:
        raise InvalidInput("an idempotency key is needed (one per device submission)")
    if len(cleaned) > MAX_KEY_LENGTH or _has_control(cleaned):
        raise InvalidInput(f"an idempotency key is at most {MAX_KEY_LENGTH} printable characters")
    return cleaned


def _plain_caller(_: object, __: object, caller: str) -> None:
    if not caller or _has_control(caller):
        raise InvalidInput("the caller of an idempotency key is a name without control characters")


@frozen
class CallerKey:
    """An idempotency key that is one caller's own: the same key sent by two callers names two
    submissions, so nobody is answered with what was made for another."""

    caller: str = attrs.field(validator=_plain_caller)
    key: str = attrs.field(converter=check_key)

    @property
    def stored(self) -> str:
        """As the intake store keeps it: the caller, a control character (which no key
        holds) and the key; it never equals a key shared by every caller."""
        return f"{self.caller}\x1f{self.key}"


#: An idempotency key: shared by every caller (a string), or one caller's own.
AnyKey = str | CallerKey


def key_parts(key: AnyKey) -> tuple[str, str]:
    """``key`` as given (checked; for messages) and as the store keeps it."""
    if isinstance(key, CallerKey):
        return key.key, key.stored
    given = check_key(key)
    return given, given


def check_device(device: DeviceIntake, serial_pattern: str | None = None) -> DeviceIntake:
    """``device`` with its text cleaned, or :class:`InvalidField` naming the first bad field."""
    values: dict[str, Any] = {}
    for name in _REQUIRED:
        value = " ".join(str(getattr(device, name) or "").split())
        if not value:
            raise InvalidField(name, f"{name.replace('_', ' ')} is missing")
        if _has_control(value):
            raise InvalidField(name, f"{name.replace('_', ' ')} holds control characters")
        values[name] = value
    values["serial"] = check_serial(device.serial or "", serial_pattern)
    given = device.internal_name
    values["internal_name"] = check_internal_name(given) if given and given.strip() else None
    values["prefix"] = device.prefix.strip() if device.prefix and device.prefix.strip() else None
    values["tag"] = device.tag.strip() if device.tag and device.tag.strip() else None
    return evolve(device, **values)


def fit_to_catalog(
    device: DeviceIntake, described: Sequence[CatalogField], fields: IntakeFields
) -> DeviceIntake:
    """``device`` with its chosen values as the catalog's fields spell them.

    Refuses a catalog that lacks a field intake writes, and a value outside a Select
    field's choices (:class:`InvalidField` naming the input field).
    """
    by_name = {f.name: f for f in described}
    missing = [n for n in fields.all() if n not in by_name]
    if missing:
        raise InvalidField(
            "catalog",
            f"catalog {device.catalog!r} lacks the custom fields"
            f" {', '.join(repr(m) for m in missing)} that a new device needs; apply them"
            " to the catalog in RT",
        )
    chosen = {
        name: by_name[cf].accept(getattr(device, name), input_name=name)
        for name, cf in fields.chosen().items()
    }
    return evolve(device, **chosen)


def differences(asset: Asset, expected: Mapping[str, str], name: str, catalog: str) -> list[str]:
    """The fields where ``asset`` as read back differs from what was written."""
    wrong = []
    if asset.name != name:
        wrong.append(f"Name ({asset.name!r}, not {name!r})")
    if asset.catalog != catalog:
        wrong.append(f"catalog ({asset.catalog!r}, not {catalog!r})")
    for field, value in expected.items():
        if asset.cf(field) != value:
            wrong.append(f"{field} ({asset.cf(field)!r}, not {value!r})")
    return wrong


def duplicate_serial(serial: str, asset_id: int | None, tag: str) -> DuplicateSerial:
    """The error of a serial that ``asset_id`` (``tag``) has already."""
    return DuplicateSerial(
        f"serial number {serial!r} belongs to asset {asset_id} ({tag}) already",
        serial=serial,
        asset_id=asset_id,
        tag=tag,
    )


def reworded(error: RtutilsError, message: str) -> RtutilsError:
    """``error`` with ``message`` instead of its own, of the same class if it can be."""
    try:
        return type(error)(message)
    except TypeError:  # an error class with more to say than a message
        error.add_note(message)
        return error
