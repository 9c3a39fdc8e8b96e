"""The import operations of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rtutils_web.http.openapi import csv_content, json_ok, operation, path_param, query_param
from rtutils_web.imports.upload import FIELD

_JOB_ID = path_param("id", {"type": "string"})
_UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": [FIELD],
                "properties": {FIELD: {"type": "string", "format": "binary"}},
            }
        },
        "text/csv": {
            "schema": {"type": "string"},
            "example": "catalog,serial,manufacturer,model,type,funding source\r\n"
            "Student Devices,5CD0123ABC,HP,Chromebook 11 G9,Chromebook,Title I\r\n",
        },
    },
}


def import_paths(_facts: Any) -> dict[str, Any]:
    """Submit (or check) an import, its progress, its result file."""
    return {
        "/api/v1/imports": {
            "post": operation(
                "submitImport",
                "Import new devices from a CSV file, or check it with dry_run=true (operator)",
                "imports",
                [query_param("dry_run", {"type": "boolean", "default": False})],
                {
                    **json_ok("ImportDryRun", description="The dry run's report; nothing changed"),
                    **json_ok("Import", 202, "The import job, queued"),
                },
                errors=(400, 401, 403, 413, 415),
                description="Columns by header: catalog, serial (or serial number),"
                " manufacturer, model, type, funding source; optional internal name, tag,"
                " prefix. Rows are numbered as a spreadsheet shows them (the header is row"
                " 1). An import skips rows imported before (found by serial).",
                body=_UPLOAD,
            )
        },
        "/api/v1/imports/{id}": {
            "get": operation(
                "getImport",
                "An import's progress: rows done of total, counts, pace, time left (operator)",
                "imports",
                [_JOB_ID],
                json_ok("Import"),
                errors=(401, 403, 404),
            )
        },
        "/api/v1/imports/{id}/result.csv": {
            "get": operation(
                "getImportResult",
                "The result file of an import that ended (operator)",
                "imports",
                [_JOB_ID],
                {
                    "200": {
                        "description": "CSV: row, asset_id, tag, internal_name, state, error",
                        "content": csv_content(),
                    }
                },
                errors=(401, 403, 404, 409),
            )
        },
    }
