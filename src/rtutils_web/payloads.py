"""The JSON the API speaks: domain objects out, request bodies and query strings in.

Request bodies are structured with a private cattrs converter that is strict about types
(``"5"`` is not a number, ``"false"`` is not a boolean) and refuses unknown keys, so a typo
in a field name is an error rather than a silently ignored option.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

import cattrs
from attrs import frozen

from rtutils_core.assets import Asset, AssetPage, AssetQuery
from rtutils_core.errors import InvalidInput
from rtutils_core.tags import TagFormats

T = TypeVar("T")
_WHOLE_NUMBER = re.compile(r"^[0-9]{1,18}$")
#: The largest id, page or count accepted in a URL (18 digits fit every backend's integers).
MAX_WHOLE = 10**18 - 1
#: Query parameters of the asset search besides ``cf.<Field Name>``.
SEARCH_FIELDS = ("catalog", "status", "name_prefix", "owner", "held_by")
PAGING = ("page", "per_page")
CF_PREFIX = "cf."
#: The fields of an asset in the API, in order.
ASSET_FIELDS = (
    "id",
    "name",
    "tag",
    "catalog",
    "status",
    "owner",
    "held_by",
    "custom_fields",
    "rt_url",
)


def asset_json(asset: Asset, rt_url: str, formats: TagFormats) -> dict[str, Any]:
    """One asset as the API shows it; ``tag`` is the Name when it is a tag, else null."""
    return {
        "id": asset.id,
        "name": asset.name,
        "tag": asset.name if is_tag(asset.name, formats) else None,
        "catalog": asset.catalog,
        "status": asset.status,
        "owner": asset.owner,
        "held_by": list(asset.held_by),
        "custom_fields": dict(asset.custom_fields),
        "rt_url": rt_url,
    }


def is_tag(name: str, formats: TagFormats) -> bool:
    """Whether ``name`` is a tag of one of the configured prefixes."""
    return any(fmt.is_tag(name) for fmt in formats.all)


def page_json(items: list[dict[str, Any]], page: AssetPage) -> dict[str, Any]:
    return {
        "items": items,
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
    }


def whole_number(raw: str, name: str, *, minimum: int = 1) -> int:
    """Parse a positive whole number from a URL, naming ``name`` if it is not one."""
    if not _WHOLE_NUMBER.match(raw) or int(raw) < minimum:
        raise InvalidInput(f"{name} must be a whole number of at least {minimum}, not {raw!r}")
    return int(raw)


def search_query(args: Mapping[str, str]) -> AssetQuery:
    """An asset search from query parameters; unknown parameters are refused by name."""
    fields: dict[str, str] = {}
    custom: dict[str, str] = {}
    for key, value in args.items():
        if key in PAGING:
            continue
        if key.startswith(CF_PREFIX) and len(key) > len(CF_PREFIX):
            if value:
                custom[key[len(CF_PREFIX) :]] = value
        elif key in SEARCH_FIELDS:
            if value:
                fields[key] = value
        else:
            known = ", ".join((*SEARCH_FIELDS, *PAGING, "cf.<Field Name>"))
            raise InvalidInput(f"unknown search parameter {key!r}; known: {known}")
    return AssetQuery(**fields, custom_fields=custom)


# -- request bodies -------------------------------------------------------------------


@frozen
class IssueTagBody:
    prefix: str | None = None


@frozen
class SequenceBody:
    next: int
    prefix: str | None = None
    force: bool = False


@frozen
class QueryBody:
    catalog: str | None = None
    status: str | None = None
    name_prefix: str | None = None
    owner: str | None = None
    held_by: str | None = None
    custom_fields: dict[str, str] | None = None

    def to_query(self) -> AssetQuery:
        return AssetQuery(
            catalog=self.catalog,
            status=self.status,
            name_prefix=self.name_prefix,
            owner=self.owner,
            held_by=self.held_by,
            custom_fields=self.custom_fields or {},
        )


@frozen
class BatchBody:
    tags: list[str] | None = None
    asset_ids: list[int] | None = None
    query: QueryBody | None = None
    template: str | None = None
    allow_missing: bool = False


def _strict(kind: type[T]) -> Any:
    def structure(value: Any, _: Any) -> T:
        if kind is int and isinstance(value, float) and value.is_integer():
            # JSON has one number type: 12.0 is the integer 12 (as JSON Schema says).
            value = int(value)
        # bool is an int in Python; a JSON true is not a number here.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return structure


_converter = cattrs.Converter(forbid_extra_keys=True)
for _kind in (str, int, bool):
    _converter.register_structure_hook(_kind, _strict(_kind))


def parse_body(raw: Any, cls: type[T]) -> T:
    """Structure a JSON body into ``cls``; every problem is named in one InvalidInput."""
    if not isinstance(raw, dict):
        raise InvalidInput("the request body must be a JSON object")
    try:
        return _converter.structure(raw, cls)
    except cattrs.ClassValidationError as exc:
        problems = "; ".join(cattrs.transform_error(exc, path="body"))
        raise InvalidInput(f"invalid request body: {problems}") from None
