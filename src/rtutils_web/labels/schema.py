"""Labels in the API: the body of a batch request."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from attrs import frozen

from rtutils_core.assets import AssetQuery
from rtutils_web.http.answers import body_schema, prop
from rtutils_web.http.openapi import asset_ids_field, tags_field, template_choice

_NULLABLE = {"type": ["string", "null"]}


@frozen
class QueryBody:
    catalog: str | None = prop(_NULLABLE, default=None)
    status: str | None = prop(_NULLABLE, default=None)
    name_prefix: str | None = prop(_NULLABLE, default=None)
    owner: str | None = prop(_NULLABLE, default=None)
    held_by: str | None = prop(_NULLABLE, default=None)
    custom_fields: dict[str, str] | None = prop(
        {"type": ["object", "null"], "additionalProperties": {"type": "string"}}, default=None
    )

    def to_query(self) -> AssetQuery:
        """The search: every field of the body is one of the query's."""
        return AssetQuery(**attrs.asdict(self) | {"custom_fields": self.custom_fields or {}})


@frozen
class BatchBody:
    """Exactly one selector; the tags' form and the batch limit (413) are checked by the
    service with the settings the document states."""

    SCHEMA: ClassVar[dict[str, Any]] = {
        "description": "Exactly one of tags, asset_ids or query.",
        "oneOf": [{"required": ["tags"]}, {"required": ["asset_ids"]}, {"required": ["query"]}],
    }

    tags: list[str] | None = tags_field()
    asset_ids: list[int] | None = asset_ids_field()
    query: QueryBody | None = prop(body_schema(QueryBody), default=None)
    template: str | None = prop(
        {"type": ["string", "null"]}, default=None, configured=template_choice
    )
    allow_missing: bool = prop(
        {
            "type": "boolean",
            "default": False,
            "description": "print what was found; list the rest in X-Labels-Missing",
        },
        default=False,
    )
