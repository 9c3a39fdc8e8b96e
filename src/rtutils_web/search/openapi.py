"""The search of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rtutils_web.http.openapi import ApiFacts, json_ok, operation, query_param

#: What a scan may be: up to 200 printable characters, not only spaces.
_SCAN = {
    "type": "string",
    "maxLength": 200,
    "pattern": "^[^\\x00-\\x1f\\x7f-\\x9f]*\\S[^\\x00-\\x1f\\x7f-\\x9f]*$",
}


def search_paths(facts: ApiFacts) -> dict[str, Any]:
    """``/api/v1/search``."""
    return {
        "/api/v1/search": {
            "get": operation(
                "search",
                "Devices and people a scanned or typed text names",
                "search",
                [{**query_param("q", _SCAN), "required": True}],
                json_ok("Search"),
                errors=(400, 401, 403, 502, 503, 504),
                description=(
                    "Devices by tag, Name (or its beginning), serial number or internal name;"
                    " people by login, e-mail, roster student id or name. Below the operator"
                    " role the answer has no people and no holders (`people_shown` is false)."
                ),
            )
        }
    }
