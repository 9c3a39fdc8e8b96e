"""Building blocks of the OpenAPI document: schemas, error responses, parameters."""

from __future__ import annotations

from typing import Any

from rtutils_web.events_io import EVENT_FIELDS
from rtutils_web.payloads import ASSET_FIELDS

_NULLABLE_STRING = {"type": ["string", "null"]}

SCHEMAS: dict[str, Any] = {
    "Error": {
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
    },
    "Asset": {
        "type": "object",
        "required": list(ASSET_FIELDS),
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "name": {"type": "string"},
            "tag": {**_NULLABLE_STRING, "description": "the Name when it is an asset tag"},
            "catalog": {"type": "string"},
            "status": {"type": "string"},
            "owner": _NULLABLE_STRING,
            "held_by": {"type": "array", "items": {"type": "string"}},
            "custom_fields": {"type": "object", "additionalProperties": {"type": "string"}},
            "rt_url": {"type": "string", "format": "uri"},
        },
    },
    "AssetPage": {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Asset"}},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 1},
        },
    },
    "TagIssue": {
        "type": "object",
        "required": ["asset_id", "tag", "status"],
        "properties": {
            "asset_id": {"type": "integer", "minimum": 1},
            "tag": {"type": "string"},
            "status": {"type": "string", "enum": ["assigned", "already-tagged"]},
        },
    },
    "SequenceSet": {
        "type": "object",
        "required": ["prefix", "next_tag"],
        "properties": {"prefix": {"type": "string"}, "next_tag": {"type": "string"}},
    },
    "NextTag": {
        "type": "object",
        "required": ["next_tag", "prefix"],
        "properties": {"next_tag": {"type": "string"}, "prefix": {"type": "string"}},
    },
    "TagEvent": {
        "type": "object",
        "required": list(EVENT_FIELDS),
        "properties": {
            "id": {"type": "integer"},
            "at": {"type": "string", "format": "date-time"},
            "state": {
                "type": "string",
                "description": (
                    "reserved, assigned, failed, skipped, voided, sequence-set or floor-raised"
                ),
            },
            "tag": {"type": "string"},
            "prefix": {"type": "string"},
            "number": {"type": "integer"},
            "asset_id": {"type": ["integer", "null"]},
            "actor": {"type": "string"},
            "request_id": {"type": "string"},
            "detail": {"type": "string"},
        },
    },
    "TagEventList": {
        "type": "object",
        "required": ["events", "count"],
        "properties": {
            "events": {"type": "array", "items": {"$ref": "#/components/schemas/TagEvent"}},
            "count": {"type": "integer", "minimum": 0},
        },
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
    502: "Request Tracker refused the request or answered something untrustworthy",
    503: "Request Tracker is unavailable",
    504: "Request Tracker did not answer in time",
}

ERROR_RESPONSES: dict[str, Any] = {
    str(status): {
        "description": text,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for status, text in _ERROR_TEXT.items()
}


def json_ok(schema: str, status: int = 200, description: str = "OK") -> dict[str, Any]:
    return {
        str(status): {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    }


def json_body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


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
    """One operation; ``errors`` are the error statuses it may answer with."""
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


def id_param(name: str = "id") -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 10**18 - 1},
    }


def tag_param(pattern: str) -> dict[str, Any]:
    return {
        "name": "tag",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": pattern},
    }
