"""The label operations of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rtutils_web.http.openapi import ApiFacts, json_request, operation, query_param, tag_param
from rtutils_web.labels.schema import BatchBody

_READ_ERRORS = (400, 401, 403, 404, 502, 503, 504)


def _document(media_type: str, description: str) -> dict[str, Any]:
    return {
        "200": {
            "description": description,
            "headers": {
                "Content-Disposition": {
                    "description": "inline, with a file name of the tag and template",
                    "schema": {"type": "string"},
                }
            },
            "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
        }
    }


def label_paths(facts: ApiFacts) -> dict[str, Any]:
    """``/api/v1/labels/...``: single labels and batches."""
    pattern, templates, max_batch = facts.pattern, list(facts.templates), facts.max_batch
    template = query_param("template", {"type": "string", "enum": templates})
    template["description"] = "default: the template configured for the asset's Type"
    batch_ok = _document("application/pdf", "One PDF, one page per label, in the order asked")
    batch_ok["200"]["headers"] |= {
        "X-Label-Count": {"description": "pages in the PDF", "schema": {"type": "string"}},
        "X-Labels-Missing": {
            "description": "with allow_missing: tags or 'asset <id>' not found",
            "schema": {"type": "string"},
        },
        "X-Labels-Refused": {
            "description": "with allow_missing: how many assets found cannot get a label",
            "schema": {"type": "string"},
        },
    }
    return {
        f"/api/v1/labels/{{tag}}.{suffix}": {
            "get": operation(
                operation_id,
                summary,
                "labels",
                [tag_param(pattern), template],
                _document(media_type, f"The label as {media_type}"),
                errors=_READ_ERRORS,
            )
        }
        for suffix, operation_id, media_type, summary in (
            ("pdf", "getLabelPdf", "application/pdf", "One label as a PDF the size of the label"),
            ("png", "getLabelPng", "image/png", "The same label as a 300 dpi PNG, for previews"),
        )
    } | {
        "/api/v1/labels/batch": {
            "post": operation(
                "printLabelBatch",
                "Labels for tags, asset ids or a search, as one PDF (operator)",
                "labels",
                [],
                batch_ok,
                errors=(400, 401, 403, 404, 409, 413, 415, 502, 503, 504),
                description=(
                    "Strict by default: if a tag or asset id is not found, or an asset has no"
                    " tag yet, nothing is printed and the error (404 when something is not"
                    " found, else 409; code `batch_incomplete`) lists them in `missing` and"
                    f" `refused`. At most {max_batch} labels (MAX_BATCH); more is 413. A"
                    " search's custom field names are checked against the catalogs: a name"
                    " applied to no catalog is 400."
                ),
                body=json_request(BatchBody, facts),
            )
        },
    }
