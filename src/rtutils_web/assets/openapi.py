"""The asset operations of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rtutils_web.http.bodies import MAX_WHOLE
from rtutils_web.http.openapi import ApiFacts, id_param, json_ok, operation, query_param, tag_param

_READ_ERRORS = (400, 401, 403, 404, 502, 503, 504)


def asset_paths(facts: ApiFacts) -> dict[str, Any]:
    """``/api/v1/assets``: one asset by id or by tag, and the search."""
    return {
        "/api/v1/assets/{id}": {
            "get": operation(
                "getAsset",
                "One asset by its RT id",
                "assets",
                [id_param()],
                json_ok("Asset"),
                errors=_READ_ERRORS,
            )
        },
        "/api/v1/assets/by-tag/{tag}": {
            "get": operation(
                "getAssetByTag",
                "The asset carrying a tag (as scanned)",
                "assets",
                [tag_param(facts.pattern)],
                json_ok("Asset"),
                errors=_READ_ERRORS,
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
                errors=_READ_ERRORS,
                description=(
                    "An empty value means no condition. A custom field condition is a"
                    " parameter `cf.<Field Name>=<value>`, for example"
                    " `cf.Serial Number=5CD1234XYZ`. Unknown parameters are refused."
                ),
            )
        },
    }
