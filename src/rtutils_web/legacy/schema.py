"""The old tool's answers are plain dicts in its own shape; they are not part of the
documented API (``/api/v1``), so this feature adds no schemas."""

from __future__ import annotations

from typing import Any

SCHEMAS: dict[str, Any] = {}
