"""What the API answers: attrs classes whose fields carry their OpenAPI schema.

Each answer type lists its fields once. :func:`to_json` turns a value into the JSON body
through a cattrs converter, and :func:`object_schema` turns the same class into its schema
in the OpenAPI document, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

_SCHEMA = "openapi"
_WITHHOLDABLE = "withholdable"


class _Withheld:
    """The value of a field the caller may not see (see :func:`withholdable_prop`)."""

    def __repr__(self) -> str:
        return "WITHHELD"


#: Leaves a :func:`withholdable_prop` field out of the JSON.
WITHHELD: Any = _Withheld()


def prop(schema: dict[str, Any]) -> Any:
    """An attrs field whose OpenAPI schema is ``schema`` (use it for every answer field)."""
    return attrs.field(metadata={_SCHEMA: schema})


def withholdable_prop(schema: dict[str, Any]) -> Any:
    """A field that only some callers may see: left out of the JSON when its value is
    :data:`WITHHELD` (the default), and so not required in the schema. Keyword-only."""
    return attrs.field(
        default=WITHHELD, kw_only=True, metadata={_SCHEMA: schema, _WITHHOLDABLE: True}
    )


def object_schema(cls: type) -> dict[str, Any]:
    """The OpenAPI schema of an answer class: every field required (but the withholdable
    ones), in field order."""
    fields = attrs.fields(cls)
    return {
        "type": "object",
        "required": [f.name for f in fields if not f.metadata.get(_WITHHOLDABLE)],
        "properties": {f.name: f.metadata[_SCHEMA] for f in fields},
    }


def instant(moment: datetime) -> str:
    """An instant as RFC 3339 in UTC with ``Z``, as every time in the API is written."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


_out = cattrs.Converter()
_out.register_unstructure_hook(datetime, instant)


def _unstructure_answer(cls: type) -> Any:
    """Answer classes as usual, but a withholdable field is left out while WITHHELD."""
    fields = attrs.fields(cls)
    withheld: dict[str, Any] = {
        f.name: override(omit_if_default=True) for f in fields if f.metadata.get(_WITHHOLDABLE)
    }
    unstructure: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(cls, _out, **withheld)
    if not withheld:
        return unstructure
    order = [f.name for f in fields]

    def in_field_order(value: Any) -> dict[str, Any]:
        # cattrs adds the fields it may leave out last: the documented order is the class's.
        out = unstructure(value)
        return {name: out[name] for name in order if name in out}

    return in_field_order


_out.register_unstructure_hook_factory(attrs.has, _unstructure_answer)


def to_json(value: Any) -> Any:
    """``value`` (an answer, or a list or dict of them) as JSON-ready data."""
    return _out.unstructure(value)
