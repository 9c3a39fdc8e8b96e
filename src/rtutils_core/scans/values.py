"""The answers of a scan (one thing) and of a search (every match)."""

from __future__ import annotations

from typing import Literal

from attrs import field, frozen

from rtutils_core.assets import Asset, User
from rtutils_core.students import Student

Kind = Literal["device", "person", "nothing"]


@frozen
class ScanFields:
    """The RT custom fields a device is also found by."""

    serial: str = "Serial Number"
    internal_name: str = "Internal Name"


@frozen
class Found:
    """The one thing a scan names.

    ``how`` says what the scan matched (``tag``, ``name``, ``serial``, ``internal name``,
    ``student id``, ``login``); ``student`` is the roster entry when a student id was scanned.
    ``is_tag_shaped``: the scan had the form of a tag (an unknown one names no person).
    """

    kind: Kind
    text: str
    how: str = ""
    asset: Asset | None = None
    user: User | None = None
    student: Student | None = None
    is_tag_shaped: bool = False
    reason: str = ""

    @property
    def is_person(self) -> bool:
        return self.kind == "person"

    @property
    def is_device(self) -> bool:
        return self.kind == "device"


@frozen
class PersonMatch:
    """A person a search found: the RT user (if any), the roster entry (if any), and how."""

    how: str
    user: User | None = None
    student: Student | None = None


@frozen
class SearchResult:
    """Every device and person a search text matches (each list capped by the service)."""

    text: str
    devices: tuple[tuple[str, Asset], ...] = field(default=())
    people: tuple[PersonMatch, ...] = field(default=())
