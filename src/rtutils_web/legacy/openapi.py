"""The old tool's URLs stay out of the OpenAPI document: they are kept for the switch-over
(docs/migration.md), not offered to new clients."""

from __future__ import annotations

from typing import Any

from rtutils_web.http.openapi import ApiFacts


def legacy_paths(facts: ApiFacts) -> dict[str, Any]:
    return {}
