"""Chrome OS devices as the Google Admin console knows them, apart from the API's wire format."""

from __future__ import annotations

import re
from datetime import date, datetime

from attrs import evolve, frozen

from rtutils_core.errors import InvalidInput

#: Longest annotations the Directory API accepts (its documentation states these limits).
MAX_ANNOTATED_USER = 100
MAX_ANNOTATED_LOCATION = 200

_MAC_SEPARATORS = re.compile(r"[\s:.\-]")
_MAC_LIST_SEPARATORS = re.compile(r"[,;\s]+")
_HEX12 = re.compile(r"[0-9a-f]{12}")


def normalise_mac(text: str) -> str:
    """``text`` as 12 lower-case hex digits, or '' when it is no MAC address.

    Google reports ``a0b1c2d3e4f5``; people type ``A0:B1:C2:D3:E4:F5``, ``a0-b1-...`` or
    ``a0b1.c2d3.e4f5`` into RT. All of them are the same address.
    """
    digits = _MAC_SEPARATORS.sub("", text).lower()
    return digits if _HEX12.fullmatch(digits) else ""


def parse_macs(text: str) -> frozenset[str]:
    """Every MAC address in a field that may hold several (comma, semicolon or space apart).

    Colon-separated and dash-separated forms hold no spaces, so splitting on white space
    first is safe; anything that is not an address is left out.
    """
    found = {normalise_mac(part) for part in _MAC_LIST_SEPARATORS.split(text.strip())}
    return frozenset(found - {""})


def format_mac(mac: str) -> str:
    """A normalised address as ``a0:b1:c2:d3:e4:f5``; '' stays ''."""
    digits = normalise_mac(mac)
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)) if digits else ""


@frozen
class ChromeDevice:
    """One Chrome OS device; text fields are '' when Google has no value."""

    device_id: str
    serial_number: str = ""
    mac_address: str = ""  # Wi-Fi
    ethernet_mac_address: str = ""
    annotated_asset_id: str = ""
    annotated_user: str = ""
    annotated_location: str = ""
    notes: str = ""
    os_version: str = ""
    last_sync: datetime | None = None
    auto_update_expiration: date | None = None
    most_recent_user: str = ""
    org_unit_path: str = ""
    status: str = ""
    model: str = ""

    def macs(self) -> frozenset[str]:
        """The device's MAC addresses, normalised."""
        return frozenset(
            {normalise_mac(self.mac_address), normalise_mac(self.ethernet_mac_address)}
        ) - {""}


@frozen
class AnnotationChanges:
    """Annotations an administrator may set on a device; ``None`` leaves one, '' clears it."""

    annotated_asset_id: str | None = None
    annotated_user: str | None = None
    annotated_location: str | None = None
    notes: str | None = None

    def __attrs_post_init__(self) -> None:
        limits = (
            ("annotatedUser", self.annotated_user, MAX_ANNOTATED_USER),
            ("annotatedLocation", self.annotated_location, MAX_ANNOTATED_LOCATION),
        )
        for name, value, limit in limits:
            if value is not None and len(value) > limit:
                raise InvalidInput(f"{name} takes at most {limit} characters, not {len(value)}")

    def is_empty(self) -> bool:
        return not self.as_dict()

    def applied_to(self, device: ChromeDevice) -> ChromeDevice:
        """``device`` as these changes leave it."""
        return evolve(
            device,
            annotated_asset_id=_or(self.annotated_asset_id, device.annotated_asset_id),
            annotated_user=_or(self.annotated_user, device.annotated_user),
            annotated_location=_or(self.annotated_location, device.annotated_location),
            notes=_or(self.notes, device.notes),
        )

    def as_dict(self) -> dict[str, str]:
        """The fields to set, by their :class:`ChromeDevice` attribute names."""
        values = {
            "annotated_asset_id": self.annotated_asset_id,
            "annotated_user": self.annotated_user,
            "annotated_location": self.annotated_location,
            "notes": self.notes,
        }
        return {k: v for k, v in values.items() if v is not None}


def _or(new: str | None, old: str) -> str:
    return old if new is None else new
