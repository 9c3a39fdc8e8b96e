"""CSV imports in the API: the dry run's report, and an import job's progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from attrs import frozen

from rtutils_core.imports.importer import DryRun
from rtutils_core.imports.jobs import ImportStatus
from rtutils_web.http.answers import answer_of, list_of, object_schema, prop
from rtutils_web.http.properties import COUNT, STRING

STATES = ("queued", "running", "succeeded", "failed", "interrupted")


@frozen
class ImportProblemJson:
    """Why one row cannot be imported."""

    row: int = prop({"type": "integer", "minimum": 2, "description": "as a spreadsheet shows it"})
    field: str = prop({"type": "string", "description": "the column at fault, or empty"})
    message: str = prop(STRING)


@frozen
class ImportDryRunJson:
    """What an import of the file would do; nothing was changed."""

    total: int = prop({**COUNT, "description": "rows below the header"})
    ready: int = prop({**COUNT, "description": "rows an import would create"})
    already: int = prop({**COUNT, "description": "rows imported before (skipped)"})
    bad_rows: list[int] = prop({"type": "array", "items": {"type": "integer"}})
    problems: list[ImportProblemJson] = prop(list_of("ImportProblem"))

    @classmethod
    def of(cls, report: DryRun) -> ImportDryRunJson:
        problems = [ImportProblemJson(p.row, p.field, p.message) for p in report.problems]
        return answer_of(
            cls,
            report,
            already=len(report.already),
            bad_rows=list(report.bad_rows),
            problems=problems,
        )


@frozen
class ImportJson:
    """An import job: rows done of total, what became of them, the pace and time left."""

    id: str = prop(STRING)
    state: str = prop({"type": "string", "enum": list(STATES)})
    done: int = prop({**COUNT, "description": "rows done (created, skipped or failed)"})
    total: int | None = prop({"type": ["integer", "null"], "description": "rows in the file"})
    created: int = prop(COUNT)
    skipped: int = prop({**COUNT, "description": "rows imported before, found by serial"})
    failed: int = prop(COUNT)
    per_minute: float = prop({"type": "number", "minimum": 0, "description": "rows a minute"})
    seconds_left: float | None = prop(
        {"type": ["number", "null"], "minimum": 0, "description": "null while unknown"}
    )
    error: str | None = prop({"type": ["string", "null"]})
    result_url: str | None = prop(
        {"type": ["string", "null"], "description": "the result CSV, once the import succeeded"}
    )
    created_at: datetime = prop({"type": "string", "format": "date-time"})
    updated_at: datetime = prop({"type": "string", "format": "date-time"})

    @classmethod
    def of(cls, status: ImportStatus, result_url: str | None) -> ImportJson:
        job = status.job
        total = job.progress.total
        return answer_of(
            cls,
            status,
            id=job.id,
            state=job.state,
            done=job.progress.done,
            total=total if total is not None else _rows(job.params),
            error=job.error,
            result_url=result_url if status.has_result else None,
            created_at=job.created,
            updated_at=job.updated,
        )


def _rows(params: Any) -> int | None:
    rows = params.get("rows") if isinstance(params, dict) else None
    return rows if isinstance(rows, int) else None


SCHEMAS: dict[str, Any] = {
    "ImportProblem": object_schema(ImportProblemJson),
    "ImportDryRun": object_schema(ImportDryRunJson),
    "Import": object_schema(ImportJson),
}
