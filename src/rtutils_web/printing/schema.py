"""Printing in the API: the print request, and printers and jobs as answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from attrs import frozen

from rtutils_core.printing.print_jobs import JOB_STATES, MAX_COPIES, PrintJob
from rtutils_core.printing.printers import KINDS, MEDIA_NAMES, PrinterConfig
from rtutils_web.http.answers import FieldsFrom, answer_of, list_of, object_schema, prop, ref
from rtutils_web.http.openapi import asset_ids_field, tags_field, template_choice
from rtutils_web.http.properties import STRING

# -- request bodies -------------------------------------------------------------------


@frozen
class PrintBody:
    """A printer and one selector; the printer, its template, the tags' form and the batch
    limit (413) are checked by the service with the settings the document states."""

    SCHEMA: ClassVar[dict[str, Any]] = {
        "description": "A printer and exactly one of tags or asset_ids.",
        "oneOf": [{"required": ["tags"]}, {"required": ["asset_ids"]}],
    }

    printer: str = prop({"type": "string", "description": "a name from GET /api/v1/printers"})
    tags: list[str] | None = tags_field()
    asset_ids: list[int] | None = asset_ids_field()
    template: str | None = prop(
        {
            "type": ["string", "null"],
            "description": "default and only choice: the template of the printer's stock",
        },
        default=None,
        configured=template_choice,
    )
    copies: int = prop(
        {"type": "integer", "minimum": 1, "maximum": MAX_COPIES, "default": 1}, default=1
    )


# -- answers --------------------------------------------------------------------------


@frozen
class PrinterJson(FieldsFrom[PrinterConfig]):
    """One configured printer (its address stays on the server)."""

    name: str = prop(STRING)
    kind: str = prop({"type": "string", "enum": list(KINDS)})
    model: str = prop(STRING)
    media: str = prop({"type": "string", "enum": list(MEDIA_NAMES)})
    media_name: str = prop(STRING)
    template: str = prop({"type": "string", "description": "the label template it prints"})


@frozen
class PrinterStateJson:
    """A printer and what it says about itself now."""

    printer: PrinterJson = prop(ref("Printer"))
    ready: bool = prop({"type": "boolean"})
    detail: str = prop({"type": "string", "description": "why not ready, or what it reported"})


@frozen
class PrinterListJson:
    """The configured printers, in configuration order."""

    printers: list[PrinterJson] = prop(list_of("Printer"))


@frozen
class PrintItemJson:
    asset_id: int = prop({"type": "integer", "minimum": 1})
    tag: str = prop(STRING)


@frozen
class PrintJobJson:
    """A print job and how far it got; ``printed`` of ``total`` labels came out."""

    id: str = prop(STRING)
    printer: str = prop(STRING)
    template: str = prop(STRING)
    state: str = prop({"type": "string", "enum": list(JOB_STATES)})
    reason: str = prop({"type": "string", "description": "why it failed; empty otherwise"})
    printed: int = prop({"type": "integer", "minimum": 0})
    total: int = prop({"type": "integer", "minimum": 1})
    copies: int = prop({"type": "integer", "minimum": 1, "maximum": MAX_COPIES})
    attempts: int = prop({"type": "integer", "minimum": 0})
    items: list[PrintItemJson] = prop(
        {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["asset_id", "tag"],
                "properties": {"asset_id": {"type": "integer"}, "tag": STRING},
            },
        }
    )
    skipped: list[str] = prop(
        {
            "type": "array",
            "items": STRING,
            "description": "what was asked for and is not printed (not found, no tag yet)",
        }
    )
    created_at: datetime = prop({"type": "string", "format": "date-time"})
    updated_at: datetime = prop({"type": "string", "format": "date-time"})

    @classmethod
    def of(cls, job: PrintJob) -> PrintJobJson:
        items = [PrintItemJson(i.asset_id, i.tag) for i in job.items]
        return answer_of(cls, job, items=items, skipped=list(job.skipped))


SCHEMAS: dict[str, Any] = {
    "Printer": object_schema(PrinterJson),
    "PrinterList": object_schema(PrinterListJson),
    "PrinterState": object_schema(PrinterStateJson),
    "PrintJob": object_schema(PrintJobJson),
}
