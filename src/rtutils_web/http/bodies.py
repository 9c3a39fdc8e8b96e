"""What a request carries in: JSON bodies structured strictly, whole numbers from URLs.

Request bodies are structured with a private cattrs converter that is strict about types
(``"5"`` is not a number, ``"false"`` is not a boolean) and refuses unknown keys, so a typo
in a field name is an error rather than a silently ignored option. Then the body is checked
against its class's schema (:func:`rtutils_web.http.answers.body_schema`, the one the OpenAPI
document states), so every length, range, choice and pattern the document names is enforced.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any, TypeVar, cast

import cattrs
from flask import request
from jsonschema import Draft202012Validator, ValidationError

from rtutils_core.errors import InvalidField, InvalidInput
from rtutils_web.http.answers import body_schema

T = TypeVar("T")
_WHOLE_NUMBER = re.compile(r"^[0-9]{1,18}$")
#: The largest id, page or count accepted in a URL (18 digits fit every backend's integers).
MAX_WHOLE = 10**18 - 1


def whole_number(raw: str, name: str, *, minimum: int = 1) -> int:
    """Parse a positive whole number from a URL, naming ``name`` if it is not one."""
    if not _WHOLE_NUMBER.match(raw) or int(raw) < minimum:
        raise InvalidInput(f"{name} must be a whole number of at least {minimum}, not {raw!r}")
    return int(raw)


def whole_numbers(values: list[int] | None, name: str) -> list[int] | None:
    """``values`` if every one is an id the API accepts (1 to :data:`MAX_WHOLE`), as the
    OpenAPI document says; a 400 naming ``name`` otherwise."""
    for value in values or ():
        if not 1 <= value <= MAX_WHOLE:
            raise InvalidInput(f"{name} holds {value}: ids are whole numbers from 1 to {MAX_WHOLE}")
    return values


#: How deep a request body may nest arrays and objects; no body of ours needs more than 3.
MAX_JSON_DEPTH = 32


def json_body(*, force: bool = False) -> Any:
    """The JSON body; ``{}`` when there is none (a 415 if it is not JSON, unless ``force``
    reads it as JSON whatever its ``Content-Type``).

    A body nested deeper than :data:`MAX_JSON_DEPTH` is refused: deep enough nesting exhausts
    the parser's stack, and nothing structured from it would be valid anyway.
    """
    if not request.content_length and not request.data:
        return {}
    if _nesting(request.get_data(cache=True)) > MAX_JSON_DEPTH:
        raise InvalidInput(f"the JSON body is nested more than {MAX_JSON_DEPTH} levels deep")
    return request.get_json(force=force)


def _nesting(raw: bytes) -> int:
    """The deepest nesting of brackets in ``raw``, outside strings, without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b"]}":
            depth -= 1
    return deepest


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
    """Structure a JSON body into ``cls`` and check it against the class's schema.

    A wrong type or an unknown key is one InvalidInput naming every problem; a value outside
    what the schema allows is an InvalidField naming the first such field.
    """
    if not isinstance(raw, dict):
        raise InvalidInput("the request body must be a JSON object")
    try:
        body = _converter.structure(raw, cls)
    except cattrs.ClassValidationError as exc:
        problems = "; ".join(cattrs.transform_error(exc, path="body"))
        raise InvalidInput(f"invalid request body: {problems}") from None
    checked: type = cls  # the class as the validator cache's key
    error = min(_validator(checked).iter_errors(raw), key=_error_order, default=None)
    if error is not None:
        _refuse(error)
    return body


@cache
def _validator(cls: type) -> Draft202012Validator:
    return Draft202012Validator(body_schema(cls))


def _error_order(error: ValidationError) -> tuple[str, ...]:
    return tuple(str(part) for part in error.absolute_path)


def _refuse(error: ValidationError) -> None:
    """Raise the error of the first rule a body breaks, naming its field (never its value)."""
    path = "body" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
    )
    message = f"invalid request body: {path} {_broken_rule(error)}"
    if not error.absolute_path:
        raise InvalidInput(message)
    raise InvalidField(str(error.absolute_path[0]), message)


def _broken_rule(error: ValidationError) -> str:
    keyword, limit = str(error.validator), cast(Any, error.validator_value)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword in ("minimum", "maximum") and {"minimum", "maximum"} <= schema.keys():
        return f"must be between {schema['minimum']} and {schema['maximum']}"
    if keyword in ("minLength", "minItems") and limit == 1:
        return "must not be empty"
    if keyword == "enum":
        return "must be one of " + ", ".join(_shown(choice) for choice in limit)
    if keyword == "oneOf" and "description" in schema:
        return f"does not fit: {schema['description']}"
    if keyword == "type":
        kinds = limit if isinstance(limit, list) else [limit]
        return "must be of type " + " or ".join(str(kind) for kind in kinds)
    phrases = {
        "minLength": f"must be at least {limit} characters long",
        "maxLength": f"must be at most {limit} characters long",
        "minimum": f"must be at least {limit}",
        "maximum": f"must be at most {limit}",
        "minItems": f"must hold at least {limit} items",
        "maxItems": f"must hold at most {limit} items",
        "pattern": f"must match the pattern {limit!r}",
    }
    return phrases.get(keyword, f"breaks the rule {keyword!r}: {limit!r}")


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
