"""The OpenAPI document of the JSON API."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from rtutils_web import services
from rtutils_web.openapi import build_document

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The document, built once per app from its settings."""
    document = current_app.extensions.get("rtutils_openapi")
    if document is None:
        document = build_document(services.settings(), services.labels().template_names())
        current_app.extensions["rtutils_openapi"] = document
    return jsonify(document)
