"""Assets in the API: the JSON of an asset and of a page of them, and the search parameters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import attrs
from attrs import frozen

from rtutils_core.assets import Asset, AssetPage, AssetQuery
from rtutils_core.errors import InvalidInput, InvalidTag
from rtutils_core.outbox import LastKnown
from rtutils_core.tags import TagFormats
from rtutils_web.http.answers import WITHHELD, list_of, object_schema, prop, withholdable_prop
from rtutils_web.http.properties import NULLABLE_STRING

#: Query parameters of the asset search besides ``cf.<Field Name>``.
SEARCH_FIELDS = ("catalog", "status", "name_prefix", "owner", "held_by")
#: The search parameters that ask about a person (see ``access/people.py``).
PERSON_FIELDS = ("owner", "held_by")
PAGING = ("page", "per_page")
CF_PREFIX = "cf."
_PEOPLE_ONLY = "Shown to the operator and admin roles only (the data is about students)."


@frozen
class AssetJson:
    """One asset as the API shows it; ``tag`` is the Name when it is a tag, else null."""

    id: int = prop({"type": "integer", "minimum": 1})
    name: str = prop({"type": "string"})
    tag: str | None = prop({**NULLABLE_STRING, "description": "the Name when it is an asset tag"})
    catalog: str = prop({"type": "string"})
    status: str = prop({"type": "string"})
    owner: str | None = withholdable_prop({**NULLABLE_STRING, "description": _PEOPLE_ONLY})
    held_by: list[str] = withholdable_prop(
        {"type": "array", "items": {"type": "string"}, "description": _PEOPLE_ONLY}
    )
    custom_fields: dict[str, str] = prop(
        {"type": "object", "additionalProperties": {"type": "string"}}
    )
    rt_url: str = prop({"type": "string", "format": "uri"})
    last_known: dict[str, Any] | None = prop(
        {
            "type": ["object", "null"],
            "properties": {
                "seen": {"type": "string", "format": "date-time"},
                "age_seconds": {"type": "integer", "minimum": 0},
            },
            "description": "null: as RT holds it now; else RT could not be reached and this"
            " is the asset as this service last saw it, and when (docs/outbox.md)",
        },
        default=None,
    )

    @classmethod
    def of(
        cls,
        asset: Asset,
        rt_url: str,
        formats: TagFormats,
        *,
        people: bool,
        seen: LastKnown | None = None,
    ) -> AssetJson:
        """The asset; its ``owner`` and ``held_by`` only if ``people`` may be shown; ``seen``
        when it is the last known state, RT being away."""
        return cls(
            id=asset.id,
            name=asset.name,
            tag=asset.name if is_tag(asset.name, formats) else None,
            catalog=asset.catalog,
            status=asset.status,
            owner=asset.owner if people else WITHHELD,
            held_by=list(asset.held_by) if people else WITHHELD,
            custom_fields=dict(asset.custom_fields),
            rt_url=rt_url,
            last_known=None if seen is None else last_known(seen),
        )


def last_known(seen: LastKnown) -> dict[str, Any]:
    """When an asset was last seen in RT, and how many seconds ago."""
    age = round(seen.age(datetime.now(UTC)))
    return {"seen": seen.seen.isoformat(), "age_seconds": age}


@frozen
class AssetPageJson:
    """A page of a search."""

    items: list[AssetJson] = prop(list_of("Asset"))
    page: int = prop({"type": "integer", "minimum": 1})
    per_page: int = prop({"type": "integer", "minimum": 1})
    total: int = prop({"type": "integer", "minimum": 0})
    pages: int = prop({"type": "integer", "minimum": 1})

    @classmethod
    def of(cls, items: list[AssetJson], page: AssetPage) -> AssetPageJson:
        return cls(items, page.page, page.per_page, page.total, page.pages)


#: The fields of an asset in the API, in order.
ASSET_FIELDS = tuple(f.name for f in attrs.fields(AssetJson))
SCHEMAS: dict[str, Any] = {
    "Asset": object_schema(AssetJson),
    "AssetPage": object_schema(AssetPageJson),
}


def is_tag(name: str, formats: TagFormats) -> bool:
    """Whether ``name`` is a tag of one of the configured prefixes."""
    try:
        formats.parse(name)
    except InvalidTag:
        return False
    return True


def search_query(args: Mapping[str, str]) -> AssetQuery:
    """An asset search from query parameters; unknown parameters are refused by name."""
    fields: dict[str, str] = {}
    custom: dict[str, str] = {}
    for key, value in args.items():
        if key in PAGING:
            continue
        if key.startswith(CF_PREFIX) and len(key) > len(CF_PREFIX):
            # An empty value asks for assets without one, as in the core: not "any value".
            custom[key[len(CF_PREFIX) :]] = value
        elif key in SEARCH_FIELDS:
            if value:
                fields[key] = value
        else:
            known = ", ".join((*SEARCH_FIELDS, *PAGING, "cf.<Field Name>"))
            raise InvalidInput(f"unknown search parameter {key!r}; known: {known}")
    return AssetQuery.of_texts(fields, custom)
