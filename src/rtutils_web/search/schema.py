"""The search's answer: devices and people, one field list each (the JSON and its schema).

Person data (a device's holders, the people found) is for operators: a viewer's answer has
the devices without holders and no people, and ``people_shown`` says which one they got.
"""

from __future__ import annotations

from attrs import frozen

from rtutils_core.assets import Asset
from rtutils_core.scans import SearchResult
from rtutils_core.scans.values import PersonMatch
from rtutils_web.http.answers import list_of, object_schema, prop
from rtutils_web.http.properties import ID, NULLABLE_STRING, STRING

_HOW = {"type": "string", "description": "what matched: tag, name, serial, internal name, ..."}


@frozen
class FoundDeviceJson:
    """A device the search found."""

    id: int = prop(ID)
    name: str = prop(STRING)
    catalog: str = prop(STRING)
    status: str = prop(STRING)
    type: str = prop(STRING)
    serial: str = prop(STRING)
    internal_name: str = prop(STRING)
    matched: str = prop(_HOW)
    holders: list[str] | None = prop(
        {"type": ["array", "null"], "items": STRING, "description": "null below operator"}
    )
    rt_url: str = prop({"type": "string", "format": "uri"})

    @classmethod
    def of(cls, how: str, asset: Asset, rt_url: str, holders: list[str] | None) -> FoundDeviceJson:
        return cls(
            id=asset.id,
            name=asset.name,
            catalog=asset.catalog,
            status=asset.status,
            type=asset.cf("Type"),
            serial=asset.cf("Serial Number"),
            internal_name=asset.cf("Internal Name"),
            matched=how,
            holders=holders,
            rt_url=rt_url,
        )


@frozen
class FoundPersonJson:
    """A person the search found: the RT user and/or the roster's student."""

    name: str | None = prop({**NULLABLE_STRING, "description": "RT login name"})
    real_name: str = prop(STRING)
    email: str = prop(STRING)
    student_id: str | None = prop(NULLABLE_STRING)
    grade: str | None = prop(NULLABLE_STRING)
    matched: str = prop(_HOW)

    @classmethod
    def of(cls, match: PersonMatch) -> FoundPersonJson:
        user, student = match.user, match.student
        name = user.name if user else (student.user_name or None if student else None)
        real = user.real_name if user and user.real_name else (student.full_name if student else "")
        return cls(
            name=name,
            real_name=real,
            email=user.email if user else "",
            student_id=student.student_id if student else None,
            grade=student.grade if student else None,
            matched=match.how,
        )


@frozen
class SearchJson:
    """Everything a search text names."""

    query: str = prop(STRING)
    devices: list[FoundDeviceJson] = prop(list_of("FoundDevice"))
    people: list[FoundPersonJson] = prop(list_of("FoundPerson"))
    people_shown: bool = prop(
        {"type": "boolean", "description": "false below operator: no holders, no people"}
    )

    @classmethod
    def of(cls, result: SearchResult, devices: list[FoundDeviceJson], shown: bool) -> SearchJson:
        people = [FoundPersonJson.of(p) for p in result.people] if shown else []
        return cls(result.text, devices, people, shown)


SCHEMAS = {
    "FoundDevice": object_schema(FoundDeviceJson),
    "FoundPerson": object_schema(FoundPersonJson),
    "Search": object_schema(SearchJson),
}
