"""The OpenAPI document stays what clients were given: compared with a committed copy.

The copy (``openapi_snapshot.json``) was written from the service before its web shell was
regrouped by feature. A change of the document must be a deliberate one: either the copy is
written anew (``RTUTILS_WRITE_OPENAPI_SNAPSHOT=1``) in the same commit as the change, or a
schema is renamed and the rename is listed in ``SCHEMA_RENAMES`` (and in the CHANGELOG).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.web.conftest import bearer

SNAPSHOT = Path(__file__).with_name("openapi_snapshot.json")
#: old schema name -> new schema name; every entry is a documented rename.
SCHEMA_RENAMES: dict[str, str] = {}


def _renamed(value: Any) -> Any:
    """The snapshot with every documented schema rename applied."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str):
                prefix, _, name = item.rpartition("/")
                out[key] = f"{prefix}/{SCHEMA_RENAMES.get(name, name)}"
            else:
                out[key] = _renamed(item)
        if "schemas" in out and isinstance(out["schemas"], dict):
            out["schemas"] = {SCHEMA_RENAMES.get(k, k): v for k, v in out["schemas"].items()}
        return out
    if isinstance(value, list):
        return [_renamed(v) for v in value]
    return value


def test_the_openapi_document_is_the_one_clients_were_given(client):
    document = client.get("/api/v1/openapi.json", headers=bearer("viewer")).get_json()
    if os.environ.get("RTUTILS_WRITE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    expected = _renamed(json.loads(SNAPSHOT.read_text(encoding="utf-8")))
    assert document == expected
