"""The Directory API's JSON for Chrome OS devices <-> the core's values (this edge only)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from rtutils_core.google import AnnotationChanges, ChromeDevice

#: ChromeDevice attribute -> the API's field name, for what the sync may write.
ANNOTATION_FIELDS = {
    "annotated_asset_id": "annotatedAssetId",
    "annotated_user": "annotatedUser",
    "annotated_location": "annotatedLocation",
    "notes": "notes",
}


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def parse_timestamp(value: Any) -> datetime | None:
    """An RFC 3339 time such as ``2026-11-30T08:15:03.120Z``, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_expiration(value: Any) -> date | None:
    """``autoUpdateExpiration``: milliseconds since 1970 as a string (an int64), or None."""
    try:
        millis = int(value)
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(millis / 1000, UTC).date() if millis > 0 else None


def _most_recent_user(data: Mapping[str, Any]) -> str:
    # Unmanaged (guest) sessions carry no e-mail address; the first one that has it counts.
    for user in data.get("recentUsers") or ():
        if isinstance(user, Mapping) and isinstance(user.get("email"), str) and user["email"]:
            return str(user["email"])
    return ""


def device_from_json(data: Mapping[str, Any]) -> ChromeDevice:
    """One ``ChromeOsDevice`` resource (projection FULL) as a :class:`ChromeDevice`."""
    return ChromeDevice(
        device_id=_text(data, "deviceId"),
        serial_number=_text(data, "serialNumber"),
        mac_address=_text(data, "macAddress"),
        ethernet_mac_address=_text(data, "ethernetMacAddress"),
        annotated_asset_id=_text(data, "annotatedAssetId"),
        annotated_user=_text(data, "annotatedUser"),
        annotated_location=_text(data, "annotatedLocation"),
        notes=_text(data, "notes"),
        os_version=_text(data, "osVersion"),
        last_sync=parse_timestamp(data.get("lastSync")),
        auto_update_expiration=parse_expiration(data.get("autoUpdateExpiration")),
        most_recent_user=_most_recent_user(data),
        org_unit_path=_text(data, "orgUnitPath"),
        status=_text(data, "status"),
        model=_text(data, "model"),
    )


def annotations_to_json(changes: AnnotationChanges) -> dict[str, str]:
    """The PATCH body: only the fields to set (patch semantics leave the rest alone)."""
    return {ANNOTATION_FIELDS[k]: v for k, v in changes.as_dict().items()}
