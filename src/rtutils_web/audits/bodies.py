"""Audits' request bodies: what the API and the desk take in, stated once for the parsing
and the OpenAPI document."""

from __future__ import annotations

from typing import Any, ClassVar

from attrs import frozen

from rtutils_core.audits import SCOPE_KINDS, Scope
from rtutils_core.audits.values import MAX_COMMENT, MAX_LIST, MAX_NAME
from rtutils_web.http.answers import prop
from rtutils_web.http.bodies import MAX_WHOLE

#: Printable text with something in it besides spaces (what ``str.strip`` leaves), spelt
#: out: ``\\s`` means other characters in Python (the validator) than in ECMA 262.
_CONTROL = "\\u0000-\\u001f\\u007f-\\u009f"
_SPACE = " \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
_TEXT = f"^[^{_CONTROL}]*[^{_CONTROL}{_SPACE}][^{_CONTROL}]*$"
#: Such text that RT can search for: not starting with "CF." (AssetSQL would read it as a
#: custom field).
_SEARCHABLE = f"^(?![{_SPACE}]*[Cc][Ff]\\.)" + _TEXT[1:]


@frozen
class StartBody:
    """A new audit: its name and scope (``value`` for a location, catalog or person;
    ``tags`` for a list)."""

    SCHEMA: ClassVar[dict[str, Any]] = {
        "example": {"name": "Room 101, spring", "kind": "location", "value": "Room 101"},
        "description": "A list scope takes tags; a location, catalog or person scope a value.",
        "oneOf": [
            {
                "properties": {"kind": {"const": "list"}, "tags": {"type": "array"}},
                "required": ["tags"],
            },
            {
                "properties": {"kind": {"not": {"const": "list"}}, "value": {"type": "string"}},
                "required": ["value"],
            },
        ],
    }

    name: str = prop({"type": "string", "pattern": _TEXT, "maxLength": MAX_NAME})
    kind: str = prop({"type": "string", "enum": list(SCOPE_KINDS)})
    value: str | None = prop(
        {
            "type": ["string", "null"],
            "pattern": _SEARCHABLE,
            "maxLength": MAX_NAME,
            "description": "a location, catalog or person (not for a list)",
        },
        default=None,
    )
    tags: list[str] | None = prop(
        {
            "type": ["array", "null"],
            "minItems": 1,
            "maxItems": MAX_LIST,
            "items": {"type": "string", "pattern": _SEARCHABLE, "maxLength": MAX_NAME},
            "description": "the tags of a list scope (a cart, a room's inventory)",
        },
        default=None,
    )

    def scope(self) -> Scope:
        return Scope(self.kind, self.value or "", tuple(self.tags or ()))  # type: ignore[arg-type]


@frozen
class ScanBody:
    """One scan as the scanner typed it, and the desk that scanned it."""

    scan: str = prop({"type": "string", "pattern": _TEXT, "maxLength": 200})
    desk: str = prop({"type": "string", "maxLength": MAX_NAME}, default="")


_ASSET_IDS = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1000,
    "items": {"type": "integer", "minimum": 1, "maximum": MAX_WHOLE},
}


@frozen
class LostBody:
    """Missing devices to mark lost, and why."""

    asset_ids: list[int] = prop(_ASSET_IDS)
    comment: str = prop({"type": "string", "pattern": _TEXT, "maxLength": MAX_COMMENT})


@frozen
class MoveBody:
    """Unexpected devices to move to the audit's location."""

    asset_ids: list[int] = prop(_ASSET_IDS)
