"""Building blocks of the OpenAPI document: the error schema and responses, parameters,
operations, and what the document states of the service's configuration."""

from __future__ import annotations

from typing import Any

from attrs import frozen

from rtutils_core.tags import TagFormat, TagFormats
from rtutils_web.http.answers import body_schema, prop, ref
from rtutils_web.http.bodies import MAX_WHOLE


@frozen
class ApiFacts:
    """What the document states of this service's configuration (the same as it enforces)."""

    pattern: str
    prefixes: tuple[str, ...]
    max_number: int
    max_batch: int
    templates: tuple[str, ...]

    @classmethod
    def of(cls, formats: TagFormats, max_batch: int, templates: tuple[str, ...]) -> ApiFacts:
        return cls(
            pattern=tag_pattern(formats.all),
            prefixes=tuple(f.prefix for f in formats.all),
            max_number=formats.default.max_number,
            max_batch=max_batch,
            templates=templates,
        )


def tag_pattern(formats: tuple[TagFormat, ...]) -> str:
    """A regular expression (ECMA 262 and Python alike) for the tags of ``formats``."""

    def one(fmt: TagFormat) -> str:
        prefix = fmt.prefix.replace(".", "\\.")
        d = fmt.digits
        # Any digits but all zeros: tag numbers start at 1.
        numbers = "|".join(
            ("0" * i) + "[1-9]" + (f"[0-9]{{{d - 1 - i}}}" if d - 1 - i else "") for i in range(d)
        )
        return f"{prefix}(?:{numbers})"

    return "^(?:" + "|".join(one(f) for f in formats) + ")$"


# -- body fields whose schema states the configuration (the service checks them with it) ----


def prefix_choice(facts: ApiFacts) -> dict[str, Any]:
    """A prefix of the configured tag formats, or null for the default."""
    return {"enum": [*facts.prefixes, None]}


def template_choice(facts: ApiFacts) -> dict[str, Any]:
    """A configured label template, or null for the default."""
    return {"enum": [*facts.templates, None]}


def _tag_batch(facts: ApiFacts) -> dict[str, Any]:
    return {"maxItems": facts.max_batch, "items": {"type": "string", "pattern": facts.pattern}}


def _id_batch(facts: ApiFacts) -> dict[str, Any]:
    return {"maxItems": facts.max_batch}


def tags_field() -> Any:
    """A body's optional list of tags: at most MAX_BATCH (413 beyond), each of a format."""
    schema = {"type": "array", "minItems": 1, "items": {"type": "string"}}
    return prop(schema, default=None, configured=_tag_batch)


def asset_ids_field() -> Any:
    """A body's optional list of asset ids: at most MAX_BATCH (413 beyond)."""
    ids = {"type": "integer", "minimum": 1, "maximum": MAX_WHOLE}
    return prop({"type": "array", "minItems": 1, "items": ids}, default=None, configured=_id_batch)


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "request_id"],
            "properties": {
                "code": {"type": "string", "examples": ["asset_not_found"]},
                "message": {"type": "string"},
                "request_id": {"type": "string"},
            },
        }
    },
}

_ERROR_TEXT = {
    400: "The request is malformed; the message names the problem",
    401: "No valid credentials (send 'Authorization: Bearer <token>')",
    403: "The token's role does not allow this",
    404: "No such asset, tag or catalog",
    409: "Conflict: a tag would be handed out twice, or the asset changed meanwhile",
    413: "The request body or the batch is larger than allowed",
    415: "The request body is not JSON (send Content-Type: application/json)",
    422: "The idempotency key was used before for another request; make a new key",
    429: "Too many failed sign-ins or tokens from this address; wait Retry-After seconds",
    502: "Request Tracker refused the request or answered something untrustworthy",
    503: "Request Tracker is unavailable",
    504: "Request Tracker did not answer in time",
}

ERROR_RESPONSES: dict[str, Any] = {
    str(status): {
        "description": text,
        "content": {"application/json": {"schema": ref("Error")}},
    }
    for status, text in _ERROR_TEXT.items()
}
ERROR_RESPONSES["429"]["headers"] = {
    "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer", "minimum": 1}}
}


def json_ok(schema: str, status: int = 200, description: str = "OK") -> dict[str, Any]:
    return {
        str(status): {
            "description": description,
            "content": {"application/json": {"schema": ref(schema)}},
        }
    }


def json_request(
    body: type, facts: ApiFacts, *, required: bool = True, example: Any = None
) -> dict[str, Any]:
    """A JSON request body: the schema of the ``body`` class, the one its parsing checks."""
    content: dict[str, Any] = {"schema": body_schema(body, facts)}
    if example is not None:
        content["example"] = example
    return {"required": required, "content": {"application/json": content}}


def operation(
    operation_id: str,
    summary: str,
    tag: str,
    parameters: list[dict[str, Any]],
    responses: dict[str, Any],
    *,
    errors: tuple[int, ...],
    description: str = "",
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One operation; ``errors`` are the error statuses it may answer with.

    An operation that needs a token (401 among ``errors``) may also be throttled: 429.
    """
    if 401 in errors and 429 not in errors:
        errors = (*errors, 429)
    op: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "parameters": parameters,
        "responses": {
            **responses,
            **{str(s): {"$ref": f"#/components/responses/{s}"} for s in errors},
        },
    }
    if description:
        op["description"] = description
    if body is not None:
        op["requestBody"] = body
    return op


def query_param(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def path_param(name: str, schema: dict[str, Any], **more: Any) -> dict[str, Any]:
    """A part of the path; ``more`` adds its description, example, ..."""
    return {"name": name, "in": "path", "required": True, "schema": schema, **more}


def id_param(name: str = "id") -> dict[str, Any]:
    return path_param(name, {"type": "integer", "minimum": 1, "maximum": MAX_WHOLE})


def tag_param(pattern: str) -> dict[str, Any]:
    return path_param("tag", {"type": "string", "pattern": pattern})


def csv_content() -> dict[str, Any]:
    return {"text/csv": {"schema": {"type": "string"}}}


def json_accepted(schema: str, description: str) -> dict[str, Any]:
    """A 202 answer with ``schema`` and the ``Location`` to poll (background work)."""
    answer = json_ok(schema, 202, description)
    answer["202"]["headers"] = {
        "Location": {"description": "the job's URL", "schema": {"type": "string"}}
    }
    return answer
