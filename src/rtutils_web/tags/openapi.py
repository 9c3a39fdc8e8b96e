"""The tag operations of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rtutils_web.http.bodies import MAX_WHOLE
from rtutils_web.http.openapi import (
    ApiFacts,
    csv_content,
    id_param,
    json_ok,
    json_request,
    operation,
    query_param,
)
from rtutils_web.tags.schema import IssueTagBody, SequenceBody

_CHANGE_ERRORS = (400, 401, 403, 409, 415, 502, 503, 504)


def tag_paths(facts: ApiFacts) -> dict[str, Any]:
    """Issuing tags, the sequences and the event log."""
    prefixes = list(facts.prefixes)
    return {
        "/api/v1/assets/{id}/tag": {
            "post": operation(
                "issueTag",
                "Give the asset the next tag of a prefix (operator)",
                "tags",
                [id_param()],
                {
                    **json_ok("TagIssue", 201, "A new tag was written as the asset's Name"),
                    **json_ok("TagIssue", 200, "The asset carries a tag of the prefix already"),
                    **json_ok(
                        "Queued", 202, "RT cannot be reached: the tag is reserved, written later"
                    ),
                },
                errors=(400, 401, 403, 404, 409, 415, 502, 503, 504),
                description=(
                    "Idempotent per asset: an asset that carries a tag of the prefix gets it"
                    " back with status `already-tagged`. After a failure the number stays"
                    " reserved for this asset and a retry finishes with the same tag. While RT"
                    " cannot be reached the tag is reserved at once and the write waits in the"
                    " outbox (202 `Queued`, the reserved tag in `tag`); without a `prefix` an"
                    " asset this service has not seen needs one when catalogs have prefixes."
                    " The same `Idempotency-Key` again is the same operation."
                ),
                body=json_request(IssueTagBody, facts, required=False),
            )
        },
        "/api/v1/tags/sequence": {
            "put": operation(
                "setTagSequence",
                "Move a prefix's sequence so that its next tag is `next` (admin)",
                "tags",
                [],
                json_ok("SequenceSet"),
                errors=_CHANGE_ERRORS,
                description=(
                    "Refused with 409 at or below the highest tag issued or present in the"
                    " backend unless `force`; every change is in the tag event log."
                ),
                body=json_request(SequenceBody, facts),
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
                _event_params(facts.pattern),
                json_ok("TagEventList"),
                errors=(400, 401, 403),
            )
        },
        "/api/v1/tags/events.csv": {
            "get": operation(
                "exportTagEvents",
                "The whole filtered tag event log as CSV",
                "tags",
                _event_params(facts.pattern)[:-1],
                {"200": {"description": "CSV with a header row", "content": csv_content()}},
                errors=(400, 401, 403),
            )
        },
    }


def _event_params(pattern: str) -> list[dict[str, Any]]:
    return [
        query_param("tag", {"type": "string", "pattern": pattern}),
        query_param("asset_id", {"type": "integer", "minimum": 1, "maximum": MAX_WHOLE}),
        query_param("since", {"type": "string", "format": "date-time"}),
        query_param("until", {"type": "string", "format": "date-time"}),
        query_param("limit", {"type": "integer", "minimum": 1, "maximum": 1000}),
    ]
