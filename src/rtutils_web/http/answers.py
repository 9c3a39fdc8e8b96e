"""What the API answers: attrs classes whose fields carry their OpenAPI schema.

Each answer type lists its fields once. :func:`to_json` turns a value into the JSON body
through a cattrs converter, and :func:`object_schema` turns the same class into its schema
in the OpenAPI document, so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs
import cattrs

_SCHEMA = "openapi"


def prop(schema: dict[str, Any]) -> Any:
    """An attrs field whose OpenAPI schema is ``schema`` (use it for every answer field)."""
    return attrs.field(metadata={_SCHEMA: schema})


def object_schema(cls: type) -> dict[str, Any]:
    """The OpenAPI schema of an answer class: every field required, in field order."""
    fields = attrs.fields(cls)
    return {
        "type": "object",
        "required": [f.name for f in fields],
        "properties": {f.name: f.metadata[_SCHEMA] for f in fields},
    }


def instant(moment: datetime) -> str:
    """An instant as RFC 3339 in UTC with ``Z``, as every time in the API is written."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


_out = cattrs.Converter()
_out.register_unstructure_hook(datetime, instant)


def to_json(value: Any) -> Any:
    """``value`` (an answer, or a list or dict of them) as JSON-ready data."""
    return _out.unstructure(value)
