"""The OpenAPI 3.1 document of the JSON API, served at ``/api/v1/openapi.json``.

Assembled from each feature's part (:data:`rtutils_web.features.FEATURES`) and built from the
settings, so the tag pattern, the prefixes and the batch limit it states are the ones this
service enforces. The fuzz test (schemathesis) holds the API to this document.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from rtutils_core.tags import TagFormats
from rtutils_web import services
from rtutils_web.features import FEATURES
from rtutils_web.http.openapi import ERROR_RESPONSES, ERROR_SCHEMA, ApiFacts

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


def build_document(
    tag_formats: TagFormats, max_batch: int, templates: Sequence[str]
) -> dict[str, Any]:
    """The whole document for the configured tags, batch limit and label ``templates``."""
    facts = ApiFacts.of(tag_formats, max_batch, tuple(templates))
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for feature in FEATURES:
        for path, operations in feature.paths(facts).items():
            # Two features may serve one path with different methods (GET and POST /assets).
            paths.setdefault(path, {}).update(operations)
        schemas |= feature.schemas
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
            "schemas": schemas,
            "responses": ERROR_RESPONSES,
        },
    }


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The document, built once per app from its settings."""
    document = current_app.extensions.get("rtutils_openapi")
    if document is None:
        settings = services.settings()
        templates = services.labels().template_names()
        document = build_document(settings.tag_formats, settings.max_batch, templates)
        current_app.extensions["rtutils_openapi"] = document
    return jsonify(document)
