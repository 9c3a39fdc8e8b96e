"""The property schemas that answers of every feature share, in the OpenAPI document's terms."""

from __future__ import annotations

from typing import Any

STRING: dict[str, Any] = {"type": "string"}
NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}
COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
ID: dict[str, Any] = {"type": "integer", "minimum": 1}
TIME: dict[str, Any] = {"type": "string", "format": "date-time"}
