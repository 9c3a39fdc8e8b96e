"""The OpenAPI 3.1 document of the JSON API, served at ``/api/v1/openapi.json``.

Built from the settings, so the tag pattern, the prefixes and the batch limit it states are
the ones this service enforces. The fuzz test (schemathesis) holds the API to this document.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rtutils_core.settings import Settings
from rtutils_core.tags import TagFormat
from rtutils_web.openapi_labels import label_paths
from rtutils_web.openapi_parts import (
    ERROR_RESPONSES,
    SCHEMAS,
    id_param,
    json_body,
    json_ok,
    operation,
    query_param,
    tag_param,
)
from rtutils_web.payloads import MAX_WHOLE


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


def build_document(settings: Settings, templates: Sequence[str]) -> dict[str, Any]:
    """The whole document for ``settings`` and the label ``templates`` on offer."""
    pattern = tag_pattern(settings.tag_formats.all)
    prefixes = [f.prefix for f in settings.tag_formats.all]
    paths: dict[str, Any] = {**label_paths(pattern, list(templates), settings.max_batch)}
    paths |= {
        "/api/v1/assets/{id}": {
            "get": operation(
                "getAsset",
                "One asset by its RT id",
                "assets",
                [id_param()],
                json_ok("Asset"),
                errors=(400, 401, 403, 404, 502, 503, 504),
            )
        },
        "/api/v1/assets/by-tag/{tag}": {
            "get": operation(
                "getAssetByTag",
                "The asset carrying a tag (as scanned)",
                "assets",
                [tag_param(pattern)],
                json_ok("Asset"),
                errors=(400, 401, 403, 404, 502, 503, 504),
            )
        },
        "/api/v1/assets": {
            "get": operation(
                "searchAssets",
                "Search assets; every given condition must hold",
                "assets",
                [
                    query_param("catalog", {"type": "string"}),
                    query_param("status", {"type": "string"}),
                    query_param("name_prefix", {"type": "string"}),
                    query_param("owner", {"type": "string"}),
                    query_param("held_by", {"type": "string"}),
                    query_param("page", {"type": "integer", "minimum": 1, "maximum": MAX_WHOLE}),
                    query_param("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
                ],
                json_ok("AssetPage"),
                errors=(400, 401, 403, 404, 502, 503, 504),
                description=(
                    "An empty value means no condition. A custom field condition is a"
                    " parameter `cf.<Field Name>=<value>`, for example"
                    " `cf.Serial Number=5CD1234XYZ`. Unknown parameters are refused."
                ),
            )
        },
        "/api/v1/assets/{id}/tag": {
            "post": operation(
                "issueTag",
                "Give the asset the next tag of a prefix (operator)",
                "tags",
                [id_param()],
                {
                    **json_ok("TagIssue", 201, "A new tag was written as the asset's Name"),
                    **json_ok("TagIssue", 200, "The asset carries a tag of the prefix already"),
                },
                errors=(400, 401, 403, 404, 409, 415, 502, 503, 504),
                description=(
                    "Idempotent per asset: an asset that carries a tag of the prefix gets it"
                    " back with status `already-tagged`. After a failure the number stays"
                    " reserved for this asset and a retry finishes with the same tag."
                ),
                body=json_body(_prefix_body(prefixes), required=False),
            )
        },
        "/api/v1/tags/sequence": {
            "put": operation(
                "setTagSequence",
                "Move a prefix's sequence so that its next tag is `next` (admin)",
                "tags",
                [],
                json_ok("SequenceSet"),
                errors=(400, 401, 403, 409, 415, 502, 503, 504),
                description=(
                    "Refused with 409 at or below the highest tag issued or present in the"
                    " backend unless `force`; every change is in the tag event log."
                ),
                body=json_body(_sequence_body(prefixes, settings.tag_formats.default.max_number)),
            )
        },
        "/api/v1/tags/next": {
            "get": operation(
                "previewNextTag",
                "The tag the next issue would hand out (changes nothing)",
                "tags",
                [query_param("prefix", {"type": "string", "enum": prefixes})],
                json_ok("NextTag"),
                errors=(400, 401, 403),
            )
        },
        "/api/v1/tags/events": {
            "get": operation(
                "listTagEvents",
                "The tag event log, newest first",
                "tags",
                _event_params(pattern),
                json_ok("TagEventList"),
                errors=(400, 401, 403),
            )
        },
        "/api/v1/tags/events.csv": {
            "get": operation(
                "exportTagEvents",
                "The whole filtered tag event log as CSV",
                "tags",
                _event_params(pattern)[:-1],
                {"200": {"description": "CSV with a header row", "content": _csv()}},
                errors=(400, 401, 403),
            )
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "RequestTrackerUtils API",
            "version": "1",
            "description": (
                "Asset look-ups, asset tags and labels for Request Tracker 5 Assets. Every"
                " operation needs `Authorization: Bearer <token>`; roles are viewer (read),"
                " operator (issue tags, print) and admin (sequences). Errors are"
                ' `{"error": {"code", "message", "request_id"}}`.'
            ),
        },
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
            "responses": ERROR_RESPONSES,
        },
    }


def _prefix_body(prefixes: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "prefix": {"type": ["string", "null"], "enum": [*prefixes, None]},
        },
    }


def _sequence_body(prefixes: list[str], max_number: int) -> dict[str, Any]:
    body = _prefix_body(prefixes)
    body["required"] = ["next"]
    body["properties"] |= {
        "next": {"type": "integer", "minimum": 1, "maximum": max_number},
        "force": {"type": "boolean", "default": False},
    }
    return body


def _csv() -> dict[str, Any]:
    return {"text/csv": {"schema": {"type": "string"}}}


def _event_params(pattern: str) -> list[dict[str, Any]]:
    return [
        query_param("tag", {"type": "string", "pattern": pattern}),
        query_param("asset_id", {"type": "integer", "minimum": 1, "maximum": MAX_WHOLE}),
        query_param("since", {"type": "string", "format": "date-time"}),
        query_param("until", {"type": "string", "format": "date-time"}),
        query_param("limit", {"type": "integer", "minimum": 1, "maximum": 1000}),
    ]
