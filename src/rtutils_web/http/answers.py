"""What the API answers and takes in: attrs classes whose fields carry their OpenAPI schema.

Each answer type lists its fields once. :func:`to_json` turns a value into the JSON body
through a cattrs converter, and :func:`object_schema` turns the same class into its schema
in the OpenAPI document, so the two cannot drift apart. A request body's class is declared
the same way: :func:`body_schema` is its schema in the document, and
:func:`rtutils_web.http.bodies.parse_body` checks a body against that same schema.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

if TYPE_CHECKING:
    from rtutils_web.http.openapi import ApiFacts

_SCHEMA = "openapi"
_WITHHOLDABLE = "withholdable"
_Answer = TypeVar("_Answer", bound=attrs.AttrsInstance)
_Value = TypeVar("_Value")


class _Withheld:
    """The value of a field the caller may not see (see :func:`withholdable_prop`)."""

    def __repr__(self) -> str:
        return "WITHHELD"


#: Leaves a :func:`withholdable_prop` field out of the JSON.
WITHHELD: Any = _Withheld()
_CONFIGURED = "openapi_configured"


def prop(
    schema: dict[str, Any],
    *,
    default: Any = attrs.NOTHING,
    configured: Callable[[ApiFacts], dict[str, Any]] | None = None,
) -> Any:
    """An attrs field whose OpenAPI schema is ``schema`` (use it for every field).

    For a request body: a field without ``default`` is required; ``configured`` adds what
    the schema states of this service's configuration (prefixes, templates, the batch limit),
    which the service checks itself with the same settings.
    """
    metadata: dict[str, Any] = {_SCHEMA: schema}
    if configured is not None:
        metadata[_CONFIGURED] = configured
    return attrs.field(default=default, metadata=metadata)


def withholdable_prop(schema: dict[str, Any]) -> Any:
    """A field that only some callers may see: left out of the JSON when its value is
    :data:`WITHHELD` (the default), and so not required in the schema. Keyword-only."""
    return attrs.field(
        default=WITHHELD, kw_only=True, metadata={_SCHEMA: schema, _WITHHOLDABLE: True}
    )


def answer_of(cls: type[_Answer], value: object, **given: Any) -> _Answer:
    """An answer of ``cls`` whose fields are ``value``'s attributes of the same names, but
    those ``given``; a withholdable field stays withheld unless given."""
    fields = attrs.fields(cls)
    unknown = set(given) - {f.name for f in fields}
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    copied = {
        f.name: getattr(value, f.name)
        for f in fields
        if f.name not in given and not f.metadata.get(_WITHHOLDABLE)
    }
    return cls(**copied, **given)


class FieldsFrom(Generic[_Value]):
    """Base of an answer class whose fields are all attributes of a ``_Value`` of the same
    names: its ``of`` copies them."""

    __attrs_attrs__: ClassVar[Any]

    @classmethod
    def of(cls, value: _Value) -> Self:
        return answer_of(cls, value)


def ref(name: str) -> dict[str, Any]:
    """The schema named ``name`` in the document's ``components/schemas``."""
    return {"$ref": f"#/components/schemas/{name}"}


def list_of(name: str, description: str = "") -> dict[str, Any]:
    """A list of the schema named ``name``, described by ``description`` if given."""
    listed: dict[str, Any] = {"type": "array", "items": ref(name)}
    return {**listed, "description": description} if description else listed


def object_schema(cls: type) -> dict[str, Any]:
    """The OpenAPI schema of an answer class: every field required (but the withholdable
    ones), in field order."""
    fields = attrs.fields(cls)
    return {
        "type": "object",
        "required": [f.name for f in fields if not f.metadata.get(_WITHHOLDABLE)],
        "properties": {f.name: f.metadata[_SCHEMA] for f in fields},
    }


def body_schema(cls: type, facts: ApiFacts | None = None) -> dict[str, Any]:
    """The schema of a request body class: unknown fields refused (as the parser does), the
    fields without a default required, and the class's ``SCHEMA`` (keywords of the body as a
    whole: description, oneOf, example) added.

    Without ``facts``, the schema of what the parser checks; with them, the schema the
    document states, its fields' ``configured`` parts included.
    """
    properties = {}
    for f in attrs.fields(cls):
        schema = f.metadata[_SCHEMA]
        configured = f.metadata.get(_CONFIGURED)
        if facts is not None and configured is not None:
            schema = {**schema, **configured(facts)}
        properties[f.name] = schema
    required = [f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING]
    return {
        "type": "object",
        "additionalProperties": False,
        **({"required": required} if required else {}),
        "properties": properties,
        **getattr(cls, "SCHEMA", {}),
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
